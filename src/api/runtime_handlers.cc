#include "api/runtime_handlers.h"

#include "api/responses.h"
#include "core/clock.h"
#include "core/json_fields.h"
#include "tee/quote_provider.h"

namespace cryfttee::api {
namespace {

// Which QuoteProvider the key side has and, when a nonce was sent, its evidence over
// ReportDataFor(nonce_binding). A provider that fails says why ("quote_error") instead of
// failing the whole answer: the binary and module hashes are still worth having.
Json TeeEvidence(tee::Client& keys, const std::string& nonce_binding) {
  Json out = Json::object();
  if (nonce_binding.empty()) {
    auto info = keys.Hello();
    out["provider"] = info.ok() ? info->quote_provider : "unknown";
    return out;
  }
  Bytes report_data = tee::ReportDataFor(nonce_binding);
  out["report_data"] = "0x" + HexEncode(report_data);
  auto quote = keys.GetQuote(report_data);
  if (!quote.ok()) {
    auto info = keys.Hello();
    out["provider"] = info.ok() ? info->quote_provider : "unknown";
    out["quote_error"] = quote.status().code();
    out["quote_error_message"] = quote.status().message();
    return out;
  }
  out["provider"] = quote->provider;
  if (!quote->quote.empty()) out["quote"] = Base64Encode(quote->quote);
  return out;
}

HttpResponse Attestation(const ApiContext& ctx, const HttpRequest& req) {
  std::string nonce;
  if (const std::string* n = req.Query("nonce")) {
    Status st = runtime::ValidateNonce(*n);
    if (!st.ok()) return ErrorResponse(st);
    nonce = *n;
  }
  if (!ctx.binary) return ErrorResponse(Status::Internal("io_error", "no binary identity"));
  auto binary = ctx.binary->Get();
  if (!binary.ok()) return ErrorResponse(binary.status());
  runtime::ModuleAttestation modules;
  if (ctx.registry) modules = ctx.registry->Current()->attestation();
  runtime::Attestation a =
      runtime::BuildAttestation(*binary, std::move(modules), NowUnixMillis(), nonce);
  Json body = {
      {"success", true},
      {"core_binary_hash", a.binary.hash},
      {"binary_hash_source", a.binary.source},
      {"manifest_hash", a.modules.manifest_hash},
      {"module_hashes", a.modules.module_hashes},
      {"loaded_modules", a.modules.loaded_modules},
      {"cryfttee_version", a.cryfttee_version},
      {"timestamp", FormatRfc3339Millis(a.timestamp_ms)},
  };
  // Which key this process serves to a node over gRPC, and where (not covered by
  // nonce_binding; docs/rpcsigner.md).
  Json rpc = RpcSignerJson(ctx);
  Json served = {{"enabled", rpc.value("enabled", false)}};
  for (const char* key : {"endpoint", "tls", "key_handle", "public_key"}) {
    if (rpc.contains(key)) served[key] = rpc[key];
  }
  body["rpcsigner"] = served;
  if (!nonce.empty()) {
    body["nonce"] = a.nonce;
    body["nonce_binding"] = a.nonce_binding;
  }
  tee::Connection enclave = ProbeKeys(ctx);
  body["enclave"] = EnclaveJson(enclave);
  if (ctx.keys && enclave.connected) body["tee"] = TeeEvidence(*ctx.keys, a.nonce_binding);
  return JsonResponse(body);
}

HttpResponse Heartbeat(const ApiContext& ctx, const HttpRequest& req) {
  auto parsed = ParseJsonObject(req.body);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  JsonFields fields(*parsed, "");
  std::string version = fields.Str("cryftgo_version");
  std::string node_id = fields.Str("node_id");
  int64_t sent_ms = fields.Int("timestamp", 0);
  if (!fields.status().ok()) return ErrorResponse(fields.status());
  // Both are stored and echoed in every status answer: a node ID is ~40 characters and a
  // version ~20, so anything far longer is refused rather than kept.
  if (Status s = CheckFieldLength("node_id", node_id, kMaxNodeIdLength); !s.ok()) {
    return ErrorResponse(s);
  }
  if (Status s = CheckFieldLength("cryftgo_version", version, kMaxVersionLength); !s.ok()) {
    return ErrorResponse(s);
  }
  int64_t now = NowUnixMillis();
  ctx.connection->RecordHeartbeat(version, node_id, sent_ms, now);
  return JsonResponse({{"success", true},
                       {"acknowledged", true},
                       {"cryfttee_version", CRYFTTEE_VERSION},
                       {"signer_ready", SignerReadiness(ctx).ready},
                       {"timestamp", now}});
}

}  // namespace

tee::Connection ProbeKeys(const ApiContext& ctx) {
  if (!ctx.keys) return tee::Connection{"in_process", false, ""};
  return ctx.keys->Probe();
}

Json EnclaveJson(const tee::Connection& keys) {
  return {{"mode", keys.mode},
          {"connected", keys.connected},
          {"address", keys.address.empty() ? Json(nullptr) : Json(keys.address)}};
}

SignerState SignerReadiness(const ApiContext& ctx) {
  SignerState state;
  if (!ctx.backends) {
    state.reason = "no signer backends";
    return state;
  }
  runtime::SignerView view = ctx.backends->View();
  state.ready = view.ready;
  state.module_id = view.module_id;
  state.module_version = view.module_version;
  state.reason = view.reason;
  return state;
}

Json RpcSignerJson(const ApiContext& ctx) {
  if (!ctx.rpcsigner_status) return {{"enabled", false}};
  return ctx.rpcsigner_status();
}

Json ConnectionJson(const ApiContext& ctx, int64_t now_ms, const SignerState& signer) {
  runtime::ConnectionSnapshot s = ctx.connection->Snapshot(now_ms);
  return {
      {"connected", s.connected},
      {"transport", s.transport},
      {"endpoint", s.endpoint},
      {"last_seen", FormatRfc3339Millis(s.last_seen_ms)},
      {"last_heartbeat", FormatRfc3339Millis(s.last_heartbeat_ms)},
      {"latency_ms", s.latency_ms},
      {"cryftgo_version", s.cryftgo_version},
      {"cryftgo_node_id", s.cryftgo_node_id},
      {"request_count", s.request_count},
      {"error_count", s.error_count},
      {"heartbeat_count", s.heartbeat_count},
      {"last_error", s.last_error},
      {"last_error_time", FormatRfc3339Millis(s.last_error_time_ms)},
      {"connected_window_seconds", ctx.connection->connected_window_ms() / 1000},
      {"signer_ready", signer.ready},
      {"signer_module_id", signer.module_id},
  };
}

void AddRuntimeRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/v1/runtime/attestation",
             [&ctx](const HttpRequest& r) { return Attestation(ctx, r); });
  router.Add("POST", "/v1/runtime/heartbeat",
             [&ctx](const HttpRequest& r) { return Heartbeat(ctx, r); });
  router.Add("GET", "/v1/runtime/connection", [&ctx](const HttpRequest&) {
    Json body = ConnectionJson(ctx, NowUnixMillis(), SignerReadiness(ctx));
    body["success"] = true;
    return JsonResponse(body);
  });
}

}  // namespace cryfttee::api
