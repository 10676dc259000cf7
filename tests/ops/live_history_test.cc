#include "ops/live_history.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace cryfttee::ops {
namespace {

using nlohmann::json;

// Half a quarter-octave: the most a bucket's middle can be from a value in the bucket.
const double kTolerance = std::exp2(1.0 / 8) - 1;

constexpr int64_t kT0 = 1'800'000'000'000;  // a slot boundary (unix ms)

double OrderStatistic(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::max<size_t>(rank, 1) - 1];
}

TEST(LiveHistory, BucketMiddlesAreWithinNinePercentOfTheirValues) {
  for (double s = 1e-6; s < 100; s *= 1.013) {
    double middle = LiveHistory::BucketMiddleMillis(LiveHistory::BucketOf(s)) / 1000;
    EXPECT_LE(std::abs(middle - s) / s, kTolerance + 1e-12) << s;
  }
  EXPECT_EQ(LiveHistory::BucketOf(0), 0u);
  EXPECT_EQ(LiveHistory::BucketOf(-1), 0u);
  EXPECT_EQ(LiveHistory::BucketOf(std::nan("")), 0u);
  EXPECT_EQ(LiveHistory::BucketOf(1e9), LiveHistory::kBuckets - 1);
}

TEST(LiveHistory, QuantilesOfASlotTrackTheTrueOrderStatistics) {
  std::mt19937_64 rng(7);
  // Log-normal latencies around 300 us with a slow tail, as signing looks.
  std::lognormal_distribution<double> latency(std::log(300e-6), 0.8);
  LiveHistory h;
  std::vector<double> bls, tls;
  for (int i = 0; i < 5000; ++i) {
    double s = latency(rng);
    (i % 5 ? bls : tls).push_back(s);
    h.RecordSigning(kT0 + i % 10'000, i % 5 ? "bls" : "tls", s);
  }
  json snap = h.Snapshot(kT0 + 9'999);
  ASSERT_EQ(snap["slots"].size(), 1u) << snap;
  for (const auto& [type, values] : {std::pair{"bls", bls}, std::pair{"tls", tls}}) {
    const json& got = snap["slots"][0]["signing"][type];
    EXPECT_EQ(got["count"], values.size());
    for (const auto& [field, q] : {std::pair{"p50_ms", 0.5}, std::pair{"p99_ms", 0.99}}) {
      double truth = OrderStatistic(values, q) * 1000;
      double reported = got[field].get<double>();
      EXPECT_LE(std::abs(reported - truth) / truth, kTolerance + 1e-3)
          << type << " " << field << " reported " << reported << " true " << truth;
    }
  }
  // The hour merges the slots: here the same single slot.
  EXPECT_EQ(snap["hour"]["signing"]["bls"], snap["slots"][0]["signing"]["bls"]);
}

TEST(LiveHistory, SlotsCountRequestsErrorsAndHeartbeatsAndAgeOutAfterAnHour) {
  LiveHistory h;
  h.RecordRequest(kT0, 200);
  h.RecordRequest(kT0 + 1, 404);
  h.RecordRequest(kT0 + 2, 503);
  h.RecordHeartbeat(kT0 + 3);
  h.RecordRequest(kT0 + 25'000, 200);  // two slots later
  h.RecordSigning(kT0 + 25'000, "bls", 0.001);

  json snap = h.Snapshot(kT0 + 30'000);
  EXPECT_EQ(snap["slot_seconds"], 10);
  EXPECT_EQ(snap["window_seconds"], 3600);
  ASSERT_EQ(snap["slots"].size(), 2u) << snap;  // the empty slot between is left out
  EXPECT_EQ(snap["slots"][0]["t"], kT0);
  EXPECT_EQ(snap["slots"][0]["requests"], 3);
  EXPECT_EQ(snap["slots"][0]["errors"], 2);
  EXPECT_EQ(snap["slots"][0]["heartbeats"], 1);
  EXPECT_TRUE(snap["slots"][0]["signing"].empty());
  EXPECT_EQ(snap["slots"][1]["t"], kT0 + 20'000);
  EXPECT_EQ(snap["slots"][1]["signing"]["bls"]["count"], 1);
  EXPECT_EQ(snap["hour"]["requests"], 4);
  EXPECT_EQ(snap["hour"]["errors"], 2);
  EXPECT_EQ(snap["hour"]["heartbeats"], 1);

  // An hour on, the first slot is out of the window; its ring entry is reused and starts at zero.
  const int64_t hour = LiveHistory::kSlotMillis * LiveHistory::kSlots;
  snap = h.Snapshot(kT0 + hour + 5'000);
  ASSERT_EQ(snap["slots"].size(), 1u) << snap;
  EXPECT_EQ(snap["slots"][0]["t"], kT0 + 20'000);
  h.RecordRequest(kT0 + hour, 200);
  snap = h.Snapshot(kT0 + hour);
  ASSERT_EQ(snap["slots"].size(), 2u) << snap;
  EXPECT_EQ(snap["slots"][1]["t"], kT0 + hour);
  EXPECT_EQ(snap["slots"][1]["requests"], 1);
  EXPECT_EQ(snap["slots"][1]["heartbeats"], 0);
  EXPECT_EQ(snap["hour"]["requests"], 2);
}

TEST(LiveHistory, KeyTypesBeyondTheTrackedOnesAreOther) {
  LiveHistory h;
  h.RecordSigning(kT0, "bls", 0.001);
  h.RecordSigning(kT0, "tls", 0.002);
  h.RecordSigning(kT0, "frost", 0.003);
  h.RecordSigning(kT0, "musig", 0.004);
  json signing = h.Snapshot(kT0)["slots"][0]["signing"];
  EXPECT_EQ(signing.size(), 3u) << signing;
  EXPECT_EQ(signing["other"]["count"], 2);
  EXPECT_EQ(signing["bls"]["count"], 1);
}

}  // namespace
}  // namespace cryfttee::ops
