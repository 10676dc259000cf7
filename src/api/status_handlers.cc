#include "api/status_handlers.h"

#include "api/module_call.h"
#include "api/responses.h"
#include "api/runtime_handlers.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "crypto/node_id.h"
#include "crypto/x509.h"

namespace cryfttee::api {
namespace {

using runtime::BackendKey;
using runtime::SignerView;

std::string Rfc3339OrEmpty(int64_t unix_ms) {
  return unix_ms > 0 ? FormatRfc3339Millis(unix_ms) : std::string();
}

// A TLS identity's certificate (PEM, as TLS registration answers it) and the NodeID AvalancheGo
// derives from it (crypto/node_id.h). Keys without a stored certificate get neither field.
void AddCertificate(Json& j, const BackendKey& key) {
  if (key.certificate_der.empty()) return;
  auto id = crypto::NodeIdFromCertificateDer(key.certificate_der);
  if (!id.ok()) return;
  j["certificate"] = crypto::CertificatePemFromDer(key.certificate_der);
  j["node_id"] = crypto::FormatNodeId(*id);
}

// "keys": {"bls": ..., "tls": ...} of the integration seed: the first key of each kind.
Json KeyJson(const std::vector<BackendKey>& keys) {
  if (keys.empty()) return {{"available", false}};
  const BackendKey& key = keys.front();
  Json j = {{"available", true},      {"public_key", key.public_key},
            {"backend", key.backend}, {"vault_copy", key.vault_copy},
            {"label", key.label},     {"created", Rfc3339OrEmpty(key.created_at * 1000)}};
  if (!key.key_handle.empty()) j["key_handle"] = key.key_handle;
  AddCertificate(j, key);
  return j;
}

Json PubkeyList(const std::vector<BackendKey>& keys) {
  Json list = Json::array();
  for (const BackendKey& k : keys) list.push_back(k.public_key);
  return list;
}

Json ModulesJson(const runtime::Snapshot& snapshot) {
  Json modules = Json::array();
  for (const runtime::ModuleRecord& m : snapshot.modules()) {
    Json entry = {{"id", m.entry.id},
                  {"version", m.entry.version},
                  {"loaded", m.loaded.ok},
                  {"enabled", m.trusted.ok && m.compatible.ok},
                  {"trusted", m.trusted.ok},
                  {"compatible", m.compatible.ok},
                  {"capabilities", m.entry.capabilities},
                  {"publisher_id", m.entry.publisher_id}};
    if (m.instance) {
      modules::ModuleHealth health = m.instance->health();
      entry["degraded"] = health.degraded;
      auto panel = FetchStatusPanel(m);
      if (panel.ok()) entry["status_panel"] = *panel;
    }
    modules.push_back(std::move(entry));
  }
  return modules;
}

HttpResponse Status(const ApiContext& ctx) {
  int64_t now = NowUnixMillis();
  SignerView view = ctx.backends ? ctx.backends->View() : SignerView{};
  if (!ctx.backends) view.reason = "no signer backends";
  // One view for the whole answer: "ready", the connection block and the key lists agree. While
  // a remote enclave is down its key lists are empty and "enclave" says why.
  SignerState signer{view.ready, view.module_id, view.module_version, view.reason};
  auto snapshot = ctx.registry ? ctx.registry->Current() : std::make_shared<runtime::Snapshot>();

  Json defaults = Json::object();
  for (const char* kind : {"bls", "tls"}) {
    std::string id = snapshot->DefaultFor(kind);
    if (!id.empty()) defaults[kind] = id;
  }
  Json capabilities = Json::array();
  if (view.ready) capabilities.push_back("bls_signing");
  if (view.tls_ready) capabilities.push_back("tls_signing");
  if (view.key_generation) capabilities.push_back("key_generation");

  Json web3signer = {{"configured", view.web3signer_configured},
                     {"connected", view.web3signer_connected},
                     {"url", view.web3signer_url}};
  if (!view.web3signer_error.empty()) web3signer["last_error"] = view.web3signer_error;

  Json body = {
      {"success", true},
      {"cryfttee_version", CRYFTTEE_VERSION},
      {"uptime_seconds", (MonotonicMillis() - ctx.started_monotonic_ms) / 1000},
      {"connection", ConnectionJson(ctx, now, signer)},
      {"enclave", EnclaveJson(view.keys)},
      {"modules", ModulesJson(*snapshot)},
      {"defaults", defaults},
      {"keys", {{"bls", KeyJson(view.bls_keys)}, {"tls", KeyJson(view.tls_keys)}}},
      {"ready", view.ready},
      {"bls_pubkeys", PubkeyList(view.bls_keys)},
      {"tls_pubkeys", PubkeyList(view.tls_keys)},
      {"bls_backend", view.bls_backend},
      {"capabilities", capabilities},
      {"module_version", view.module_version},
      {"signer_module_id", view.module_id},
      {"web3signer_url", view.web3signer_url},
      // True only while Web3Signer answers /upcheck and /healthcheck
      // (runtime/web3signer_monitor.h).
      {"web3signer_connected", view.web3signer_connected},
      {"web3signer", web3signer},
      {"rpcsigner", RpcSignerJson(ctx)},
      // Operator set, active share version, last session and outcome, fraud records.
      {"kms", ctx.kms_status ? ctx.kms_status() : Json{{"enabled", false}}},
  };
  if (!view.ready) body["reason"] = view.reason;
  return JsonResponse(body);
}

// Public data only: type, public key, the backend that holds it, label, signing statistics.
HttpResponse KeyList(const ApiContext& ctx) {
  Json list = Json::array();
  if (ctx.backends) {
    SignerView view = ctx.backends->View();
    for (const auto* keys : {&view.bls_keys, &view.tls_keys}) {
      for (const BackendKey& k : *keys) {
        Json entry = {
            {"key_type", k.key_type},     {"public_key", k.public_key},
            {"backend", k.backend},       {"vault_copy", k.vault_copy},
            {"label", k.label},           {"created", Rfc3339OrEmpty(k.created_at * 1000)},
            {"sign_count", k.sign_count}, {"last_sign", Rfc3339OrEmpty(k.last_sign_at_ms)}};
        entry["key_handle"] = k.key_handle;
        AddCertificate(entry, k);
        if (k.threshold) {
          entry["threshold"] = {
              {"t", k.threshold->t}, {"n", k.threshold->n}, {"version", k.threshold->version}};
        }
        list.push_back(std::move(entry));
      }
    }
  }
  return JsonResponse({{"success", true}, {"keys", list}});
}

}  // namespace

void AddStatusRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/v1/staking/status", [&ctx](const HttpRequest&) { return Status(ctx); });
  router.Add("GET", "/v1/staking/keys", [&ctx](const HttpRequest&) { return KeyList(ctx); });
}

}  // namespace cryfttee::api
