// Typed, non-throwing access to the fields of one JSON object: the project's one field reader,
// used by the API handlers, the host functions, the manifest and module.json parsers and the
// client library.
//
// Two ways to read, for two kinds of caller:
//   - Result-returning (`String`, `Integer`, `UniqueStrings`, ...): for parsers that stop at the
//     first problem (manifest, module.json, host functions).
//   - Collecting (`Str`, `Int`, `Bool`, `StrList`, `StrMap`, `RequiredStr`): return a fallback
//     and remember the first problem in `status()`, so a handler reads every field and checks
//     once. Reading never throws, whatever the JSON holds.
//
// Every error has the category and code given at construction (a required field that is
// missing or empty has code `missing_code` instead) and reads
// "<where>: field \"<name>\" <problem>" ("field \"<name>\" <problem>" when `where` is empty).
// A field that is absent, or JSON null when `null_is_absent` (the default), reads as absent.
//
// Threading: a JsonFields refers to (does not copy) its object; use it on one thread while the
// object lives.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cryfttee {

struct JsonFieldsErrors {
  StatusCategory category = StatusCategory::kInvalidArgument;
  std::string code = "invalid_field";          // a present field of the wrong type or value
  std::string missing_code = "missing_field";  // a required field that is absent
  bool null_is_absent = true;
};

class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string where, JsonFieldsErrors errors = {});
  // A reader refers to its object: binding it to a temporary would leave it dangling.
  JsonFields(nlohmann::json&& object, std::string where, JsonFieldsErrors errors = {}) = delete;

  // The error for `field` with `problem` ("must be a string"), in this reader's category/code.
  Status Error(std::string_view field, std::string_view problem) const;
  // Unknown fields are errors where a misspelt key must not be silently ignored.
  Status RejectUnknownFields(std::initializer_list<std::string_view> known) const;

  bool Has(std::string_view field) const { return Find(field) != nullptr; }
  // The field's value, or nullptr when it is absent.
  const nlohmann::json* Find(std::string_view field) const;

  // --- Result-returning ---------------------------------------------------------------------
  Result<std::string> String(std::string_view field) const;          // required, may be empty
  Result<std::string> OptionalString(std::string_view field) const;  // "" when absent
  Result<int64_t> Integer(std::string_view field) const;
  // Arrays of strings, duplicates rejected.
  Result<std::vector<std::string>> UniqueStrings(std::string_view field) const;
  Result<std::vector<std::string>> OptionalUniqueStrings(std::string_view field) const;

  // --- Collecting: the first problem is kept in status() -------------------------------------
  std::string Str(std::string_view field, std::string fallback = "");
  // Missing or empty is an error with `missing_code`.
  std::string RequiredStr(std::string_view field);
  int64_t Int(std::string_view field, int64_t fallback = 0);
  bool Bool(std::string_view field, bool fallback = false);
  std::vector<std::string> StrList(std::string_view field);
  std::map<std::string, std::string> StrMap(std::string_view field);

  const Status& status() const { return status_; }
  // Records `s` unless a problem is already recorded.
  void Fail(Status s);

 private:
  Status Missing(std::string_view field, std::string_view problem) const;

  const nlohmann::json& object_;
  std::string where_;
  JsonFieldsErrors errors_;
  Status status_;
};

// Bounds for JSON from outside the process. nlohmann's parser is iterative, but serialising or
// walking a value recursively is not: a 60,000-deep array parses fine and then overflows the
// stack when it is dumped. Every untrusted document is therefore bounded at parse time.
struct JsonLimits {
  size_t max_bytes = 1 << 20;
  int max_depth = 32;            // objects and arrays nested inside the top-level object
  size_t max_elements = 100000;  // values of any kind in the whole document
};

// Parses JSON text that must be one object, within `limits`; duplicate keys are rejected (JSON
// libraries disagree on which one wins, so a signed manifest with two "id"s could mean different
// things to different readers). Errors name `source` and the byte offset, with code `code`
// (invalid argument); a document over a limit has code "json_too_large" / "json_too_deep".
Status ParseJsonObjectText(std::string_view text, const std::string& source,
                           const std::string& code, nlohmann::json* out,
                           const JsonLimits& limits = {});

}  // namespace cryfttee
