#include "api/module_call.h"

namespace cryfttee::api {

HttpResponse ModuleErrorResponse(const std::string& module_id, const Json& answer) {
  Status st = runtime::ModuleAnswerStatus(module_id, answer);
  HttpResponse resp = ErrorResponse(st);
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
  return runtime::CallModule(ctx.registry, capability, module_id, request);
}

}  // namespace cryfttee::api
