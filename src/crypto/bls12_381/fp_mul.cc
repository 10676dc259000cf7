// Montgomery multiplication kernels and their runtime selection.
#include "crypto/bls12_381/fp.h"

namespace cryfttee::bls::internal {
namespace {

bool g_use_fast = false;

}  // namespace

void FpMulDispatch(uint64_t* out, const uint64_t* a, const uint64_t* b) {
  MontMulPortable(out, a, b);
}

bool FpFastKernelAvailable() { return false; }

bool FpUseFastKernel(bool enable) {
  bool was = g_use_fast;
  g_use_fast = enable && FpFastKernelAvailable();
  return was;
}

}  // namespace cryfttee::bls::internal
