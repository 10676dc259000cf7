// The engine's normal behaviour: loading, the JSON call ABI, ABI checks, health and concurrency.
#include <atomic>
#include <thread>
#include <vector>

#include "engine_test_util.h"
#include "modules/engine_testing.h"

namespace cryfttee::modules::test {
namespace {

TEST(EngineInspect, ListsExportsAndImports) {
  Result<WasmInterface> w = InspectWasm(TestWasm("hostile"));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto has_export = [&](const std::string& n) {
    return std::find(w->exports.begin(), w->exports.end(), n) != w->exports.end();
  };
  EXPECT_TRUE(has_export("memory"));
  EXPECT_TRUE(has_export("cryfttee_abi_version"));
  EXPECT_TRUE(has_export("echo"));
  EXPECT_FALSE(has_export("bls_sign"));
  ASSERT_EQ(w->imports.size(), 3u);
  EXPECT_EQ(w->imports[0].module, "cryfttee");
  EXPECT_EQ(w->imports[0].name, "log");
}

TEST(EngineInspect, RejectsGarbage) {
  const Bytes garbage = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00, 0xff};
  Result<WasmInterface> w = InspectWasm(garbage);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), "invalid_wasm");
  EXPECT_EQ(InspectWasm(Bytes{}).status().code(), "invalid_wasm");
}

// Found by wasm_loader_fuzzer: a data-count section claiming 2^31-1 segments made wabt reserve
// ~300 GB before any check (an out-of-memory abort under ASan, std::bad_alloc otherwise).
TEST(EngineInspect, RefusesDataCountTheModuleCannotHold) {
  const Bytes header = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Bytes huge = header;
  for (uint8_t b : {0x0c, 0x05, 0xff, 0xff, 0xff, 0xff, 0x07}) huge.push_back(b);
  Result<WasmInterface> refused = InspectWasm(huge);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), "invalid_wasm");
  EXPECT_NE(refused.status().message().find("data count 2147483647"), std::string::npos)
      << refused.status().message();
  auto m = LoadModule("datacount", huge, SmallLimits(), AllBaseGrants());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "invalid_wasm");
  // A count the rest of the module can hold passes: one passive, empty data segment.
  Bytes fair = header;
  for (uint8_t b : {0x0c, 0x01, 0x01, 0x0b, 0x03, 0x01, 0x01, 0x00}) fair.push_back(b);
  Result<WasmInterface> w = InspectWasm(fair);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
}

TEST(EngineLoad, InvalidBytesFailCleanly) {
  Bytes wasm = TestWasm("hostile");
  wasm.resize(wasm.size() / 2);
  auto m = LoadModule("cut", wasm, SmallLimits(), AllBaseGrants());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "invalid_wasm");
}

TEST(EngineCall, EchoRoundTrip) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id(), "hostile");
  Result<std::string> r = m->CallJson("echo", R"({"hello":"world"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, R"({"hello":"world"})");
  // Empty and large requests (the large one makes the guest allocator grow memory).
  EXPECT_EQ(*m->CallJson("echo", ""), "");
  std::string big(40'000, 'x');
  big[123] = 'y';
  EXPECT_EQ(*m->CallJson("echo", big), big);
}

TEST(EngineCall, RequestLargerThanItsCapIsRefused) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  std::string huge(SmallLimits().max_request_bytes + 1, 'x');
  ExpectCode(m->CallJson("echo", huge), "request_too_large");
}

TEST(EngineCall, RequestCapIsSeparateFromTheAnswerCap) {
  // A request between the answer cap and the request cap reaches the module: a signing request
  // carries its message in base64, larger than any answer.
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  // (echo then answers one byte too many: refused as output, after the module ran.)
  std::string big(SmallLimits().max_output_bytes + 1, 'x');
  ExpectCode(m->CallJson("echo", big), "module_bad_output");
}

TEST(EngineCall, UnknownExportAndWrongSignature) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  ExpectCode(m->CallJson("bls_sign", "{}"), "no_such_export");
  ExpectCode(m->CallJson("memory", "{}"), "no_such_export");
  ExpectCode(m->CallJson("cryfttee_alloc", "{}"), "export_signature_mismatch");
  // A caller's mistake is not the module's failure.
  EXPECT_EQ(m->health().failures, 0u);
}

TEST(EngineCall, StatePersistsAcrossSuccessfulCalls) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->CallJson("count", ""), "1");
  EXPECT_EQ(*m->CallJson("count", ""), "2");
  EXPECT_EQ(*m->CallJson("count", ""), "3");
}

TEST(EngineCall, FuelBudgetIsPerCallAndProportional) {
  Limits limits = SmallLimits();
  limits.fuel_per_call = 20'000;
  auto m = MustLoad("hostile", limits);
  ASSERT_TRUE(m);
  // 1 byte -> 100 iterations: fits. 100 bytes -> 10,000 iterations: does not.
  EXPECT_TRUE(m->CallJson("spin_n", "x").ok());
  ExpectCode(m->CallJson("spin_n", std::string(100, 'x')), "module_out_of_fuel");
  // The budget is reset for every call, so small calls keep working.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(m->CallJson("spin_n", "x").ok());
  limits.fuel_per_call = 10'000'000;
  auto generous = MustLoad("hostile", limits);
  ASSERT_TRUE(generous);
  EXPECT_TRUE(generous->CallJson("spin_n", std::string(100, 'x')).ok());
}

TEST(EngineCall, MeteringKeepsTablesGlobalsAndImportsIntact) {
  auto m = MustLoad("table_calls");
  ASSERT_TRUE(m);
  Result<std::string> r = m->CallJson("digits", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "789");
}

TEST(EngineLoad, StartFunctionRunsBoundedAndOnEveryInstance) {
  auto m = MustLoad("start_ok");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->CallJson("ready", ""), "y");
  // After a trap the instance is rebuilt, and its start function runs again.
  ExpectCode(m->CallJson("boom", ""), "module_trap");
  EXPECT_EQ(*m->CallJson("ready", ""), "y");
}

TEST(EngineLoad, AbiVersionIsChecked) {
  auto wrong = LoadModule("wrong_abi", TestWasm("wrong_abi"), SmallLimits(), {});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), "abi_mismatch");
  EXPECT_NE(wrong.status().message().find("version 2"), std::string::npos);
  auto missing = LoadModule("no_abi", TestWasm("no_abi"), SmallLimits(), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), "abi_mismatch");
  EXPECT_NE(missing.status().message().find("cryfttee_abi_version"), std::string::npos);
}

TEST(EngineHealth, DegradedAfterConsecutiveFailuresAndRecovers) {
  auto m = MustLoad("hostile");  // degraded_after_failures = 3
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->health().degraded);
  for (int i = 0; i < 2; ++i) ExpectCode(m->CallJson("trap_unreachable", ""), "module_trap");
  EXPECT_FALSE(m->health().degraded);
  EXPECT_EQ(m->health().consecutive_failures, 2u);
  ASSERT_TRUE(m->CallJson("echo", "ok").ok());
  EXPECT_EQ(m->health().consecutive_failures, 0u);
  for (int i = 0; i < 3; ++i) ExpectCode(m->CallJson("oob", ""), "module_trap");
  ModuleHealth h = m->health();
  EXPECT_TRUE(h.degraded);
  EXPECT_EQ(h.calls, 6u);
  EXPECT_EQ(h.failures, 5u);
  EXPECT_NE(h.last_error.find("module_trap"), std::string::npos);
  ASSERT_TRUE(m->CallJson("echo", "ok").ok());
  EXPECT_FALSE(m->health().degraded);
}

TEST(EngineConcurrency, ManyThreadsOneModule) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  constexpr int kThreads = 6;
  constexpr int kCalls = 150;
  std::atomic<int> wrong{0};
  std::atomic<int> trapped_ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        std::string req = "thread " + std::to_string(t) + " call " + std::to_string(i);
        if (i % 10 == 7) {
          // Traps interleaved with good calls on other threads.
          if (m->CallJson("oob", req).status().code() == "module_trap") ++trapped_ok;
          continue;
        }
        Result<std::string> r = m->CallJson("echo", req);
        if (!r.ok() || *r != req) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(trapped_ok.load(), kThreads * (kCalls / 10));
  EXPECT_EQ(m->health().calls, uint64_t{kThreads * kCalls});
  EXPECT_GE(testing::PooledInstanceCount(*m), 1u);
  EXPECT_LE(testing::PooledInstanceCount(*m), 8u);
}

}  // namespace
}  // namespace cryfttee::modules::test
