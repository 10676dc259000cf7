#include "rpcsigner/work_pool.h"

#include <algorithm>

namespace cryfttee::rpcsigner {

WorkPool::WorkPool(size_t threads, size_t max_queued, size_t max_bytes)
    : max_queued_(max_queued), max_bytes_(max_bytes) {
  threads = std::max<size_t>(1, threads);
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Run(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : workers_) t.join();
}

bool WorkPool::TrySubmit(std::function<void()> task, size_t bytes) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    if (held_bytes_ > 0 && bytes > max_bytes_ - std::min(held_bytes_, max_bytes_)) return false;
    held_bytes_ += bytes;
    queue_.push_back({std::move(task), bytes});
  }
  ready_.notify_one();
  return true;
}

void WorkPool::Run() {
  for (;;) {
    Item item;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    item.task();
    item.task = nullptr;  // what the task captured is released before its bytes are
    std::lock_guard lock(mu_);
    held_bytes_ -= item.bytes;
  }
}

}  // namespace cryfttee::rpcsigner
