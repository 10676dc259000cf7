#include "modules/field_reader.h"

#include <algorithm>
#include <set>

namespace cryfttee::modules {

Status FieldReader::Error(std::string_view field, std::string_view problem) const {
  return Status::InvalidArgument(
      code_, where_ + ": field \"" + std::string(field) + "\": " + std::string(problem));
}

Status FieldReader::RejectUnknownFields(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      // Unknown fields are errors: a misspelt "defaultfor" must not be silently ignored.
      return Error(key, "unknown field");
    }
  }
  return Status::Ok();
}

Result<std::string> FieldReader::String(std::string_view field) const {
  auto it = object_.find(field);
  if (it == object_.end()) return Error(field, "is missing");
  if (!it->is_string()) return Error(field, "must be a string");
  return it->get<std::string>();
}

Result<std::string> FieldReader::OptionalString(std::string_view field) const {
  if (!Has(field)) return std::string();
  return String(field);
}

Result<int64_t> FieldReader::Integer(std::string_view field) const {
  auto it = object_.find(field);
  if (it == object_.end()) return Error(field, "is missing");
  if (!it->is_number_integer()) return Error(field, "must be an integer");
  return it->get<int64_t>();
}

Result<std::vector<std::string>> FieldReader::UniqueStrings(std::string_view field) const {
  auto it = object_.find(field);
  if (it == object_.end()) return Error(field, "is missing");
  if (!it->is_array()) return Error(field, "must be an array of strings");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string()) return Error(field, "element " + std::to_string(i) + " is not a string");
    std::string s = v.get<std::string>();
    if (!seen.insert(s).second) return Error(field, "\"" + s + "\" is listed twice");
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> FieldReader::OptionalUniqueStrings(std::string_view field) const {
  if (!Has(field)) return std::vector<std::string>();
  return UniqueStrings(field);
}

Status ParseJsonText(std::string_view text, const std::string& file_name, const std::string& code,
                     nlohmann::json* out) {
  // Duplicate keys are rejected: JSON libraries disagree on which one wins, so a signed manifest
  // with two "id"s could mean different things to different readers (and tools).
  std::vector<std::set<std::string>> seen;
  std::string duplicate;
  auto check_keys = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                        nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) seen.emplace_back();
    if (event == E::object_end && !seen.empty()) seen.pop_back();
    if (event == E::key && !seen.empty() && !seen.back().insert(parsed.get<std::string>()).second) {
      if (duplicate.empty()) duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    *out = nlohmann::json::parse(text.begin(), text.end(), check_keys);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(
        code, file_name + ": not valid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(code, file_name + ": not valid JSON: " + e.what());
  }
  if (!duplicate.empty()) {
    return Status::InvalidArgument(
        code, file_name + ": key \"" + duplicate + "\" appears twice in one object");
  }
  if (!out->is_object()) {
    return Status::InvalidArgument(code, file_name + ": must be a JSON object");
  }
  return Status::Ok();
}

}  // namespace cryfttee::modules
