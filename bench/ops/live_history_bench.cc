// What the kiosk's live panel costs (ops/live_history.h): per signing request the daemon records
// one request and one signature; per kiosk poll it takes one snapshot of the hour. Both are set
// beside the thing they ride on, measured in the same run: a secp256k1 signature (the cheapest
// signature cryfttee makes in process). Read the ratios, not the absolute times.
#include <benchmark/benchmark.h>

#include "core/bytes.h"
#include "core/clock.h"
#include "crypto/ecdsa.h"
#include "ops/live_history.h"

namespace cryfttee::ops {
namespace {

// Reference: one ECDSA signature over a digest.
void BM_ReferenceEcdsaSign(benchmark::State& state) {
  Bytes secret(32, 0x11);
  Bytes digest(32, 0x22);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::EcdsaSignDigest(crypto::EcCurve::kSecp256k1, secret, digest));
  }
}
BENCHMARK(BM_ReferenceEcdsaSign);

// What a signing request adds: a request and a signature recorded, with their clock reads.
void BM_RecordSigningRequest(benchmark::State& state) {
  LiveHistory history;
  double seconds = 0.0003;
  for (auto _ : state) {
    history.RecordRequest(NowUnixMillis(), 200);
    history.RecordSigning(NowUnixMillis(), "bls", seconds);
    seconds += 1e-9;
  }
}
BENCHMARK(BM_RecordSigningRequest)->Threads(1)->Threads(2);

// One kiosk poll of a full hour: every slot with requests and both key types' buckets.
void BM_SnapshotFullHour(benchmark::State& state) {
  LiveHistory history;
  const int64_t now = NowUnixMillis();
  for (size_t i = 0; i < LiveHistory::kSlots; ++i) {
    int64_t t = now - static_cast<int64_t>(i) * LiveHistory::kSlotMillis;
    for (int j = 0; j < 20; ++j) {
      history.RecordRequest(t, 200);
      history.RecordSigning(t, j % 2 ? "bls" : "tls", 1e-4 * (1 + j));
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(history.Snapshot(now).dump());
}
BENCHMARK(BM_SnapshotFullHour)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cryfttee::ops

BENCHMARK_MAIN();
