#include "api/request_fields.h"

namespace cryfttee::api {

std::string RequestFields::OptionalString(const std::string& name, const std::string& fallback) {
  if (!Has(name)) return fallback;
  const auto& v = object_.at(name);
  if (!v.is_string()) {
    Fail(Status::InvalidArgument("invalid_field", "field \"" + name + "\" must be a string"));
    return fallback;
  }
  return v.get<std::string>();
}

int64_t RequestFields::OptionalInt(const std::string& name, int64_t fallback) {
  if (!Has(name)) return fallback;
  const auto& v = object_.at(name);
  if (!v.is_number_integer()) {
    Fail(Status::InvalidArgument("invalid_field", "field \"" + name + "\" must be an integer"));
    return fallback;
  }
  return v.get<int64_t>();
}

bool RequestFields::OptionalBool(const std::string& name, bool fallback) {
  if (!Has(name)) return fallback;
  const auto& v = object_.at(name);
  if (!v.is_boolean()) {
    Fail(Status::InvalidArgument("invalid_field", "field \"" + name + "\" must be a boolean"));
    return fallback;
  }
  return v.get<bool>();
}

std::string RequestFields::RequiredString(const std::string& name) {
  std::string v = OptionalString(name);
  if (status_.ok() && v.empty()) {
    Fail(Status::InvalidArgument("missing_field", "field \"" + name + "\" is required"));
  }
  return v;
}

}  // namespace cryfttee::api
