#include "runtime/module_call.h"

#include <spdlog/spdlog.h>

#include <optional>

namespace cryfttee::runtime {
Status ModuleAnswerStatus(const std::string& module_id, const nlohmann::json& answer) {
  auto text = [&answer](const char* key) -> std::string {
    auto it = answer.find(key);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string code = text("error");
  std::string message = text("message");
  std::string kind_name = text("kind");
  if (kind_name.empty()) kind_name = text("error_kind");
  std::optional<StatusCategory> kind = StatusCategoryFromName(kind_name);
  // The keys live in the enclave and it is down: a module that relayed the host's code without
  // its kind still gets the retryable 503 the host meant.
  if (!kind && code == "enclave_unavailable") kind = StatusCategory::kUnavailable;
  // An answer without a valid kind is the module's own failure (502), as is one claiming
  // success's kind or naming no code: nothing is inferred from how a code is spelled.
  if (!kind || *kind == StatusCategory::kOk || code.empty()) {
    return Status::Error(StatusCategory::kUpstream, "module_error",
                         "module " + module_id + " failed: " +
                             (message.empty() ? (code.empty() ? "no error code" : code) : message));
  }
  return Status::Error(*kind, code, message.empty() ? code : message);
}

Result<ModuleAnswer> CallModule(const ModuleRegistry* registry, const std::string& capability,
                                const std::string& module_id, std::string_view request) {
  if (!registry) {
    return Status::Unavailable("no_module_for_capability", "no module registry is configured");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(DispatchTarget target, registry->Resolve(capability, module_id));
  auto out = target.module->CallJson(capability, request);
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
