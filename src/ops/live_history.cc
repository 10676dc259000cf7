#include "ops/live_history.h"

#include <cmath>
#include <optional>

namespace cryfttee::ops {
namespace {

using nlohmann::json;

// The value of quantile q (0 < q <= 1): the middle of the bucket holding rank ceil(q * count).
double Quantile(const std::array<uint64_t, LiveHistory::kBuckets>& buckets, uint64_t count,
                double q) {
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    seen += buckets[i];
    if (seen >= rank) return LiveHistory::BucketMiddleMillis(i);
  }
  return LiveHistory::BucketMiddleMillis(buckets.size() - 1);
}

// Rounded to 4 significant digits: the buckets are 19% wide, more digits would be noise.
double Round4(double v) {
  if (v <= 0) return 0;
  double scale = std::pow(10.0, 3 - std::floor(std::log10(v)));
  return std::round(v * scale) / scale;
}

json LatencyJson(const std::array<uint64_t, LiveHistory::kBuckets>& buckets, uint64_t count) {
  return {{"count", count},
          {"p50_ms", Round4(Quantile(buckets, count, 0.50))},
          {"p99_ms", Round4(Quantile(buckets, count, 0.99))}};
}

}  // namespace

LiveHistory::LiveHistory() : slots_(kSlots) {}
LiveHistory::~LiveHistory() = default;

size_t LiveHistory::BucketOf(double seconds) {
  double us = seconds * 1e6;
  if (!(us >= 1.0)) return 0;  // also NaN
  double i = std::floor(std::log2(us) * kBucketsPerOctave);
  return i >= static_cast<double>(kBuckets - 1) ? kBuckets - 1 : static_cast<size_t>(i);
}

double LiveHistory::BucketMiddleMillis(size_t bucket) {
  // The overflow bucket has no upper bound: report its lower one.
  double exponent = bucket >= kBuckets - 1 ? static_cast<double>(kBuckets - 1)
                                           : static_cast<double>(bucket) + 0.5;
  return std::exp2(exponent / kBucketsPerOctave) / 1000.0;
}

LiveHistory::Slot& LiveHistory::SlotFor(int64_t now_ms) {
  int64_t id = now_ms / kSlotMillis;
  Slot& slot = slots_[static_cast<size_t>(id % static_cast<int64_t>(kSlots))];
  if (slot.id != id) {
    // An hour-old slot is reused; its bucket arrays are kept for the next signature.
    slot.id = id;
    slot.requests = slot.errors = slot.heartbeats = 0;
    for (auto& h : slot.signing) {
      if (h) h->fill(0);
    }
  }
  return slot;
}

size_t LiveHistory::KeyTypeIndex(std::string_view key_type) {
  for (size_t i = 0; i + 1 < kMaxKeyTypes; ++i) {
    if (key_types_[i] == key_type) return i;
    if (key_types_[i].empty()) {
      key_types_[i] = std::string(key_type);
      return i;
    }
  }
  key_types_[kMaxKeyTypes - 1] = "other";
  return kMaxKeyTypes - 1;
}

void LiveHistory::RecordRequest(int64_t now_ms, int status) {
  MutexLock lock(&mu_);
  Slot& slot = SlotFor(now_ms);
  ++slot.requests;
  if (status >= 400) ++slot.errors;
}

void LiveHistory::RecordSigning(int64_t now_ms, std::string_view key_type, double seconds) {
  size_t bucket = BucketOf(seconds);
  MutexLock lock(&mu_);
  size_t type = KeyTypeIndex(key_type);
  Slot& slot = SlotFor(now_ms);
  if (!slot.signing[type]) slot.signing[type] = std::make_unique<Histogram>(Histogram{});
  ++(*slot.signing[type])[bucket];
}

void LiveHistory::RecordHeartbeat(int64_t now_ms) {
  MutexLock lock(&mu_);
  ++SlotFor(now_ms).heartbeats;
}

json LiveHistory::Snapshot(int64_t now_ms) const {
  // The window is copied under the lock and summarised after it: a signing request never waits
  // for a kiosk poll's percentiles and JSON.
  struct Copy {
    int64_t id;
    uint32_t requests, errors, heartbeats;
    std::array<std::optional<Histogram>, kMaxKeyTypes> signing;
  };
  std::vector<Copy> window;
  std::array<std::string, kMaxKeyTypes> names;
  const int64_t newest = now_ms / kSlotMillis;
  {
    MutexLock lock(&mu_);
    names = key_types_;
    for (int64_t id = newest - static_cast<int64_t>(kSlots) + 1; id <= newest; ++id) {
      if (id < 0) continue;
      const Slot& slot = slots_[static_cast<size_t>(id % static_cast<int64_t>(kSlots))];
      if (slot.id != id) continue;
      Copy& c = window.emplace_back(Copy{id, slot.requests, slot.errors, slot.heartbeats, {}});
      for (size_t t = 0; t < kMaxKeyTypes; ++t) {
        if (slot.signing[t]) c.signing[t] = *slot.signing[t];
      }
    }
  }

  using Merged = std::array<uint64_t, kBuckets>;
  std::array<Merged, kMaxKeyTypes> hour{};
  std::array<uint64_t, kMaxKeyTypes> hour_count{};
  uint64_t requests = 0, errors = 0, heartbeats = 0;
  json slots = json::array();
  for (const Copy& c : window) {
    json signing = json::object();
    for (size_t t = 0; t < kMaxKeyTypes; ++t) {
      if (!c.signing[t]) continue;
      Merged buckets{};
      uint64_t count = 0;
      for (size_t b = 0; b < kBuckets; ++b) {
        buckets[b] = (*c.signing[t])[b];
        count += buckets[b];
        hour[t][b] += buckets[b];
      }
      if (count == 0) continue;
      hour_count[t] += count;
      signing[names[t]] = LatencyJson(buckets, count);
    }
    if (c.requests == 0 && c.heartbeats == 0 && signing.empty()) continue;
    requests += c.requests;
    errors += c.errors;
    heartbeats += c.heartbeats;
    slots.push_back({{"t", c.id * kSlotMillis},
                     {"requests", c.requests},
                     {"errors", c.errors},
                     {"heartbeats", c.heartbeats},
                     {"signing", std::move(signing)}});
  }
  json hour_signing = json::object();
  for (size_t t = 0; t < kMaxKeyTypes; ++t) {
    if (hour_count[t] > 0) hour_signing[names[t]] = LatencyJson(hour[t], hour_count[t]);
  }
  return {{"slot_seconds", kSlotMillis / 1000},
          {"window_seconds", kSlotMillis / 1000 * static_cast<int64_t>(kSlots)},
          {"now", now_ms},
          {"quantile_method", "histogram buckets, 4 per octave (within 9%)"},
          {"slots", std::move(slots)},
          {"hour",
           {{"requests", requests},
            {"errors", errors},
            {"heartbeats", heartbeats},
            {"signing", std::move(hour_signing)}}}};
}

}  // namespace cryfttee::ops
