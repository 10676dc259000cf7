// core/json_scan: member spans, the grammar it refuses, and a differential run against
// nlohmann::json::accept on mutated texts (ASCII only: the scanner does not validate UTF-8).
#include "core/json_scan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace cryfttee {
namespace {

std::string Key(std::string_view text, const JsonMember& m) {
  return std::string(text.substr(m.key_offset, m.key_len));
}
std::string Value(std::string_view text, const JsonMember& m) {
  return std::string(text.substr(m.value_offset, m.value_len));
}

TEST(JsonScan, ReportsEveryMemberWithRawSpans) {
  const std::string text =
      R"( {"a":"x\"y", "b\u0041" : [1,{"c":null}] ,"n":-1.5e+3,"t":true,"o":{},"z":null} )";
  std::vector<JsonMember> m;
  ASSERT_TRUE(ScanJsonObject(text, &m));
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(Key(text, m[0]), "a");
  EXPECT_EQ(Value(text, m[0]), R"("x\"y")");
  EXPECT_EQ(m[0].kind, JsonKind::kString);
  EXPECT_TRUE(m[0].value_escaped);
  EXPECT_FALSE(m[0].key_escaped);
  EXPECT_EQ(Key(text, m[1]), R"(b\u0041)");
  EXPECT_TRUE(m[1].key_escaped);
  EXPECT_EQ(Value(text, m[1]), R"([1,{"c":null}])");
  EXPECT_EQ(m[1].kind, JsonKind::kArray);
  EXPECT_EQ(Value(text, m[2]), "-1.5e+3");
  EXPECT_EQ(m[2].kind, JsonKind::kNumber);
  EXPECT_EQ(m[3].kind, JsonKind::kBool);
  EXPECT_EQ(Value(text, m[4]), "{}");
  EXPECT_EQ(m[4].kind, JsonKind::kObject);
  EXPECT_EQ(m[5].kind, JsonKind::kNull);
}

TEST(JsonScan, ArraysListTheirElements) {
  const std::string text = R"( [ {"a":1}, "s\n", 2, [] ] )";
  std::vector<JsonMember> m;
  ASSERT_TRUE(ScanJsonArray(text, &m));
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(Value(text, m[0]), R"({"a":1})");
  EXPECT_EQ(m[1].kind, JsonKind::kString);
  EXPECT_TRUE(m[1].value_escaped);
  EXPECT_EQ(Value(text, m[3]), "[]");
  EXPECT_TRUE(ScanJsonArray("[]", &m));
  EXPECT_TRUE(m.empty());
  for (const char* bad : {"{}", "[1,]", "[", "[1 2]", "[] []"}) {
    EXPECT_FALSE(ScanJsonArray(bad, &m)) << bad;
  }
}

TEST(JsonScan, EmptyObjectAndDuplicates) {
  std::vector<JsonMember> m;
  EXPECT_TRUE(ScanJsonObject("{}", &m));
  EXPECT_TRUE(m.empty());
  ASSERT_TRUE(ScanJsonObject(R"({"k":1,"k":2})", &m));
  EXPECT_EQ(m.size(), 2u);
}

TEST(JsonScan, RefusesWhatIsNotOneObject) {
  for (const char* bad : {"",
                          "[]",
                          "1",
                          "\"s\"",
                          "{",
                          "{}{}",
                          "{} x",
                          R"({"a"})",
                          R"({"a":})",
                          R"({"a":1,})",
                          R"({,"a":1})",
                          R"({"a":[1,]})",
                          R"({"a":[1 2]})",
                          R"({"a":{"b"}})",
                          R"({"a":{"b":1,}})",
                          R"({"a":[}})",
                          R"({"a":{]})",
                          R"({a:1})",
                          R"({"a":01})",
                          R"({"a":1.})",
                          R"({"a":.5})",
                          R"({"a":-})",
                          R"({"a":1e})",
                          R"({"a":tru})",
                          R"({"a":nul})",
                          R"({"a":"\x"})",
                          R"({"a":"\u12"})",
                          R"({"a":"\udc00"})",
                          R"({"a":"\ud800"})",
                          R"({"a":"\ud800\u0041"})",
                          "{\"a\":\"\x01\"}",
                          R"({"a":"unterminated})",
                          R"({"a":[[[]]})",
                          R"({"a":1 "b":2})"}) {
    std::vector<JsonMember> m;
    EXPECT_FALSE(ScanJsonObject(bad, &m)) << bad;
  }
}

TEST(JsonScan, NestingIsBounded) {
  auto nest = [](int depth) {
    return "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  std::vector<JsonMember> m;
  EXPECT_TRUE(ScanJsonObject(nest(static_cast<int>(kJsonScanMaxDepth)), &m));
  EXPECT_FALSE(ScanJsonObject(nest(static_cast<int>(kJsonScanMaxDepth) + 1), &m));
  EXPECT_FALSE(ScanJsonObject(nest(100000), &m));
}

// Texts built from JSON-ish tokens, then mutated byte by byte: the scanner accepts exactly what
// nlohmann accepts as an object (within the depth bound).
// Strings are scanned eight bytes at a time: a quote, backslash or control byte at any offset
// of a word must still end the run, and the span must cover the whole string.
TEST(JsonScan, LongStringsEveryOffset) {
  const std::string plain(40, 'x');
  for (size_t at = 0; at < plain.size(); ++at) {
    for (const std::string& cut :
         {std::string("\""), std::string("\\"), std::string(1, '\x01'), std::string(1, '\x1f'),
          std::string(1, '\x7f'), std::string("\xc3\xa9")}) {
      std::string body = plain.substr(0, at) + cut + plain.substr(at);
      const std::string text = R"({"k":")" + body + R"(","z":1})";
      std::vector<JsonMember> members;
      const bool ok = ScanJsonObject(text, &members);
      const bool want = nlohmann::json::accept(text);
      ASSERT_EQ(ok, want) << at << " " << static_cast<int>(cut[0]);
      if (ok) {
        ASSERT_EQ(members.size(), 2u);
        EXPECT_EQ(Value(text, members[0]), "\"" + body + "\"");
      }
    }
  }
}

TEST(JsonScan, AgreesWithNlohmannOnMutatedTexts) {
  std::mt19937 rng(20261204);
  const std::vector<std::string> tokens = {
      "{",   "}",  "[",     "]",    ",",     ":",    "\"k\"", "\"v\\n\"",           "\"\\u00e9\"",
      "1",   "-2", "3.5e2", "true", "false", "null", " ",     "\"\\ud83d\\ude00\"", "0",
      "\"\""};
  const std::string alphabet = "{}[],:\"\\u0123456789abcdefnrtlse.-+E \t\n";
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = "{\"a\":";
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) text += tokens[rng() % tokens.size()];
    text += "}";
    int mutations = static_cast<int>(rng() % 3);
    for (int k = 0; k < mutations && !text.empty(); ++k) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    bool want = nlohmann::json::accept(text);
    if (want) want = nlohmann::json::parse(text).is_object();
    std::vector<JsonMember> m;
    bool got = ScanJsonObject(text, &m);
    ASSERT_EQ(got, want) << text;
    if (got) ++accepted;
  }
  EXPECT_GT(accepted, 300);  // the run exercised the accepting paths too
}

}  // namespace
}  // namespace cryfttee
