// The last hour of what the metrics count, kept for the kiosk's live panel: signing latency
// (p50, p99) per key type, API requests and the node's heartbeats, in 10-second slots.
//
// Purpose: Prometheus keeps totals since start; an operator at the kiosk wants the recent shape
// (is signing slower than ten minutes ago, did the node stop beating). Metrics::ObserveRequest and
// Metrics::ObserveSigning feed this from the same calls that feed the Prometheus series (so the
// panel and a scrape never disagree about what was observed); heartbeats come from the API
// middleware (RecordHeartbeat).
//
// Percentiles come from histogram buckets, not samples: every observation of a slot is counted
// in quarter-octave buckets (bounds 1 us * 2^(i/4), up to ~137 s; anything slower lands in the
// last bucket). A reported quantile is the geometric middle of the bucket holding that rank, so it
// is within 9.05% (2^(1/8) - 1) of a true order statistic of the slot's observations. The hour's
// figures merge the slots' buckets, so they are exact about counts and within the same 9%.
//
// Memory: 360 slots of counters, plus 109 bucket counters per key type only for slots that saw a
// signature of that type (at most 3 types tracked: the first two names seen and "other"), so at
// most ~480 KB, ~40 KB when idle.
//
// Failure codes: none (it only counts). Threading: every method is thread-safe; one mutex, held
// O(1) per observation, and by Snapshot only to copy the window (the summary is built after).
// Costs: bench/ops/live_history_bench.cc.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/mutex.h"

namespace cryfttee::ops {

class LiveHistory {
 public:
  static constexpr int64_t kSlotMillis = 10'000;
  static constexpr size_t kSlots = 360;  // one hour
  static constexpr size_t kBucketsPerOctave = 4;
  static constexpr size_t kBuckets = 27 * kBucketsPerOctave + 1;  // 1 us .. 2^27 us, + overflow
  static constexpr size_t kMaxKeyTypes = 3;

  LiveHistory();
  ~LiveHistory();
  LiveHistory(const LiveHistory&) = delete;
  LiveHistory& operator=(const LiveHistory&) = delete;

  // `now_ms` is unix milliseconds. A status >= 400 also counts as an error.
  void RecordRequest(int64_t now_ms, int status);
  void RecordSigning(int64_t now_ms, std::string_view key_type, double seconds);
  void RecordHeartbeat(int64_t now_ms);

  // {"slot_seconds", "window_seconds", "now" (unix ms), "quantile_method",
  //  "slots": [{"t" (slot start, unix ms), "requests", "errors", "heartbeats",
  //             "signing": {<key type>: {"count", "p50_ms", "p99_ms"}}}]   (non-empty slots, oldest
  //  first), "hour": {"requests", "errors", "heartbeats",
  //                   "signing": {<key type>: {"count", "p50_ms", "p99_ms"}}}}
  nlohmann::json Snapshot(int64_t now_ms) const;

  // The bucket of a duration and the value reported for a bucket (exposed for the unit test).
  static size_t BucketOf(double seconds);
  static double BucketMiddleMillis(size_t bucket);

 private:
  using Histogram = std::array<uint32_t, kBuckets>;
  struct Slot {
    int64_t id = -1;  // now_ms / kSlotMillis; -1 = never used
    uint32_t requests = 0;
    uint32_t errors = 0;
    uint32_t heartbeats = 0;
    std::array<std::unique_ptr<Histogram>, kMaxKeyTypes> signing;
  };

  Slot& SlotFor(int64_t now_ms) REQUIRES(mu_);
  size_t KeyTypeIndex(std::string_view key_type) REQUIRES(mu_);

  mutable Mutex mu_;
  std::vector<Slot> slots_ GUARDED_BY(mu_);
  std::array<std::string, kMaxKeyTypes> key_types_ GUARDED_BY(mu_);  // "" = free
};

}  // namespace cryfttee::ops
