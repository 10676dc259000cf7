// Quick wall-clock timings for development (not a test; bench/ has the real benchmarks).
#include <cstdio>
#include <ctime>
#include <functional>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/hash_to_curve_internal.h"
#include "crypto/bls12_381/pairing.h"

using namespace cryfttee;
using namespace cryfttee::bls;

static void Time(const char* name, int iters, const std::function<void()>& f) {
  // Thread CPU time: the shared machine is loaded, wall time would mostly measure waiting.
  // Best of five batches, to shed interference from other processes.
  f();
  double us = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (int i = 0; i < iters / 5 + 1; ++i) f();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    double v = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) / (iters / 5 + 1);
    if (v < us) us = v;
  }
  std::printf("%-24s %10.2f us\n", name, us);
}

int main() {
  using namespace cryfttee::bls::internal;
  Fp a = FpFromU64(123456789), b = FpFromU64(987654321);
  Time("fp_mul x1000", 2000, [&] {
    for (int i = 0; i < 1000; ++i) a = a * b;
  });
  Fp c = FpFromU64(5), d = FpFromU64(6), e = FpFromU64(7);
  Time("fp_mul x4 indep x250", 2000, [&] {
    for (int i = 0; i < 250; ++i) {
      a = a * b;
      c = c * b;
      d = d * b;
      e = e * b;
    }
  });
  Time("fp_inv", 2000, [&] { a = FpInv(a); });
  Time("fp_add x1000", 2000, [&] {
    for (int i = 0; i < 1000; ++i) a = a + b;
  });
  Time("fp_sub x1000", 2000, [&] {
    for (int i = 0; i < 1000; ++i) a = a - b;
  });
  Fp2 x{a, b};
  Time("fp2_mul x1000", 500, [&] {
    for (int i = 0; i < 1000; ++i) x = x * x;
  });
  auto sk = SecretKey::KeyGen(Bytes(32, 7)).value();
  PublicKey pk = sk.GetPublicKey();
  Bytes msg(32, 0xab);
  Signature sig = sk.Sign(msg);
  Time("sk_to_pk", 200, [&] { pk = sk.GetPublicKey(); });
  Time("hash_to_g2", 200, [&] { (void)HashToG2Point(msg, AsBytes(kDstSig)); });
  Time("sign", 200, [&] { sig = sk.Sign(msg); });
  Time("verify", 200, [&] {
    if (!Verify(pk, msg, sig)) std::abort();
  });
  Time("pairing", 200, [&] { (void)Pairing(G1Generator(), G2Generator()); });
  Time("miller_loop", 200, [&] {
    PairingInput in{G1Generator(), G2Generator()};
    (void)MillerLoop(&in, 1);
  });
  auto sig_bytes = sig.ToBytes();
  Time("sig_decode", 200, [&] { (void)Signature::FromBytes(sig_bytes); });
  auto pk_bytes = pk.ToBytes();
  Time("pk_decode", 200, [&] { (void)PublicKey::FromBytes(pk_bytes); });
  return 0;
}
