// A fixed set of threads that run the signer's module calls, with a bounded queue in front.
//
// Why not gRPC's own threads: a module call blocks for as long as the interpreter runs (a
// 1 MiB message takes a good fraction of a second), and the engine keeps one module instance
// per OS thread (modules/engine.h). A fixed pool bounds both the CPU the signer takes and the
// instances it creates, however many streams a client opens; callers beyond the queue get a
// clean RESOURCE_EXHAUSTED instead of an unbounded backlog. The queue is bounded twice: by tasks,
// and by the bytes they hold (each signing task keeps its message, up to 1 MiB, until it has
// run), so 1024 queued 1 MiB messages cannot pin a gigabyte.
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
  // `max_bytes` bounds the sum of `bytes` over the tasks accepted and not yet finished.
  WorkPool(size_t threads, size_t max_queued, size_t max_bytes);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // False (and `task` not run) when `max_queued` tasks already wait, when `bytes` more would
  // exceed `max_bytes` (unless no task holds any: one oversized task is never starved), or when
  // the pool is stopping. `bytes` is what the task keeps alive until it has run.
  bool TrySubmit(std::function<void()> task, size_t bytes = 0);
  size_t threads() const { return workers_.size(); }

 private:
  void Run();

  struct Item {
    std::function<void()> task;
    size_t bytes;
  };

  const size_t max_queued_;
  const size_t max_bytes_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Item> queue_;  // guarded by mu_
  size_t held_bytes_ = 0;   // guarded by mu_: queued and running tasks' bytes
  bool stopping_ = false;   // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace cryfttee::rpcsigner
