// Montgomery multiplication kernels and their run-time selection.
#include "crypto/bls12_381/fp.h"

#ifdef CRYFTTEE_BLS_X86_KERNEL
#include <cpuid.h>
#endif

namespace cryfttee::bls::internal {
namespace {

bool DetectFastKernel() {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  // CPUID leaf 7, sub-leaf 0, EBX: bit 8 = BMI2 (MULX), bit 19 = ADX. Read directly rather than
  // with __builtin_cpu_supports, whose "adx" name clang 14 does not know.
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (ebx & (1u << 8)) != 0 && (ebx & (1u << 19)) != 0;
#else
  return false;
#endif
}

const bool g_fast_available = DetectFastKernel();

}  // namespace

#ifdef CRYFTTEE_BLS_X86_KERNEL
// Which kernel runs is a property of the machine, never of the data.
bool g_fp_use_mulx = g_fast_available;
#endif

void FpMulDispatch(uint64_t* out, const uint64_t* a, const uint64_t* b) {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  if (g_fp_use_mulx) {
    cryfttee_bls_fp_mul_mulx(out, a, b);
    return;
  }
#endif
  MontMulPortable(out, a, b);
}

bool FpFastKernelAvailable() { return g_fast_available; }

bool FpForceFastKernel() {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  g_fp_use_mulx = true;
  return true;
#else
  return false;
#endif
}

bool FpUseFastKernel(bool enable) {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  bool was = g_fp_use_mulx;
  g_fp_use_mulx = enable && g_fast_available;
  return was;
#else
  (void)enable;
  return false;
#endif
}

}  // namespace cryfttee::bls::internal
