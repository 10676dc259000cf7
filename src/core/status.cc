#include "core/status.h"

#include <array>

namespace cryfttee {
namespace {

constexpr std::array<std::pair<StatusCategory, std::string_view>, 11> kNames = {{
    {StatusCategory::kOk, "ok"},
    {StatusCategory::kInvalidArgument, "invalid_argument"},
    {StatusCategory::kNotFound, "not_found"},
    {StatusCategory::kAlreadyExists, "already_exists"},
    {StatusCategory::kUnauthenticated, "unauthenticated"},
    {StatusCategory::kPermissionDenied, "permission_denied"},
    {StatusCategory::kFailedPrecondition, "failed_precondition"},
    {StatusCategory::kUnavailable, "unavailable"},
    {StatusCategory::kUpstream, "upstream"},
    {StatusCategory::kTooLarge, "too_large"},
    {StatusCategory::kInternal, "internal"},
}};

}  // namespace

std::string_view StatusCategoryName(StatusCategory category) {
  for (const auto& [c, name] : kNames) {
    if (c == category) return name;
  }
  return "internal";
}

std::optional<StatusCategory> StatusCategoryFromName(std::string_view name) {
  for (const auto& [c, n] : kNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

}  // namespace cryfttee
