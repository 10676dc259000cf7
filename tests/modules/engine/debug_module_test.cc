// The bundled debug_v1 module (modules/debug_v1), built with clang --target=wasm32 and the SDK.
#include <nlohmann/json.hpp>

#include "engine_test_util.h"

namespace cryfttee::modules::test {
namespace {

using nlohmann::json;

class DebugModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef DEBUG_V1_WASM
    GTEST_SKIP() << "debug_v1 was not built (CRYFTTEE_BUILD_MODULES=OFF)";
#else
    auto m = LoadModule("debug_v1", ReadFileBytes(DEBUG_V1_WASM), Limits{}, AllBaseGrants());
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    module_ = *m;
#endif
  }
  json CallParsed(const std::string& fn, const std::string& request) {
    Result<std::string> r = module_->CallJson(fn, request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return json();
    json doc = json::parse(*r, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << *r;
    return doc;
  }
  std::shared_ptr<LoadedModule> module_;
};

TEST_F(DebugModuleTest, InterfaceMatchesModuleJson) {
  Result<WasmInterface> w = InspectWasm(ReadFileBytes(DEBUG_V1_WASM));
  ASSERT_TRUE(w.ok());
  std::ifstream in(std::string(CRYFTTEE_SOURCE_DIR_FOR_TESTS) + "/modules/debug_v1/module.json");
  json descriptor = json::parse(in, nullptr, false);
  ASSERT_FALSE(descriptor.is_discarded());
  std::set<std::string> exports(w->exports.begin(), w->exports.end());
  for (const auto& e : descriptor["exports"]) EXPECT_TRUE(exports.count(e.get<std::string>())) << e;
  EXPECT_EQ(exports.size(), descriptor["exports"].size());
  for (const auto& c : descriptor["capabilities"]) EXPECT_TRUE(exports.count(c.get<std::string>()));
  std::set<std::string> declared = descriptor["hostFunctions"].get<std::set<std::string>>();
  for (const auto& i : w->imports) {
    EXPECT_EQ(i.module, "cryfttee");
    EXPECT_TRUE(declared.count(i.name)) << i.name;
  }
}

TEST_F(DebugModuleTest, Echo) {
  json r = CallParsed("debug_echo", R"({"message":"h\u00e9llo \"world\""})");
  EXPECT_EQ(r["success"], true);
  EXPECT_EQ(r["message"], "h\xc3\xa9llo \"world\"");
  EXPECT_EQ(r["length"], 14);  // bytes of UTF-8
  json bad = CallParsed("debug_echo", R"({"msg":"x"})");
  EXPECT_EQ(bad["success"], false);
  EXPECT_EQ(bad["error"], "invalid_request");
  EXPECT_EQ(CallParsed("debug_echo", "not json")["error"], "invalid_request");
}

TEST_F(DebugModuleTest, Info) {
  json a = CallParsed("debug_info", "{}");
  json b = CallParsed("debug_info", "{}");
  EXPECT_EQ(a["module_id"], "debug_v1");
  EXPECT_EQ(a["abi_version"], 1);
  EXPECT_GT(a["time_ms"].get<int64_t>(), int64_t{1'600'000'000'000});
  EXPECT_EQ(a["nonce"].get<std::string>().size(), 18u);
  EXPECT_NE(a["nonce"], b["nonce"]);
  EXPECT_EQ(b["calls_served"].get<int>(), a["calls_served"].get<int>() + 1);
}

TEST_F(DebugModuleTest, StatusPanelFollowsTheSeedSchema) {
  json p = CallParsed("get_status_panel", "{}");
  // module_id and module_version are the host's to add (api/module_call.cc FetchStatusPanel).
  EXPECT_FALSE(p.contains("success"));
  EXPECT_EQ(p["title"], "Debug Module");
  ASSERT_TRUE(p["sections"].is_array());
  ASSERT_FALSE(p["sections"].empty());
  for (const auto& section : p["sections"]) {
    EXPECT_TRUE(section["heading"].is_string());
    for (const auto& item : section["items"]) {
      const std::string type = item["type"];
      if (type == "key_value") {
        EXPECT_TRUE(item["key"].is_string() && item["value"].is_string()) << item;
      } else {
        ASSERT_EQ(type, "status_indicator");
        EXPECT_TRUE(item["status"] == "ok" || item["status"] == "warning" ||
                    item["status"] == "error");
        EXPECT_TRUE(item["message"].is_string());
      }
    }
  }
}

TEST_F(DebugModuleTest, ConcurrentCallsAndTheDefaultLimits) {
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        std::string msg = "t" + std::to_string(t) + "i" + std::to_string(i);
        Result<std::string> r = module_->CallJson("debug_echo", R"({"message":")" + msg + "\"}");
        if (!r.ok() || json::parse(*r)["message"] != msg) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace cryfttee::modules::test
