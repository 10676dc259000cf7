// The SDK's JSON helpers and allocator, run inside a module built with it (sdk_probe).
#include <nlohmann/json.hpp>

#include "engine_test_util.h"

namespace cryfttee::modules::test {
namespace {

class SdkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Limits limits = SmallLimits();
    limits.fuel_per_call = 50'000'000;
    limits.max_memory_pages = 64;
    limits.max_output_bytes = 1 << 20;
    limits.max_request_bytes = 1 << 20;  // write_doc echoes a 100 KB request
    limits.wall_time_ms = 20000;         // not under test here; the machine may be busy
    // No grants: the SDK's reader runs on the json_index intrinsic, which needs none.
    auto m =
        LoadModule("sdk_probe", TestWasm("sdk_probe/module"), limits, BaseHostFunctionsFor({}));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    module_ = *m;
  }
  std::string Call(const std::string& fn, const std::string& request) {
    Result<std::string> r = module_->CallJson(fn, request);
    EXPECT_TRUE(r.ok()) << fn << ": " << r.status().ToString();
    return r.ok() ? *r : "<call failed>";
  }
  std::shared_ptr<LoadedModule> module_;
};

// json_index bills its native scan per byte: a request the guest could not afford to walk
// itself, it cannot have the host walk for free either.
TEST(SdkFuel, JsonIndexBillsTheBytesItScans) {
  const std::string request = R"({"pad":")" + std::string(1 << 20, 'p') + R"(","k":"v"})";
  Limits limits = SmallLimits();
  limits.max_output_bytes = 2 << 20;
  limits.max_request_bytes = 2 << 20;  // the 1 MiB document is the request
  limits.max_memory_pages = 64;
  limits.fuel_per_call = (1 << 20) / kJsonIndexBytesPerFuel / 2;  // half of the scan's bill
  auto poor =
      LoadModule("sdk_probe", TestWasm("sdk_probe/module"), limits, BaseHostFunctionsFor({}));
  ASSERT_TRUE(poor.ok()) << poor.status().ToString();
  ExpectCode((*poor)->CallJson("get_string", request), "module_out_of_fuel");
  limits.fuel_per_call = 4 * (1 << 20) / kJsonIndexBytesPerFuel;
  auto rich =
      LoadModule("sdk_probe", TestWasm("sdk_probe/module"), limits, BaseHostFunctionsFor({}));
  ASSERT_TRUE(rich.ok()) << rich.status().ToString();
  Result<std::string> r = (*rich)->CallJson("get_string", request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "v");
}

TEST_F(SdkTest, ReadsStringsWithEscapes) {
  EXPECT_EQ(Call("get_string", R"({"k":"plain"})"), "plain");
  EXPECT_EQ(Call("get_string", R"({ "a" : 1 , "k" : "x\"y\\z\/\n\t" })"), "x\"y\\z/\n\t");
  EXPECT_EQ(Call("get_string", R"({"k":"\u00e9\u20ac\ud83d\ude00"})"),
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(Call("get_string", R"({"\u006b":"escaped key"})"), "escaped key");
  // Other fields may hold anything, nested.
  EXPECT_EQ(Call("get_string", R"({"o":{"k":"inner","a":[1,{"b":[]}]},"k":"outer"})"), "outer");
  // The first occurrence wins.
  EXPECT_EQ(Call("get_string", R"({"k":"first","k":"second"})"), "first");
  EXPECT_EQ(Call("get_string", R"({"k":""})"), "");
}

TEST_F(SdkTest, RejectsMalformedInput) {
  for (const char* bad :
       {"", "[]", "{", R"({"k":"x")", R"({"k":"x",})", R"({"k" "x"})", R"({"k":"x"} trailing)",
        R"({"k":"bad \q escape"})", R"({"k":"\ud83d alone"})", R"({"k":"\udc00"})",
        "{\"k\":\"raw\x01control\"}", R"({"k":"x","o":[1,2})", R"({"k":"x","o":[1}]})",
        R"({"k":"x","n":01})", R"({"k":"x","n":1.})", R"({"k":"x","n":tru})", R"({k:"x"})"}) {
    EXPECT_EQ(Call("get_string", bad), "<none>") << bad;
  }
  // Deeper than the reader's 64-level limit: refused, not a crash.
  std::string deep = R"({"k":"x","d":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(Call("get_string", deep), "<none>");
  // A value that does not fit the caller's buffer (256 bytes) is refused.
  EXPECT_EQ(Call("get_string", R"({"k":")" + std::string(300, 'a') + "\"}"), "<none>");
}

TEST_F(SdkTest, ReadsIntegersAndBools) {
  EXPECT_EQ(Call("get_int", R"({"k":42})"), "42");
  EXPECT_EQ(Call("get_int", R"({"k":-7})"), "-7");
  EXPECT_EQ(Call("get_int", R"({"k":9223372036854775807})"), "9223372036854775807");
  EXPECT_EQ(Call("get_int", R"({"k":-9223372036854775808})"), "-9223372036854775808");
  EXPECT_EQ(Call("get_int", R"({"k":9223372036854775808})"), "<none>");
  EXPECT_EQ(Call("get_int", R"({"k":1.5})"), "<none>");
  EXPECT_EQ(Call("get_int", R"({"k":1e3})"), "<none>");
  EXPECT_EQ(Call("get_int", R"({"k":"42"})"), "<none>");
  EXPECT_EQ(Call("get_bool", R"({"k":true})"), "true");
  EXPECT_EQ(Call("get_bool", R"({"k":false})"), "false");
  EXPECT_EQ(Call("get_bool", R"({"k":null})"), "<none>");
  EXPECT_EQ(Call("find_type", R"({"k":null})"), "3");
  EXPECT_EQ(Call("find_type", R"({"k":{"x":1}})"), "4");
  EXPECT_EQ(Call("find_type", R"({"k":[1]})"), "5");
  EXPECT_EQ(Call("find_type", R"({"k":-0.5e-3})"), "1");
}

TEST_F(SdkTest, WriterProducesValidJson) {
  const std::string request =
      "quote\" backslash\\ newline\n tab\t ctrl\x01\x1f del\x7f utf8 \xc3\xa9";
  std::string out = Call("write_doc", request);
  nlohmann::json doc = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(doc.is_discarded()) << out;
  EXPECT_EQ(doc["raw"], request);
  EXPECT_EQ(doc["min"].get<int64_t>(), INT64_MIN);
  EXPECT_EQ(doc["max"].get<uint64_t>(), UINT64_MAX);
  EXPECT_EQ(doc["zero"], 0);
  EXPECT_EQ(doc["t"], true);
  EXPECT_EQ(doc["f"], false);
  EXPECT_TRUE(doc["n"].is_null());
  EXPECT_EQ(doc["hex"], "0x00ff10");
  EXPECT_EQ(doc["nested"]["a\"b"], nlohmann::json::parse(R"([1,"two",{},[]])"));
  // A large value forces several buffer growths.
  std::string big(100'000, 'z');
  doc = nlohmann::json::parse(Call("write_doc", big), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["raw"], big);
}

// The writer tests eight bytes at a time: every byte that needs escaping, and its neighbours that
// do not, at every position of a word and across word boundaries, must come out exactly.
TEST_F(SdkTest, WriterEscapesEveryByteAtEveryOffset) {
  // Bytes >= 0x80 only as valid UTF-8 (the parser below checks it): two-byte sequences.
  const std::string plain =
      "abc\xc3\xa9"
      "defghijklmnopqrstu\xc3\xbf"
      "vwx~!";
  for (int c = 0; c < 0x80; ++c) {
    for (size_t at = 0; at < 19; at += (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) ? 1 : 6) {
      if ((static_cast<unsigned char>(plain[at]) & 0xc0) == 0x80) continue;  // inside a sequence
      std::string request = plain.substr(0, at) + static_cast<char>(c) + plain.substr(at);
      nlohmann::json doc = nlohmann::json::parse(Call("write_doc", request), nullptr, false);
      ASSERT_FALSE(doc.is_discarded()) << c << "@" << at;
      ASSERT_EQ(doc["raw"].get<std::string>(), request) << c << "@" << at;
    }
  }
}

TEST_F(SdkTest, UnbalancedWriterGivesAnErrorAnswer) {
  nlohmann::json doc = nlohmann::json::parse(Call("write_unbalanced", ""), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["success"], false);
  EXPECT_EQ(doc["error"], "module_json_unbalanced");
}

TEST_F(SdkTest, AllocatorKeepsBlocksApart) {
  EXPECT_EQ(Call("alloc_stress", ""), "ok");
  EXPECT_EQ(Call("alloc_stress", ""), "ok");
}

}  // namespace
}  // namespace cryfttee::modules::test
