// BLS12-381 benchmarks. Names are stable: bench/bls-vs-blst matches them against blst.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/groups.h"
#include "crypto/bls12_381/hash_to_curve.h"
#include "crypto/bls12_381/pairing.h"

namespace cryfttee::bls {
namespace {

Bytes Ikm(uint8_t tag) { return Bytes(32, tag); }
const Bytes kMsg(32, 0xab);

SecretKey Key(uint8_t tag) { return SecretKey::KeyGen(Ikm(tag)).value(); }

void BM_KeyGen(benchmark::State& state) {
  Bytes ikm = Ikm(1);
  for (auto _ : state) benchmark::DoNotOptimize(SecretKey::KeyGen(ikm));
}
BENCHMARK(BM_KeyGen)->Name("keygen");

void BM_SkToPk(benchmark::State& state) {
  SecretKey sk = Key(1);
  for (auto _ : state) benchmark::DoNotOptimize(sk.GetPublicKey().ToBytes());
}
BENCHMARK(BM_SkToPk)->Name("sk_to_pk");

void BM_Sign(benchmark::State& state) {
  SecretKey sk = Key(1);
  for (auto _ : state) benchmark::DoNotOptimize(sk.Sign(kMsg).ToBytes());
}
BENCHMARK(BM_Sign)->Name("sign");

void BM_Verify(benchmark::State& state) {
  SecretKey sk = Key(1);
  PublicKey pk = sk.GetPublicKey();
  Signature sig = sk.Sign(kMsg);
  for (auto _ : state) {
    if (!Verify(pk, kMsg, sig)) state.SkipWithError("verify returned false");
  }
}
BENCHMARK(BM_Verify)->Name("verify");

void BM_PkDecode(benchmark::State& state) {
  auto bytes = Key(1).GetPublicKey().ToBytes();
  for (auto _ : state) benchmark::DoNotOptimize(PublicKey::FromBytes(bytes));
}
BENCHMARK(BM_PkDecode)->Name("pk_decode_validate");

void BM_SigDecode(benchmark::State& state) {
  auto bytes = Key(1).Sign(kMsg).ToBytes();
  for (auto _ : state) benchmark::DoNotOptimize(Signature::FromBytes(bytes));
}
BENCHMARK(BM_SigDecode)->Name("sig_decode_validate");

void BM_HashToG2(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(internal::HashToG2(kMsg, AsBytes(kDstSig)));
  }
}
BENCHMARK(BM_HashToG2)->Name("hash_to_g2");

void BM_Pairing(benchmark::State& state) {
  internal::G1Affine p = internal::G1Generator();
  internal::G2Affine q = internal::G2Generator();
  for (auto _ : state) benchmark::DoNotOptimize(internal::Pairing(p, q));
}
BENCHMARK(BM_Pairing)->Name("pairing");

void BM_FastAggregateVerify100(benchmark::State& state) {
  std::vector<PublicKey> pks;
  std::vector<Signature> sigs;
  for (int i = 0; i < 100; ++i) {
    SecretKey sk = Key(uint8_t(i + 1));
    pks.push_back(sk.GetPublicKey());
    sigs.push_back(sk.Sign(kMsg));
  }
  Signature agg = *Aggregate(sigs);
  for (auto _ : state) {
    if (!FastAggregateVerify(pks, kMsg, agg)) state.SkipWithError("returned false");
  }
}
BENCHMARK(BM_FastAggregateVerify100)->Name("fast_aggregate_verify_100");

void BM_AggregateVerify10(benchmark::State& state) {
  std::vector<PublicKey> pks;
  std::vector<Signature> sigs;
  std::vector<Bytes> msgs;
  for (int i = 0; i < 10; ++i) {
    SecretKey sk = Key(uint8_t(i + 1));
    msgs.push_back(Bytes(32, uint8_t(i)));
    pks.push_back(sk.GetPublicKey());
    sigs.push_back(sk.Sign(msgs.back()));
  }
  std::vector<ByteSpan> spans(msgs.begin(), msgs.end());
  Signature agg = *Aggregate(sigs);
  for (auto _ : state) {
    if (!AggregateVerify(pks, spans, agg)) state.SkipWithError("returned false");
  }
}
BENCHMARK(BM_AggregateVerify10)->Name("aggregate_verify_10");

}  // namespace
}  // namespace cryfttee::bls

BENCHMARK_MAIN();
