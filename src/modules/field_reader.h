// Typed access to the fields of one JSON object, with errors that say where the value was:
// "<file>: <entry>: field \"<name>\": <problem>". Shared by the manifest and module.json parsers
// so every config error reads the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cryfttee::modules {

class FieldReader {
 public:
  // `where` is "<file>" or "<file>: <entry>"; `code` is the Status code for every error.
  FieldReader(const nlohmann::json& object, std::string where, std::string code)
      : object_(object), where_(std::move(where)), code_(std::move(code)) {}

  Status Error(std::string_view field, std::string_view problem) const;
  Status RejectUnknownFields(std::initializer_list<std::string_view> known) const;

  bool Has(std::string_view field) const { return object_.contains(field); }
  Result<std::string> String(std::string_view field) const;          // required, may be empty
  Result<std::string> OptionalString(std::string_view field) const;  // "" when absent
  Result<int64_t> Integer(std::string_view field) const;
  // Required array of strings, duplicates rejected.
  Result<std::vector<std::string>> UniqueStrings(std::string_view field) const;
  Result<std::vector<std::string>> OptionalUniqueStrings(std::string_view field) const;

 private:
  const nlohmann::json& object_;
  std::string where_;
  std::string code_;
};

// Parses JSON text into `out`; the error names the file and the byte offset. Code `code`.
Status ParseJsonText(std::string_view text, const std::string& file_name, const std::string& code,
                     nlohmann::json* out);

}  // namespace cryfttee::modules
