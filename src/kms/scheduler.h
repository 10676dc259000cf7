// The interval scheduler of operator mode (seed: "Automatic Scheduling"): no leader, only the
// clock. At every wall-clock multiple of the interval it re-reads the operator set from the
// PeeringSource and hands it to Engine::OnBoundary with that boundary (Unix ms) as the session
// id; every operator computes the same boundary, so they start the same session. Between
// boundaries it calls Engine::Tick every `tick` (timeouts, resends).
//
// A peering source that fails (file missing, invalid) skips that boundary with a warning: the
// engine keeps its key and the next boundary retries. The first boundary is the next one after
// Start, never one already past (a restarted operator joins the next session).
//
// Threading: one thread of its own; Start/Stop from the owner. Stop joins it (at most one
// OnBoundary or Tick in progress).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kms/engine.h"
#include "kms/operator_set.h"

namespace cryfttee::kms {

struct SchedulerState {
  uint64_t last_boundary_ms = 0;  // 0 = none yet
  uint64_t next_boundary_ms = 0;
  size_t last_operator_count = 0;
  std::string last_peering_error;  // "" when the last read succeeded
  uint64_t boundaries = 0;         // OnBoundary calls made
};

class Scheduler {
 public:
  // `now_ms` is the wall clock (Unix ms); injectable for tests.
  Scheduler(Engine* node, std::unique_ptr<PeeringSource> peering,
            std::chrono::milliseconds interval,
            std::chrono::milliseconds tick = std::chrono::milliseconds(100),
            std::function<uint64_t()> now_ms = nullptr);
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Start();
  void Stop();
  SchedulerState State() const;

  // The first multiple of `interval_ms` strictly after `now_ms`.
  static uint64_t NextBoundary(uint64_t now_ms, uint64_t interval_ms);

 private:
  void Run();
  void Boundary(uint64_t boundary_ms);

  Engine* const node_;
  const std::unique_ptr<PeeringSource> peering_;
  const std::chrono::milliseconds interval_, tick_;
  const std::function<uint64_t()> now_ms_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  SchedulerState state_;
  std::thread thread_;
};

}  // namespace cryfttee::kms
