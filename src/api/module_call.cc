#include "api/module_call.h"

#include <spdlog/spdlog.h>

#include <optional>

namespace cryfttee::api {
HttpResponse ModuleErrorResponse(const std::string& module_id, const Json& answer) {
  // The module (or the host function it relayed) says what kind of failure this is; the one
  // mapping to HTTP is api/responses.cc's. An answer without a valid kind is the module's own
  // failure (502), as is one claiming success's kind.
  auto string_field = [&answer](const char* key) -> std::string {
    auto it = answer.find(key);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string code = string_field("error");
  std::string message = string_field("message");
  std::optional<StatusCategory> kind = StatusCategoryFromName(string_field("kind"));
  Status status;
  if (!kind || *kind == StatusCategory::kOk || code.empty()) {
    status = Status::Error(
        StatusCategory::kUpstream, "module_error",
        "module " + module_id +
            " failed: " + (message.empty() ? (code.empty() ? "no error code" : code) : message));
  } else {
    status = Status::Error(*kind, code, message.empty() ? code : message);
  }
  HttpResponse resp = ErrorResponse(status);
  Json body = Json::parse(resp.body);
  body["module_id"] = module_id;
  // A module relaying a remote service's failure may name its HTTP status (web3signer_v1).
  if (auto it = answer.find("upstream_status"); it != answer.end() && it->is_number_integer()) {
    body["upstream_status"] = *it;
  }
  return JsonResponse(body, resp.status);
}

Result<Json> FetchStatusPanel(const runtime::ModuleRecord& record) {
  if (!record.instance) {
    return Status::Unavailable("module_not_loaded", "module " + record.entry.id + " is not loaded");
  }
  auto out = record.instance->CallJson("get_status_panel", "{}");
  if (!out.ok()) {
    if (out.status().code() == "no_such_export") {
      return Status::NotFound("no_status_panel",
                              "module " + record.entry.id + " has no status panel");
    }
    return Status::Error(StatusCategory::kUpstream, "module_failed",
                         "module " + record.entry.id + " failed: " + out.status().message());
  }
  Json panel = Json::parse(*out, nullptr, false);
  if (!panel.is_object() || (panel.contains("success") && !panel.value("success", true))) {
    return Status::Error(StatusCategory::kUpstream, "module_failed",
                         "module " + record.entry.id + " returned an invalid panel");
  }
  panel["module_id"] = record.entry.id;
  panel["module_version"] = record.entry.version;
  if (!panel.contains("title")) panel["title"] = record.entry.id;
  if (!panel.contains("sections") || !panel["sections"].is_array()) {
    panel["sections"] = Json::array();
  }
  panel.erase("success");
  return panel;
}

Result<ModuleAnswer> CallModule(const ApiContext& ctx, const std::string& capability,
                                const std::string& module_id, std::string_view request) {
  if (!ctx.registry) {
    return Status::Unavailable("no_module_for_capability", "no module registry is configured");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(runtime::DispatchTarget target,
                            ctx.registry->Resolve(capability, module_id));
  auto out = target.module->CallJson(capability, request);
  ModuleAnswer answer;
  answer.module_id = target.record->entry.id;
  answer.module_version = target.record->entry.version;
  if (!out.ok()) {
    spdlog::warn("module {} failed in {}: {}", answer.module_id, capability,
                 out.status().ToString());
    return Status::Error(
        StatusCategory::kUpstream, "module_failed",
        "module " + answer.module_id + " failed in " + capability + ": " + out.status().message());
  }
  answer.body = Json::parse(*out, nullptr, false);
  if (!answer.body.is_object()) {
    return Status::Error(
        StatusCategory::kUpstream, "module_failed",
        "module " + answer.module_id + " returned something that is not a JSON object");
  }
  return answer;
}

}  // namespace cryfttee::api
