// core/json_fields: the one field reader (both reading styles, both error flavours) and the
// bounded parser every untrusted JSON document goes through.
#include "core/json_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace cryfttee {
namespace {

using nlohmann::json;

std::string Nested(int depth) {
  return "{\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST(JsonFields, ResultStyleNamesFieldAndWhere) {
  json j = {{"id", "a"}, {"n", "7"}, {"list", {"x", "x"}}, {"nil", nullptr}};
  JsonFields r(j, "manifest.json: modules[0]",
               JsonFieldsErrors{StatusCategory::kInvalidArgument, "invalid_manifest",
                                "invalid_manifest", false});
  EXPECT_EQ(*r.String("id"), "a");
  auto n = r.Integer("n");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), "invalid_manifest");
  EXPECT_EQ(n.status().message(), "manifest.json: modules[0]: field \"n\" must be an integer");
  EXPECT_EQ(r.String("missing").status().message(),
            "manifest.json: modules[0]: field \"missing\" is missing");
  EXPECT_FALSE(r.UniqueStrings("list").ok());  // duplicates
  EXPECT_FALSE(r.String("nil").ok());          // null is a value here, of the wrong type
  EXPECT_EQ(r.RejectUnknownFields({"id", "n", "list"}).message(),
            "manifest.json: modules[0]: field \"nil\" is not a known field");
}

TEST(JsonFields, CollectingStyleKeepsFirstProblem) {
  json j = {{"s", "v"}, {"i", "not int"}, {"b", 1}, {"nil", nullptr}, {"m", {{"k", "v"}}}};
  JsonFields f(j, "");
  EXPECT_EQ(f.Str("s"), "v");
  EXPECT_EQ(f.Str("nil", "fallback"), "fallback");  // null reads as absent by default
  EXPECT_EQ(f.Int("i", 5), 5);
  EXPECT_EQ(f.Bool("b", true), true);
  EXPECT_EQ(f.StrMap("m").at("k"), "v");
  ASSERT_FALSE(f.status().ok());
  EXPECT_EQ(f.status().code(), "invalid_field");
  EXPECT_EQ(f.status().message(), "field \"i\" must be an integer");  // the first, not "b"

  json empty = json::object();
  JsonFields req(empty, "");
  EXPECT_EQ(req.RequiredStr("key_handle"), "");
  EXPECT_EQ(req.status().code(), "missing_field");

  json array = json::array();
  JsonFields not_object(
      array, "answer", JsonFieldsErrors{StatusCategory::kUpstream, "bad_response", "bad_response"});
  EXPECT_EQ(not_object.status().category(), StatusCategory::kUpstream);
  EXPECT_EQ(not_object.Str("x", "d"), "d");
}

TEST(ParseJsonObjectText, BoundsDepthSizeAndElements) {
  json out;
  JsonLimits limits;
  limits.max_depth = 8;
  EXPECT_TRUE(ParseJsonObjectText(Nested(8), "body", "invalid_json", &out, limits).ok());
  Status deep = ParseJsonObjectText(Nested(9), "body", "invalid_json", &out, limits);
  EXPECT_EQ(deep.code(), "json_too_deep");
  // The crash this guards against: 60,000 levels must be refused, not parsed and then dumped.
  EXPECT_EQ(ParseJsonObjectText(Nested(60000), "body", "invalid_json", &out).code(),
            "json_too_deep");

  limits = JsonLimits{};
  limits.max_elements = 10;
  std::string many = "{\"a\":[1,2,3,4,5,6,7,8,9,10,11]}";
  EXPECT_EQ(ParseJsonObjectText(many, "body", "invalid_json", &out, limits).code(),
            "json_too_large");
  limits = JsonLimits{};
  limits.max_bytes = 4;
  EXPECT_EQ(ParseJsonObjectText("{\"a\":1}", "body", "invalid_json", &out, limits).code(),
            "json_too_large");

  EXPECT_EQ(ParseJsonObjectText("{\"a\":1,\"a\":2}", "f", "invalid_json", &out).code(),
            "invalid_json");
  EXPECT_EQ(ParseJsonObjectText("[1]", "f", "invalid_json", &out).code(), "invalid_json");
  EXPECT_EQ(ParseJsonObjectText("{", "f", "invalid_json", &out).code(), "invalid_json");
}

}  // namespace
}  // namespace cryfttee
