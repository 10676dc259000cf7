#include "runtime/module_call.h"

#include <spdlog/spdlog.h>

#include <optional>

namespace cryfttee::runtime {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A module may say what kind of failure it reports ("error_kind", a StatusCategory name); its
// code is then kept and the category follows the kind.
std::optional<StatusCategory> CategoryForKind(const std::string& kind) {
  if (kind == "invalid_argument") return StatusCategory::kInvalidArgument;
  if (kind == "not_found") return StatusCategory::kNotFound;
  if (kind == "failed_precondition") return StatusCategory::kFailedPrecondition;
  if (kind == "permission_denied") return StatusCategory::kPermissionDenied;
  if (kind == "unavailable") return StatusCategory::kUnavailable;
  if (kind == "upstream") return StatusCategory::kUpstream;
  if (kind == "internal") return StatusCategory::kInternal;
  return std::nullopt;
}

// The host's transport codes (net/http_client.h, tee/client.h), relayed unchanged by a module.
std::optional<StatusCategory> CategoryForHostCode(const std::string& code) {
  if (code == "http_timeout" || code == "http_connect_failed" || code == "http_connection_reset" ||
      code == "http_tls_failed" || code == "http_stopped" || code == "web3signer_not_configured") {
    return StatusCategory::kUnavailable;
  }
  // The keys live in the enclave and it is down: the caller retries, as for any 503.
  if (code == "enclave_unavailable") return StatusCategory::kUnavailable;
  if (code == "http_response_too_large" || code == "http_bad_response") {
    return StatusCategory::kUpstream;
  }
  if (code == "http_origin_not_allowed") return StatusCategory::kPermissionDenied;
  return std::nullopt;
}

}  // namespace

Status ModuleAnswerStatus(const std::string& module_id, const nlohmann::json& answer) {
  auto text = [&answer](const char* key, const std::string& fallback) {
    auto it = answer.find(key);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : fallback;
  };
  std::string code = text("error", "module_error");
  std::string message = text("message", code);
  std::optional<StatusCategory> explicit_category = CategoryForKind(text("error_kind", ""));
  if (!explicit_category) explicit_category = CategoryForHostCode(code);
  if (explicit_category) return Status::Error(*explicit_category, code, message);
  if (EndsWith(code, "_not_found")) return Status::NotFound(code, message);
  if (StartsWith(code, "invalid_") || StartsWith(code, "missing_") ||
      StartsWith(code, "unsupported_") || StartsWith(code, "wrong_") ||
      StartsWith(code, "keystore_")) {
    return Status::InvalidArgument(code, message);
  }
  return Status::Error(StatusCategory::kUpstream, "module_error",
                       "module " + module_id + " failed: " + message);
}

Result<ModuleAnswer> CallModule(const ModuleRegistry* registry, const std::string& capability,
                                const std::string& module_id, const nlohmann::json& request) {
  if (!registry) {
    return Status::Unavailable("no_module_for_capability", "no module registry is configured");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(DispatchTarget target, registry->Resolve(capability, module_id));
  auto out = target.module->CallJson(capability, request.dump());
  ModuleAnswer answer;
  answer.module_id = target.record->entry.id;
  answer.module_version = target.record->entry.version;
  if (!out.ok()) {
    // Too large is the caller's doing, not the module's: it keeps its own category.
    if (out.status().category() == StatusCategory::kTooLarge) return out.status();
    spdlog::warn("module {} failed in {}: {}", answer.module_id, capability,
                 out.status().ToString());
    return Status::Error(
        StatusCategory::kUpstream, "module_failed",
        "module " + answer.module_id + " failed in " + capability + ": " + out.status().message());
  }
  answer.body = nlohmann::json::parse(*out, nullptr, false);
  if (!answer.body.is_object()) {
    return Status::Error(
        StatusCategory::kUpstream, "module_failed",
        "module " + answer.module_id + " returned something that is not a JSON object");
  }
  return answer;
}

}  // namespace cryfttee::runtime
