#include "kms/scheduler.h"

#include <spdlog/spdlog.h>

#include "core/clock.h"

namespace cryfttee::kms {

Scheduler::Scheduler(Engine* node, std::unique_ptr<PeeringSource> peering,
                     std::chrono::milliseconds interval, std::chrono::milliseconds tick,
                     std::function<uint64_t()> now_ms)
    : node_(node),
      peering_(std::move(peering)),
      interval_(interval),
      tick_(tick),
      now_ms_(now_ms ? std::move(now_ms) : [] { return static_cast<uint64_t>(NowUnixMillis()); }) {}

Scheduler::~Scheduler() { Stop(); }

uint64_t Scheduler::NextBoundary(uint64_t now_ms, uint64_t interval_ms) {
  return (now_ms / interval_ms + 1) * interval_ms;
}

void Scheduler::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  state_.next_boundary_ms = NextBoundary(now_ms_(), static_cast<uint64_t>(interval_.count()));
  thread_ = std::thread([this] { Run(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SchedulerState Scheduler::State() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void Scheduler::Boundary(uint64_t boundary_ms) {
  auto operators = peering_->GetOperators();
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_.next_boundary_ms = boundary_ms + static_cast<uint64_t>(interval_.count());
    if (!operators.ok()) {
      if (state_.last_peering_error != operators.status().message()) {
        spdlog::warn("kms: boundary {}: operator set not read, no session this interval: {}",
                     boundary_ms / 1000, operators.status().message());
      }
      state_.last_peering_error = operators.status().message();
      return;
    }
    state_.last_peering_error.clear();
    state_.last_boundary_ms = boundary_ms;
    state_.last_operator_count = operators->size();
    ++state_.boundaries;
  }
  node_->OnBoundary(boundary_ms, std::move(operators).value());
}

void Scheduler::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    uint64_t now = now_ms_();
    if (now >= state_.next_boundary_ms) {
      uint64_t boundary = state_.next_boundary_ms;
      // A boundary long past (the machine slept, a slow engine): start the latest one only.
      uint64_t interval = static_cast<uint64_t>(interval_.count());
      if (now - boundary >= interval) boundary = (now / interval) * interval;
      lock.unlock();
      Boundary(boundary);
      lock.lock();
      continue;
    }
    lock.unlock();
    node_->Tick(now);
    lock.lock();
    auto wait =
        std::min<uint64_t>(static_cast<uint64_t>(tick_.count()), state_.next_boundary_ms - now);
    wake_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stopping_; });
  }
}

}  // namespace cryfttee::kms
