// Montgomery multiplication kernels and their run-time selection.
#include "crypto/bls12_381/fp.h"

#ifdef CRYFTTEE_BLS_X86_KERNEL
extern "C" void cryfttee_bls_fp_mul_mulx(uint64_t* out, const uint64_t* a, const uint64_t* b);
#endif

namespace cryfttee::bls::internal {
namespace {

bool DetectFastKernel() {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  __builtin_cpu_init();
  return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("adx");
#else
  return false;
#endif
}

const bool g_fast_available = DetectFastKernel();
// Which kernel runs is a property of the machine, never of the data.
bool g_use_fast = g_fast_available;

}  // namespace

void FpMulDispatch(uint64_t* out, const uint64_t* a, const uint64_t* b) {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  if (g_use_fast) {
    cryfttee_bls_fp_mul_mulx(out, a, b);
    return;
  }
#endif
  MontMulPortable(out, a, b);
}

bool FpFastKernelAvailable() { return g_fast_available; }

bool FpForceFastKernel() {
#ifdef CRYFTTEE_BLS_X86_KERNEL
  g_use_fast = true;
  return true;
#else
  return false;
#endif
}

bool FpUseFastKernel(bool enable) {
  bool was = g_use_fast;
  g_use_fast = enable && g_fast_available;
  return was;
}

}  // namespace cryfttee::bls::internal
