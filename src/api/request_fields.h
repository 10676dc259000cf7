// Typed access to the fields of a JSON request body. The first type error is remembered (with
// the field's name) so a handler reads every field and then checks status() once.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"

namespace cryfttee::api {

class RequestFields {
 public:
  explicit RequestFields(const nlohmann::json& object) : object_(object) {}

  bool Has(const std::string& name) const {
    return object_.contains(name) && !object_.at(name).is_null();
  }
  std::string OptionalString(const std::string& name, const std::string& fallback = "");
  int64_t OptionalInt(const std::string& name, int64_t fallback);
  bool OptionalBool(const std::string& name, bool fallback);
  // A required string: missing or empty is "missing_field".
  std::string RequiredString(const std::string& name);

  const Status& status() const { return status_; }
  void Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
  }

 private:
  const nlohmann::json& object_;
  Status status_;
};

}  // namespace cryfttee::api
