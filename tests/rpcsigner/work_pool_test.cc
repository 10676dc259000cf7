#include "rpcsigner/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace cryfttee::rpcsigner {
namespace {

TEST(WorkPool, RunsEverythingItAcceptsBeforeItIsGone) {
  std::atomic<int> ran{0};
  {
    WorkPool pool(3, 1000, 1 << 20);
    EXPECT_EQ(pool.threads(), 3u);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(pool.TrySubmit([&ran] { ran++; }));
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(WorkPool, RefusesBeyondItsQueue) {
  // One thread held busy, two tasks queued: the next is refused, not queued.
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  WorkPool pool(1, 2, 1 << 20);
  ASSERT_TRUE(pool.TrySubmit([&started, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TrySubmit([&ran] { ran++; }));
  EXPECT_TRUE(pool.TrySubmit([&ran] { ran++; }));
  EXPECT_FALSE(pool.TrySubmit([&ran] { ran += 100; }));
  release.set_value();
  // Room again once the queue drains.
  while (ran.load() < 2) std::this_thread::yield();
  EXPECT_TRUE(pool.TrySubmit([&ran] { ran++; }));
  while (ran.load() < 3) std::this_thread::yield();
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkPool, RefusesBeyondItsBytesUntilTheyAreReleased) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  WorkPool pool(1, 100, 1000);
  // An oversized task is accepted when nothing else holds bytes: it is never starved.
  ASSERT_TRUE(pool.TrySubmit(
      [&started, gate] {
        started.set_value();
        gate.wait();
      },
      600));
  started.get_future().wait();
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TrySubmit([&ran] { ran++; }, 400));      // 1000 held: at the bound
  EXPECT_FALSE(pool.TrySubmit([&ran] { ran += 100; }, 1));  // one byte over
  EXPECT_TRUE(pool.TrySubmit([&ran] { ran++; }, 0));        // no bytes: the task bound only
  release.set_value();
  while (ran.load() < 2) std::this_thread::yield();
  // The running task's bytes count until it has finished; then there is room again.
  bool accepted = false;
  for (int i = 0; i < 100000 && !accepted; ++i) {
    accepted = pool.TrySubmit([&ran] { ran++; }, 1000);
    if (!accepted) std::this_thread::yield();
  }
  EXPECT_TRUE(accepted);
  while (ran.load() < 3) std::this_thread::yield();
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkPool, ZeroThreadsMeansOne) {
  WorkPool pool(0, 1, 1);
  EXPECT_EQ(pool.threads(), 1u);
  std::promise<int> done;
  ASSERT_TRUE(pool.TrySubmit([&done] { done.set_value(7); }));
  EXPECT_EQ(done.get_future().get(), 7);
}

}  // namespace
}  // namespace cryfttee::rpcsigner
