// A fixed set of threads that run the signer's module calls, with a bounded queue in front.
//
// Why not gRPC's own threads: a module call blocks for as long as the interpreter runs (a
// 1 MiB message takes a good fraction of a second), and the engine keeps one module instance
// per OS thread (modules/engine.h). A fixed pool bounds both the CPU the signer takes and the
// instances it creates, however many streams a client opens; callers beyond the queue get a
// clean RESOURCE_EXHAUSTED instead of an unbounded backlog.
//
// Threading: TrySubmit may be called from any thread. The destructor stops taking work, runs
// what is queued, and joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cryfttee::rpcsigner {

class WorkPool {
 public:
  WorkPool(size_t threads, size_t max_queued);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // False (and `task` not run) when `max_queued` tasks already wait, or the pool is stopping.
  bool TrySubmit(std::function<void()> task);
  size_t threads() const { return workers_.size(); }

 private:
  void Run();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace cryfttee::rpcsigner
