#include "core/json_fields.h"

#include <algorithm>
#include <set>

namespace cryfttee {

JsonFields::JsonFields(const nlohmann::json& object, std::string where, JsonFieldsErrors errors)
    : object_(object), where_(std::move(where)), errors_(std::move(errors)) {
  if (!object_.is_object()) {
    Fail(Status::Error(errors_.category, errors_.code,
                       (where_.empty() ? std::string("value") : where_) + " must be an object"));
  }
}

Status JsonFields::Error(std::string_view field, std::string_view problem) const {
  std::string message = where_.empty() ? "" : where_ + ": ";
  message += "field \"" + std::string(field) + "\" " + std::string(problem);
  return Status::Error(errors_.category, errors_.code, std::move(message));
}

Status JsonFields::Missing(std::string_view field, std::string_view problem) const {
  Status e = Error(field, problem);
  return Status::Error(errors_.category, errors_.missing_code, e.message());
}

void JsonFields::Fail(Status s) {
  if (status_.ok()) status_ = std::move(s);
}

const nlohmann::json* JsonFields::Find(std::string_view field) const {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(field);
  if (it == object_.end()) return nullptr;
  if (errors_.null_is_absent && it->is_null()) return nullptr;
  return &*it;
}

Status JsonFields::RejectUnknownFields(std::initializer_list<std::string_view> known) const {
  if (!object_.is_object()) return Status::Ok();
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Error(key, "is not a known field");
    }
  }
  return Status::Ok();
}

Result<std::string> JsonFields::String(std::string_view field) const {
  const nlohmann::json* v = Find(field);
  if (!v) return Missing(field, "is missing");
  if (!v->is_string()) return Error(field, "must be a string");
  return v->get<std::string>();
}

Result<std::string> JsonFields::OptionalString(std::string_view field) const {
  if (!Has(field)) return std::string();
  return String(field);
}

Result<int64_t> JsonFields::Integer(std::string_view field) const {
  const nlohmann::json* v = Find(field);
  if (!v) return Missing(field, "is missing");
  if (!v->is_number_integer()) return Error(field, "must be an integer");
  return v->get<int64_t>();
}

Result<std::vector<std::string>> JsonFields::UniqueStrings(std::string_view field) const {
  const nlohmann::json* v = Find(field);
  if (!v) return Missing(field, "is missing");
  if (!v->is_array()) return Error(field, "must be an array of strings");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& e = (*v)[i];
    if (!e.is_string()) return Error(field, "element " + std::to_string(i) + " is not a string");
    std::string s = e.get<std::string>();
    if (!seen.insert(s).second) return Error(field, "lists \"" + s + "\" twice");
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> JsonFields::OptionalUniqueStrings(std::string_view field) const {
  if (!Has(field)) return std::vector<std::string>();
  return UniqueStrings(field);
}

std::string JsonFields::Str(std::string_view field, std::string fallback) {
  const nlohmann::json* v = Find(field);
  if (!v) return fallback;
  if (!v->is_string()) return Fail(Error(field, "must be a string")), fallback;
  return v->get<std::string>();
}

std::string JsonFields::RequiredStr(std::string_view field) {
  std::string v = Str(field);
  if (status_.ok() && v.empty()) Fail(Missing(field, "is required"));
  return v;
}

int64_t JsonFields::Int(std::string_view field, int64_t fallback) {
  const nlohmann::json* v = Find(field);
  if (!v) return fallback;
  if (!v->is_number_integer()) return Fail(Error(field, "must be an integer")), fallback;
  return v->get<int64_t>();
}

bool JsonFields::Bool(std::string_view field, bool fallback) {
  const nlohmann::json* v = Find(field);
  if (!v) return fallback;
  if (!v->is_boolean()) return Fail(Error(field, "must be a boolean")), fallback;
  return v->get<bool>();
}

std::vector<std::string> JsonFields::StrList(std::string_view field) {
  std::vector<std::string> out;
  const nlohmann::json* v = Find(field);
  if (!v) return out;
  if (!v->is_array()) return Fail(Error(field, "must be an array of strings")), out;
  for (const auto& e : *v) {
    if (!e.is_string()) return Fail(Error(field, "must be an array of strings")), out;
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> JsonFields::StrMap(std::string_view field) {
  std::map<std::string, std::string> out;
  const nlohmann::json* v = Find(field);
  if (!v) return out;
  if (!v->is_object()) return Fail(Error(field, "must be an object of strings")), out;
  for (const auto& [k, e] : v->items()) {
    if (!e.is_string()) return Fail(Error(field, "must be an object of strings")), out;
    out[k] = e.get<std::string>();
  }
  return out;
}

Status ParseJsonObjectText(std::string_view text, const std::string& source,
                           const std::string& code, nlohmann::json* out, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::InvalidArgument(
        "json_too_large", source + ": larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  struct LimitExceeded {
    const char* code;
    std::string what;
  };
  std::vector<std::set<std::string>> seen;
  std::string duplicate;
  size_t elements = 0;
  auto check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start || event == E::array_start) {
      // `depth` counts the enclosing containers; the top-level object is depth 0.
      if (depth > limits.max_depth) {
        throw LimitExceeded{"json_too_deep",
                            "nested deeper than " + std::to_string(limits.max_depth) + " levels"};
      }
    }
    if (event == E::value || event == E::object_start || event == E::array_start) {
      if (++elements > limits.max_elements) {
        throw LimitExceeded{"json_too_large",
                            "more than " + std::to_string(limits.max_elements) + " values"};
      }
    }
    if (event == E::object_start) seen.emplace_back();
    if (event == E::object_end && !seen.empty()) seen.pop_back();
    if (event == E::key && !seen.empty() && !seen.back().insert(parsed.get<std::string>()).second) {
      if (duplicate.empty()) duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    *out = nlohmann::json::parse(text.begin(), text.end(), check);
  } catch (const LimitExceeded& e) {
    *out = nlohmann::json();
    return Status::InvalidArgument(e.code, source + ": " + e.what);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(
        code, source + ": not valid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(code, source + ": not valid JSON: " + e.what());
  }
  if (!duplicate.empty()) {
    return Status::InvalidArgument(
        code, source + ": key \"" + duplicate + "\" appears twice in one object");
  }
  if (!out->is_object()) return Status::InvalidArgument(code, source + ": must be a JSON object");
  return Status::Ok();
}

}  // namespace cryfttee
