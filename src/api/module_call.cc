#include "api/module_call.h"

#include <spdlog/spdlog.h>

namespace cryfttee::api {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// A module may say what kind of failure it reports ("error_kind", a StatusCategory name); its
// code is then kept and the status follows the kind. Without one, the code's shape decides.
int StatusForKind(const std::string& kind) {
  if (kind == "invalid_argument") return 400;
  if (kind == "not_found") return 404;
  if (kind == "failed_precondition") return 409;
  if (kind == "permission_denied") return 403;
  if (kind == "unavailable") return 503;
  if (kind == "upstream") return 502;
  if (kind == "internal") return 500;
  return 0;
}

// The host's transport codes (net/http_client.h, tee/client.h), relayed unchanged by a module.
int StatusForHostCode(const std::string& code) {
  if (code == "http_timeout" || code == "http_connect_failed" || code == "http_connection_reset" ||
      code == "http_tls_failed" || code == "http_stopped" || code == "web3signer_not_configured") {
    return 503;
  }
  if (code == "enclave_unavailable") {
    // The keys live in the enclave and it is down: the node retries, as for any 503.
    return 503;
  }
  if (code == "http_response_too_large" || code == "http_bad_response") return 502;
  if (code == "http_origin_not_allowed") return 403;
  return 0;
}

HttpResponse ModuleErrorResponse(const std::string& module_id, const Json& answer) {
  std::string code = answer.value("error", std::string("module_error"));
  std::string message = answer.value("message", code);
  int status = 502;
  int explicit_status = StatusForKind(answer.value("error_kind", std::string()));
  if (explicit_status == 0) explicit_status = StatusForHostCode(code);
  if (explicit_status != 0) {
    status = explicit_status;
  } else if (EndsWith(code, "_not_found")) {
    status = 404;
  } else if (StartsWith(code, "invalid_") || StartsWith(code, "missing_") ||
             StartsWith(code, "unsupported_") || StartsWith(code, "wrong_") ||
             StartsWith(code, "keystore_")) {
    status = 400;
  } else {
    code = "module_error";
    message = "module " + module_id + " failed: " + message;
  }
  HttpResponse resp = ErrorResponse(status, code, message);
  Json body = Json::parse(resp.body);
  body["module_id"] = module_id;
  if (answer.contains("upstream_status")) body["upstream_status"] = answer["upstream_status"];
  return JsonResponse(body, status);
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
                                const std::string& module_id, const Json& request) {
  if (!ctx.registry) {
    return Status::Unavailable("no_module_for_capability", "no module registry is configured");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(runtime::DispatchTarget target,
                            ctx.registry->Resolve(capability, module_id));
  auto out = target.module->CallJson(capability, request.dump());
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
