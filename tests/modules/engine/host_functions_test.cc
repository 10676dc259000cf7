// The base host functions, called from a real guest.
#include <cstring>

#include "engine_test_util.h"

namespace cryfttee::modules::test {
namespace {

TEST(HostFunctions, GrantFilter) {
  EXPECT_EQ(BaseHostFunctions().size(), 4u);
  // The intrinsic json_index needs no grant: every module gets it, and only it, with none.
  auto none = BaseHostFunctionsFor({});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].name, "json_index");
  EXPECT_EQ(none[0].grant, kGrantNone);
  auto clock_only = BaseHostFunctionsFor({kGrantClock, "no_such_grant"});
  ASSERT_EQ(clock_only.size(), 2u);
  EXPECT_EQ(clock_only[0].name, "now_ms");
  EXPECT_EQ(clock_only[1].name, "json_index");
  EXPECT_EQ(BaseHostFunctionsFor({kGrantLog})[0].name, "log");
  EXPECT_EQ(BaseHostFunctionsFor({kGrantRandom})[0].name, "random_bytes");
}

TEST(HostFunctions, LogAcceptsValidRanges) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  Result<std::string> r = m->CallJson("log_ok", "hello from the guest\n\x1b[31m");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // A message longer than the cap is cut, not refused.
  std::string long_msg(kMaxLogMessageBytes + 100, 'L');
  EXPECT_TRUE(m->CallJson("log_ok", long_msg).ok());
}

TEST(HostFunctions, RandomBytesFillsTheBuffer) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  const std::string zeros(64, '\0');
  Result<std::string> a = m->CallJson("random_ok", zeros);
  Result<std::string> b = m->CallJson("random_ok", zeros);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_NE(*a, zeros);
  EXPECT_NE(*a, *b);
}

TEST(HostFunctions, NowMsIsUnixMilliseconds) {
  auto m = MustLoad("hostile");
  ASSERT_TRUE(m);
  Result<std::string> r = m->CallJson("clock", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 8u);
  int64_t ms = 0;
  std::memcpy(&ms, r->data(), 8);  // little-endian, as wasm stores it
  EXPECT_GT(ms, int64_t{1'600'000'000'000});
  EXPECT_LT(ms, int64_t{4'000'000'000'000});
}

TEST(HostFunctions, HostErrorsTrapWithTheirMessage) {
  // A custom host function that fails: the guest traps, the host carries on.
  HostFunction failing;
  failing.name = "log";
  failing.grant = "log";
  failing.params = {ValType::kI32, ValType::kI32, ValType::kI32};
  failing.fn = [](HostCallContext&, std::span<const uint64_t>) -> Result<std::vector<uint64_t>> {
    return Status::Unavailable("backend_down", "the backend is down");
  };
  auto grants = BaseHostFunctionsFor({kGrantClock, kGrantRandom});
  grants.push_back(failing);
  auto m = LoadModule("hostile", TestWasm("hostile"), SmallLimits(), grants);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::string msg = ExpectCode((*m)->CallJson("log_ok", "x"), "module_trap");
  EXPECT_NE(msg.find("backend_down"), std::string::npos) << msg;
  EXPECT_TRUE((*m)->CallJson("echo", "x").ok());
}

// A host function's bill (HostCallContext::fuel_charge) comes out of the call's budget like the
// guest's own instructions: work a module hands to the host is metered too.
TEST(HostFunctions, FuelChargeIsBilledToTheCall) {
  const Limits limits = SmallLimits();
  auto charging = [&](uint64_t charge) {
    HostFunction f;
    f.name = "log";
    f.grant = "log";
    f.params = {ValType::kI32, ValType::kI32, ValType::kI32};
    f.fn = [charge](HostCallContext& ctx,
                    std::span<const uint64_t>) -> Result<std::vector<uint64_t>> {
      ctx.fuel_charge = charge;
      return std::vector<uint64_t>{};
    };
    auto grants = BaseHostFunctionsFor({kGrantClock, kGrantRandom});
    grants.push_back(f);
    auto m = LoadModule("hostile", TestWasm("hostile"), limits, grants);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : nullptr;
  };
  auto cheap = charging(limits.fuel_per_call / 2);
  ASSERT_TRUE(cheap);
  EXPECT_TRUE(cheap->CallJson("log_ok", "x").ok());
  EXPECT_TRUE(cheap->CallJson("log_ok", "x").ok());  // the bill is per call, not cumulative
  auto dear = charging(limits.fuel_per_call + 1);
  ASSERT_TRUE(dear);
  ExpectCode(dear->CallJson("log_ok", "x"), "module_out_of_fuel");
  // Far above any budget (no wrap-around of the signed fuel counter).
  auto huge = charging(~uint64_t{0});
  ASSERT_TRUE(huge);
  ExpectCode(huge->CallJson("log_ok", "x"), "module_out_of_fuel");
  EXPECT_TRUE(huge->CallJson("echo", "x").ok());
}

TEST(HostFunctions, CallDataReachesTheHostFunction) {
  HostFunction probe;
  probe.name = "now_ms";
  probe.grant = "clock";
  probe.results = {ValType::kI64};
  probe.fn = [](HostCallContext& ctx, std::span<const uint64_t>) -> Result<std::vector<uint64_t>> {
    EXPECT_EQ(ctx.module_id, "probe");
    return std::vector<uint64_t>{ctx.call_data ? *static_cast<uint64_t*>(ctx.call_data) : 0};
  };
  auto grants = BaseHostFunctionsFor({kGrantLog, kGrantRandom});
  grants.push_back(probe);
  auto m = LoadModule("probe", TestWasm("hostile"), SmallLimits(), grants);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  uint64_t value = 0x0102030405060708;
  Result<std::string> r = (*m)->CallJson("clock", "", &value);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  uint64_t got = 0;
  std::memcpy(&got, r->data(), 8);
  EXPECT_EQ(got, value);
}

}  // namespace
}  // namespace cryfttee::modules::test
