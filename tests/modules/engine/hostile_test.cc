// Hostile modules: each must fail cleanly with a stable code, leave the host intact, and leave the
// module (and other modules) usable afterwards.
#include <chrono>

#include "engine_test_util.h"
#include "modules/engine_testing.h"

namespace cryfttee::modules::test {
namespace {

void AppendLeb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void AppendSection(Bytes& out, uint8_t id, const Bytes& body) {
  out.push_back(id);
  AppendLeb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
}

// A module with one function () -> () whose body is `body` (local declarations included).
Bytes ModuleWithBody(const Bytes& body) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  AppendSection(m, 1, {0x01, 0x60, 0x00, 0x00});  // one type: () -> ()
  AppendSection(m, 3, {0x01, 0x00});              // one function of type 0
  Bytes code = {0x01};
  AppendLeb(code, body.size());
  code.insert(code.end(), body.begin(), body.end());
  AppendSection(m, 10, code);
  return m;
}

// Expects the module to keep answering after whatever just happened.
void ExpectStillWorks(LoadedModule& m) {
  Result<std::string> r = m.CallJson("echo", "still here");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "still here");
}

TEST(Hostile, InfiniteLoopRunsOutOfFuel) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  auto start = std::chrono::steady_clock::now();
  ExpectCode(m->CallJson("spin", ""), "module_out_of_fuel");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ExpectStillWorks(*m);
}

TEST(Hostile, InfiniteLoopHitsWallTimeCap) {
  Limits limits = SmallLimits();
  limits.fuel_per_call = uint64_t{1} << 50;  // effectively unlimited: only the clock stops it
  limits.wall_time_ms = 100;
  auto m = MustLoad("hostile", limits);
  ASSERT_TRUE(m);
  auto start = std::chrono::steady_clock::now();
  ExpectCode(m->CallJson("spin", ""), "module_timeout");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));  // generous: CI machines are busy
  ExpectStillWorks(*m);
}

TEST(Hostile, StartFunctionThatLoopsFailsTheLoad) {
  auto start = std::chrono::steady_clock::now();
  auto m = LoadModule("start_loop", TestWasm("start_loop"), SmallLimits(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "module_out_of_fuel") << m.status().ToString();
  EXPECT_NE(m.status().message().find("start function"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Hostile, MemoryGrowBombStopsAtThePageCap) {
  auto m = MustLoad("hostile");  // 32-page cap
  ASSERT_TRUE(m);
  Result<std::string> r = m->CallJson("grow_bomb", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The module reports the page count it reached as the length of its answer.
  EXPECT_EQ(r->size(), 32u);
  // A fresh instance after a trap starts from its declared size again.
  ExpectCode(m->CallJson("oob", ""), "module_trap");
  EXPECT_EQ(m->CallJson("grow_bomb", "")->size(), 32u);
  ExpectStillWorks(*m);
}

TEST(Hostile, HugeInitialMemoryIsRejected) {
  auto m = LoadModule("huge_memory", TestWasm("huge_memory"), SmallLimits(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "module_limit_exceeded");
  EXPECT_NE(m.status().message().find("1000 pages"), std::string::npos);
}

TEST(Hostile, HundredMillionLocalsAreRejectedBeforeAnythingAllocates) {
  // One local declaration: 100,000,000 x i64, then `end`. The module is 27 bytes.
  Bytes body = {0x01};
  AppendLeb(body, 100'000'000);
  body.push_back(0x7e);
  body.push_back(0x0b);
  auto m = LoadModule("locals", ModuleWithBody(body), SmallLimits(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "module_limit_exceeded");
  EXPECT_NE(m.status().message().find("100000000 locals"), std::string::npos);
}

TEST(Hostile, DeepBlockNestingIsRejected) {
  Bytes body = {0x00};
  for (int i = 0; i < 5000; ++i) body.insert(body.end(), {0x02, 0x40});
  for (int i = 0; i < 5000; ++i) body.push_back(0x0b);
  body.push_back(0x0b);
  auto m = LoadModule("nesting", ModuleWithBody(body), SmallLimits(), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "module_limit_exceeded") << m.status().ToString();
}

TEST(Hostile, DeepRecursionTraps) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  std::string msg = ExpectCode(m->CallJson("recurse", ""), "module_trap");
  EXPECT_NE(msg.find("call stack exhausted"), std::string::npos) << msg;
  ExpectStillWorks(*m);
}

TEST(Hostile, OutOfBoundsAccessTraps) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  std::string msg = ExpectCode(m->CallJson("oob", ""), "module_trap");
  EXPECT_NE(msg.find("out of bounds"), std::string::npos) << msg;
  ExpectStillWorks(*m);
}

TEST(Hostile, UnreachableAndDivideByZeroTrap) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  EXPECT_NE(ExpectCode(m->CallJson("trap_unreachable", ""), "module_trap").find("unreachable"),
            std::string::npos);
  EXPECT_NE(ExpectCode(m->CallJson("div_zero", ""), "module_trap").find("divide by zero"),
            std::string::npos);
  ExpectStillWorks(*m);
}

TEST(Hostile, ReturnedLengthFarPastMemory) {
  Limits limits = SmallLimits();
  auto m = MustLoad("hostile", limits);
  ASSERT_TRUE(m);
  ExpectCode(m->CallJson("bad_len", ""), "module_bad_output");
  ExpectCode(m->CallJson("bad_ptr", ""), "module_bad_output");
  ExpectCode(m->CallJson("edge_ptr", ""), "module_bad_output");
  // With an output cap above 2 GiB the length check against memory must still catch it.
  limits.max_output_bytes = 0xffffffffu;
  auto uncapped = MustLoad("hostile", limits);
  ASSERT_TRUE(uncapped);
  std::string msg = ExpectCode(uncapped->CallJson("bad_len", ""), "module_bad_output");
  EXPECT_NE(msg.find("outside memory"), std::string::npos) << msg;
  ExpectStillWorks(*m);
}

TEST(Hostile, BadPointersPassedToHostFunctionsTrap) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  for (const char* name : {"log_bad_ptr", "log_wrap", "random_bad_ptr"}) {
    std::string msg = ExpectCode(m->CallJson(name, ""), "module_trap");
    EXPECT_NE(msg.find("bad_guest_pointer"), std::string::npos) << name << ": " << msg;
  }
  ExpectStillWorks(*m);
}

TEST(Hostile, ImportNotGrantedFailsTheLoad) {
  auto m = LoadModule("ungranted", TestWasm("ungranted_import"), SmallLimits(), AllBaseGrants());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), "import_not_granted");
  EXPECT_NE(m.status().message().find("cryfttee.http_request"), std::string::npos);

  auto foreign =
      LoadModule("foreign", TestWasm("foreign_namespace"), SmallLimits(), AllBaseGrants());
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), "import_not_granted");
  EXPECT_NE(foreign.status().message().find("env.log"), std::string::npos);

  auto sig = LoadModule("sig", TestWasm("wrong_signature_import"), SmallLimits(), AllBaseGrants());
  ASSERT_FALSE(sig.ok());
  EXPECT_EQ(sig.status().code(), "import_not_granted");
  EXPECT_NE(sig.status().message().find("signature"), std::string::npos);

  // The hostile module imports log, random_bytes and now_ms: without the "random" grant it
  // must not load, whatever else it was granted.
  auto partial = LoadModule("hostile", TestWasm("hostile"), SmallLimits(),
                            BaseHostFunctionsFor({kGrantLog, kGrantClock}));
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.status().code(), "import_not_granted");
  EXPECT_NE(partial.status().message().find("cryfttee.random_bytes"), std::string::npos);
}

TEST(Hostile, ThousandTrapsInARowKeepTheStoreBounded) {
  Limits limits = SmallLimits();
  limits.fuel_per_call = 20'000;  // keeps the 200 out-of-fuel calls quick
  auto m = MustLoad("hostile", limits);
  ASSERT_TRUE(m);
  ExpectStillWorks(*m);
  const size_t baseline = testing::MaxStoreObjectCount(*m);
  ASSERT_GT(baseline, 0u);
  const char* traps[] = {"oob", "trap_unreachable", "spin", "log_bad_ptr", "bad_len"};
  size_t after_100 = 0;
  for (int i = 0; i < 1000; ++i) {
    Result<std::string> r = m->CallJson(traps[i % 5], "");
    ASSERT_FALSE(r.ok()) << i;
    if (i == 99) after_100 = testing::MaxStoreObjectCount(*m);
  }
  const size_t after_1000 = testing::MaxStoreObjectCount(*m);
  ExpectStillWorks(*m);
  const size_t after_good = testing::MaxStoreObjectCount(*m);
  // Traps leave nothing behind: the count does not depend on how many there were.
  EXPECT_LE(after_1000, baseline) << "baseline " << baseline;
  EXPECT_EQ(after_100, after_1000);
  EXPECT_EQ(after_good, baseline);
  ModuleHealth h = m->health();
  EXPECT_EQ(h.failures, 1000u);
  EXPECT_EQ(h.consecutive_failures, 0u);
}

TEST(Hostile, TrapDiscardsTheInstance) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m->CallJson("count", ""), "1");
  EXPECT_EQ(*m->CallJson("count", ""), "2");
  ExpectCode(m->CallJson("oob", ""), "module_trap");
  // A fresh instance: its counter starts again.
  EXPECT_EQ(*m->CallJson("count", ""), "1");
}

TEST(Hostile, GoodModuleWorksAfterHostileOneTrapped) {
  auto bad = MustLoad("hostile");
  auto good = MustLoad("table_calls");
  ASSERT_TRUE(bad && good);
  ExpectCode(bad->CallJson("spin", ""), "module_out_of_fuel");
  ExpectCode(bad->CallJson("recurse", ""), "module_trap");
  ExpectCode(bad->CallJson("log_bad_ptr", ""), "module_trap");
  Result<std::string> r = good->CallJson("digits", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "789");
  EXPECT_EQ(good->health().failures, 0u);
}

}  // namespace
}  // namespace cryfttee::modules::test
