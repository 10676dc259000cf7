#include "api/staking_handlers.h"

#include "api/module_call.h"
#include "api/responses.h"
#include "core/json_fields.h"

namespace cryfttee::api {
namespace {

HttpResponse FailureResponse(const Status& st) { return ErrorResponse(st); }

// The small fields of a staking request have natural sizes (a handle is ~25 characters, a
// public key at most 130 in hex); a client's 100 KB key_handle is refused here with 400 instead
// of costing a module its fuel (and the module its health). Messages, digests and key material
// are bounded only by the body limit.
Status CheckSelectorSizes(const Json& request) {
  static constexpr std::pair<const char*, size_t> kCaps[] = {{"key_handle", 128},
                                                             {"pubkey", 256},
                                                             {"module_id", 64},
                                                             {"key_type", 32},
                                                             {"type", 64},
                                                             {"dst", 16},
                                                             {"signature_encoding", 16},
                                                             {"message_encoding", 16},
                                                             {"format", 16},
                                                             {"action", 32},
                                                             {"label", 256},
                                                             {"purpose", 256},
                                                             {"password", 4096},
                                                             {"algorithm", 32}};
  for (const auto& [field, max] : kCaps) {
    auto it = request.find(field);
    if (it != request.end() && it->is_string()) {
      CRYFTTEE_RETURN_IF_ERROR(CheckFieldLength(field, it->get_ref<const std::string&>(), max));
    }
  }
  return Status::Ok();
}

HttpResponse RunCapability(const ApiContext& ctx, const std::string& capability,
                           const HttpRequest& req) {
  auto parsed = ParseJsonObject(req.body);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  JsonFields fields(*parsed, "");
  std::string module_id = fields.Str("module_id");
  if (!fields.status().ok()) return ErrorResponse(fields.status());
  if (Status s = CheckSelectorSizes(*parsed); !s.ok()) return ErrorResponse(s);
  auto answer = CallModule(ctx, capability, module_id, *parsed);
  if (!answer.ok()) return FailureResponse(answer.status());
  if (!answer->body.value("success", false)) {
    return ModuleErrorResponse(answer->module_id, answer->body);
  }
  answer->body["module_id"] = answer->module_id;
  // A new key: the key list (status, bls_pubkeys) shows it from the next request on.
  if (ctx.backends && capability.find("_register") != std::string::npos) {
    ctx.backends->KeysChanged();
  }
  return JsonResponse(answer->body);
}

HttpResponse StatusPanel(const ApiContext& ctx, const HttpRequest& req) {
  const std::string& id = req.path_params.at("id");
  // get_status_panel is an optional export, not a capability: look the module up by id.
  auto snapshot = ctx.registry ? ctx.registry->Current() : nullptr;
  const runtime::ModuleRecord* record = snapshot ? snapshot->Find(id) : nullptr;
  if (!record) return ErrorResponse(404, "module_not_found", "no module " + id);
  auto panel = FetchStatusPanel(*record);
  if (!panel.ok()) return ErrorResponse(panel.status());
  (*panel)["success"] = true;
  return JsonResponse(*panel);
}

}  // namespace

void AddStakingRoutes(Router& router, const ApiContext& ctx) {
  const std::pair<const char*, const char*> routes[] = {
      {"/v1/staking/bls/register", "bls_register"},
      {"/v1/staking/bls/sign", "bls_sign"},
      {"/v1/staking/tls/register", "tls_register"},
      {"/v1/staking/tls/sign", "tls_sign"},
  };
  for (const auto& [path, capability] : routes) {
    std::string cap = capability;
    router.Add("POST", path,
               [&ctx, cap](const HttpRequest& r) { return RunCapability(ctx, cap, r); });
  }
}

void AddPanelRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/v1/modules/{id}/status-panel",
             [&ctx](const HttpRequest& r) { return StatusPanel(ctx, r); });
}

}  // namespace cryfttee::api
