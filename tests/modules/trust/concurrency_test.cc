// A reload while calls are in flight: every call completes, on the snapshot it started with.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "runtime/module_registry.h"
#include "trust_fixture.h"

namespace cryfttee::runtime {
namespace {

using cryfttee::testing::TestModule;
using cryfttee::testing::TrustFixture;

constexpr int kCalls = 20;

RegistryConfig ConfigFor(const TrustFixture& fx) {
  RegistryConfig c;
  c.module_dir = fx.module_dir().string();
  c.trust_path = fx.trust_path();
  return c;
}

// The module serving 20 resolved calls is removed by a reload before they execute: each call
// still completes, on the snapshot it resolved against.
TEST(ReloadConcurrency, TwentyInFlightCallsSurviveRemovalOfTheirModule) {
  TrustFixture fx;
  fx.AddModule({.id = "slow", .wasm_name = "slow_signer", .capabilities = {"bls_sign"}});
  fx.WriteTrust();
  ModuleRegistry registry(ConfigFor(fx));
  ASSERT_TRUE(registry.Reload().ok());

  std::barrier resolved(kCalls + 1);
  std::barrier swapped(kCalls + 1);
  std::atomic<int> ok{0};
  std::vector<std::string> errors(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      auto target = registry.Resolve("bls_sign");
      resolved.arrive_and_wait();  // every call holds the old snapshot before the reload
      swapped.arrive_and_wait();   // and runs only after its module left the registry
      if (!target.ok()) {
        errors[i] = target.status().ToString();
        return;
      }
      std::string req = "{\"n\":" + std::to_string(i) + "}";
      auto out = target->module->CallJson("bls_sign", req);
      if (out.ok() && *out == req) {
        ok.fetch_add(1);
      } else {
        errors[i] = out.ok() ? "wrong answer " + *out : out.status().ToString();
      }
    });
  }
  resolved.arrive_and_wait();
  fx.RemoveModule("slow");
  fx.AddModule({.id = "fresh", .capabilities = {"bls_sign"}});
  auto diff = registry.Reload();
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->removed, std::vector<std::string>{"slow"});
  EXPECT_EQ(diff->added, std::vector<std::string>{"fresh"});
  EXPECT_EQ(registry.Current()->Find("slow"), nullptr);
  swapped.arrive_and_wait();
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(errors[i], "") << "call " << i;
  EXPECT_EQ(ok.load(), kCalls);
  // New calls go to the new snapshot.
  EXPECT_EQ(registry.Resolve("bls_sign")->record->id(), "fresh");
}

// Calls keep resolving and running while reloads happen back to back: none fails.
TEST(ReloadConcurrency, CallsDuringRepeatedReloadsAllSucceed) {
  TrustFixture fx;
  fx.AddModule({.id = "slow", .wasm_name = "slow_signer", .capabilities = {"bls_sign"}});
  fx.WriteTrust();
  ModuleRegistry registry(ConfigFor(fx));
  ASSERT_TRUE(registry.Reload().ok());

  std::atomic<bool> stop{false};
  std::atomic<int> calls{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&] {
      for (int n = 0; n < 3 || !stop.load(); ++n) {
        auto target = registry.Resolve("bls_sign");
        auto out = target.ok() ? target->module->CallJson("bls_sign", "{}")
                               : Result<std::string>(target.status());
        calls.fetch_add(1);
        if (!out.ok() || *out != "{}") failures.fetch_add(1);
      }
    });
  }
  for (int r = 0; r < 5; ++r) {
    auto diff = registry.Reload();
    ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0) << "of " << calls.load() << " calls";
  EXPECT_GE(calls.load(), kCalls * 3);
  EXPECT_EQ(registry.Current()->generation(), 6u);
}

}  // namespace
}  // namespace cryfttee::runtime
