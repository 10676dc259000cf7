// Marks secret-derived bytes as public once they may be revealed (a public key, a finished
// signature, the negligible-probability "KeyGen produced zero" bit). Under valgrind this tells
// memcheck the bytes are defined, so the constant-time test (which marks secret keys
// undefined) only flags real secret-dependent branches. Outside valgrind it costs a few
// instructions and does nothing.
#pragma once

#include <cstddef>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define CRYFTTEE_HAVE_MEMCHECK 1
#endif
#endif

namespace cryfttee::bls::internal {

inline void Declassify(const void* p, size_t n) {
#ifdef CRYFTTEE_HAVE_MEMCHECK
  (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
  (void)p;
  (void)n;
#endif
}

}  // namespace cryfttee::bls::internal
