#include "api/status_handlers.h"

#include "api/module_call.h"
#include "api/responses.h"
#include "api/runtime_handlers.h"
#include "core/bytes.h"
#include "core/clock.h"

namespace cryfttee::api {
namespace {

Json KeyJson(const keys::KeyInfo* key) {
  if (!key) return {{"available", false}};
  return {{"available", true},
          {"public_key", "0x" + HexEncode(key->public_key)},
          {"key_handle", key->handle},
          {"label", key->label},
          {"created", FormatRfc3339Millis(key->created_at * 1000)}};
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
  SignerState signer = SignerReadiness(ctx);
  auto snapshot = ctx.registry ? ctx.registry->Current() : std::make_shared<runtime::Snapshot>();

  std::vector<keys::KeyInfo> all_keys;
  if (ctx.vault) all_keys = ctx.vault->List();
  const keys::KeyInfo* bls = nullptr;
  const keys::KeyInfo* tls = nullptr;
  Json bls_pubkeys = Json::array(), tls_pubkeys = Json::array();
  for (const keys::KeyInfo& k : all_keys) {  // oldest first: the first key is "the" key
    if (k.type == keys::KeyType::kBls) {
      if (!bls) bls = &k;
      bls_pubkeys.push_back("0x" + HexEncode(k.public_key));
    } else {
      if (!tls) tls = &k;
      tls_pubkeys.push_back("0x" + HexEncode(k.public_key));
    }
  }

  Json defaults = Json::object();
  for (const char* kind : {"bls", "tls"}) {
    std::string id = snapshot->DefaultFor(kind);
    if (!id.empty()) defaults[kind] = id;
  }
  Json capabilities = Json::array();
  bool tls_ready = ctx.registry && ctx.registry->Resolve("tls_sign").ok();
  bool keygen = ctx.registry && ctx.registry->Resolve("bls_register").ok();
  if (signer.ready) capabilities.push_back("bls_signing");
  if (tls_ready) capabilities.push_back("tls_signing");
  if (keygen) capabilities.push_back("key_generation");

  Json body = {
      {"success", true},
      {"cryfttee_version", CRYFTTEE_VERSION},
      {"uptime_seconds", (MonotonicMillis() - ctx.started_monotonic_ms) / 1000},
      {"connection", ConnectionJson(ctx, now)},
      {"modules", ModulesJson(*snapshot)},
      {"defaults", defaults},
      {"keys", {{"bls", KeyJson(bls)}, {"tls", KeyJson(tls)}}},
      {"ready", signer.ready},
      {"bls_pubkeys", bls_pubkeys},
      {"tls_pubkeys", tls_pubkeys},
      {"capabilities", capabilities},
      {"module_version", signer.module_version},
      {"signer_module_id", signer.module_id},
      {"web3signer_url", ctx.web3signer_url},
      // The embedded default signs locally; only a Web3Signer-backed module could set this.
      {"web3signer_connected", false},
      {"rpcsigner", RpcSignerJson(ctx)},
  };
  if (!signer.ready) body["reason"] = signer.reason;
  return JsonResponse(body);
}

// Public data only: handle, type, public key, label, creation and signing statistics.
HttpResponse KeyList(const ApiContext& ctx) {
  Json list = Json::array();
  if (ctx.vault) {
    for (const keys::KeyInfo& k : ctx.vault->List()) {
      list.push_back({{"key_handle", k.handle},
                      {"key_type", std::string(keys::KeyTypeName(k.type))},
                      {"public_key", "0x" + HexEncode(k.public_key)},
                      {"label", k.label},
                      {"created", FormatRfc3339Millis(k.created_at * 1000)},
                      {"sign_count", k.sign_count},
                      {"last_sign", k.last_sign_at ? FormatRfc3339Millis(*k.last_sign_at) : ""}});
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
