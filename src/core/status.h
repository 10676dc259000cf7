// Status and Result<T>: how every layer reports failure without exceptions.
//
// A Status carries a category (which the API layer maps to an HTTP status), a stable snake_case
// code that clients may switch on, and a human message. Messages must never contain secrets.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cryfttee {

enum class StatusCategory {
  kOk,
  kInvalidArgument,     // caller sent something malformed (HTTP 400)
  kNotFound,            // named thing does not exist (404)
  kAlreadyExists,       // (409)
  kUnauthenticated,     // the caller could not be authenticated: bad signature, replay (401)
  kPermissionDenied,    // (403)
  kFailedPrecondition,  // state does not allow it, e.g. no signer module (409/503 by route)
  kUnavailable,         // transient: retry may help (503)
  kUpstream,            // a module or remote signer failed (502)
  kTooLarge,            // (413)
  kInternal,            // bug or environment failure (500)
};

// The category's wire name ("invalid_argument", "not_found", ...): how a category crosses a
// process or sandbox boundary (the module ABI's error "kind"), to be mapped back with
// StatusCategoryFromName and turned into a transport status once, by the receiver.
std::string_view StatusCategoryName(StatusCategory category);
// nullopt for an unknown name.
std::optional<StatusCategory> StatusCategoryFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status Error(StatusCategory category, std::string code, std::string message) {
    return Status(category, std::move(code), std::move(message));
  }
  static Status InvalidArgument(std::string code, std::string message) {
    return Error(StatusCategory::kInvalidArgument, std::move(code), std::move(message));
  }
  static Status NotFound(std::string code, std::string message) {
    return Error(StatusCategory::kNotFound, std::move(code), std::move(message));
  }
  static Status Internal(std::string code, std::string message) {
    return Error(StatusCategory::kInternal, std::move(code), std::move(message));
  }
  static Status Unavailable(std::string code, std::string message) {
    return Error(StatusCategory::kUnavailable, std::move(code), std::move(message));
  }
  static Status FailedPrecondition(std::string code, std::string message) {
    return Error(StatusCategory::kFailedPrecondition, std::move(code), std::move(message));
  }

  bool ok() const { return category_ == StatusCategory::kOk; }
  StatusCategory category() const { return category_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes context to the message, keeping category and code: "reading x: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(category_, code_, context + ": " + message_);
  }

  std::string ToString() const { return ok() ? "ok" : code_ + ": " + message_; }

 private:
  Status(StatusCategory category, std::string code, std::string message)
      : category_(category), code_(std::move(code)), message_(std::move(message)) {}

  StatusCategory category_ = StatusCategory::kOk;
  std::string code_;
  std::string message_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result constructed from an OK status without a value");
    if (status_.ok()) status_ = Status::Internal("internal", "Result built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace cryfttee

// Propagates a non-OK Status from an expression returning Status.
#define CRYFTTEE_RETURN_IF_ERROR(expr) \
  do {                                 \
    ::cryfttee::Status _st = (expr);   \
    if (!_st.ok()) return _st;         \
  } while (0)

#define CRYFTTEE_CONCAT_INNER(a, b) a##b
#define CRYFTTEE_CONCAT(a, b) CRYFTTEE_CONCAT_INNER(a, b)
// Assigns the value of a Result expression to lhs, or returns its Status.
#define CRYFTTEE_ASSIGN_OR_RETURN(lhs, expr) \
  CRYFTTEE_ASSIGN_OR_RETURN_IMPL(CRYFTTEE_CONCAT(_res_, __LINE__), lhs, expr)
#define CRYFTTEE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
