#include "apps/cryfttee/daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "api/api_context.h"
#include "api/browser_guard.h"
#include "api/caller_audit.h"
#include "api/health_handlers.h"
#include "api/http_server.h"
#include "api/kiosk.h"
#include "api/module_handlers.h"
#include "api/responses.h"
#include "api/router.h"
#include "api/runtime_handlers.h"
#include "api/staking_handlers.h"
#include "api/status_handlers.h"
#include "api/web3signer_handlers.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "core/log.h"
#include "keys/vault.h"
#include "kms/operator_mode.h"
#include "modules/host_functions_base.h"
#include "modules/host_functions_http.h"
#include "modules/host_functions_keyvault.h"
#include "net/http_client.h"
#include "ops/audit_log.h"
#include "ops/metrics.h"
#include "ops/systemd.h"
#include "rpcsigner/signer_server.h"
#include "runtime/attestation.h"
#include "runtime/connection_tracker.h"
#include "runtime/module_registry.h"
#include "runtime/signer_backends.h"
#include "runtime/web3signer_monitor.h"
#include "tee/in_process_client.h"
#include "tee/remote_client.h"

namespace cryfttee::app {
namespace {

std::string EnvOr(const std::map<std::string, std::string>& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

// Counts every API request for the connection view; failures (4xx/5xx) are errors.
// Any local user can open connections to the kiosk's TCP port: it gets a small budget of its own
// and a short idle timeout, so a flood there never reaches the API's connections.
api::ListenerLimits KioskLimits() {
  api::ListenerLimits limits;
  limits.max_connections = 64;
  limits.idle_timeout = std::chrono::seconds(15);
  // Its own thread: a busy kiosk (any local user can reach its port) never queues ahead of the
  // node's requests on the API's loops.
  limits.side_loop = true;
  return limits;
}

api::RequestObserver ConnectionObserver(runtime::ConnectionTracker* tracker) {
  return [tracker](const api::HttpRequest& req, const api::HttpResponse& resp) {
    int64_t now = NowUnixMillis();
    tracker->RecordRequest(now);
    if (resp.status >= 400) {
      auto parsed = api::Json::parse(resp.body, nullptr, false);
      std::string msg =
          parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
              ? parsed["error"].get<std::string>()
              : "HTTP " + std::to_string(resp.status);
      tracker->RecordError(req.method + " " + req.path + ": " + msg, now);
    }
  };
}

// The one tee::Client of this process: the enclave named by enclave_addr (this process then
// never holds a private key), else a vault opened here. Null after logging why not.
std::shared_ptr<tee::Client> OpenKeys(const Config& config) {
  if (!config.enclave_addr.empty()) {
    tee::RemoteOptions options;
    options.address = *tee::ParseAddress(config.enclave_addr);  // validated with the config
    auto remote = std::make_shared<tee::RemoteClient>(options);
    auto info = remote->Hello();
    if (info.ok()) {
      spdlog::info("keys: enclave at {} ({} keys, sealed with the {}, quotes: {})",
                   config.enclave_addr, info->key_count, info->seal_source, info->quote_provider);
    } else {
      // Not fatal: key routes answer 503 enclave_unavailable until it is up.
      spdlog::warn("keys: enclave at {} is not answering yet: {}", config.enclave_addr,
                   info.status().message());
    }
    return remote;
  }
  keys::VaultOptions vault_options;
  vault_options.data_dir = config.data_dir;
  vault_options.seal.password_file = config.seal_password_file;
  auto vault_or = keys::KeyVault::Open(vault_options);
  if (!vault_or.ok()) {
    spdlog::critical("key vault in {}: {}", config.data_dir, vault_or.status().message());
    return nullptr;
  }
  std::shared_ptr<keys::KeyVault> vault = std::move(vault_or).value();
  for (const auto& problem : vault->load_problems()) {
    spdlog::warn("key vault: {}: {} ({})", problem.file, problem.message, problem.code);
  }
  spdlog::info("key vault: {} keys, sealed with the {}", vault->List().size(),
               keys::SealSourceName(vault->seal_source()));
  auto quotes = tee::MakeQuoteProvider(config.quote_provider);
  if (!quotes.ok()) {
    spdlog::critical("{}", quotes.status().message());
    return nullptr;
  }
  return tee::MakeInProcessClient(std::move(vault), std::move(quotes).value());
}

kms::OperatorModeOptions KmsOptions(const Config& config) {
  kms::OperatorModeOptions o;
  o.data_dir = config.data_dir;
  o.seal.password_file = config.seal_password_file;
  o.operator_id = config.kms_operator_id;
  o.peering_file = config.kms_peering_file;
  o.interval = std::chrono::milliseconds(config.kms_interval_ms);
  o.threshold_numerator = config.kms_threshold_numerator;
  o.threshold_denominator = config.kms_threshold_denominator;
  o.scheme = config.kms_scheme == "feldman" ? kms::VssScheme::kFeldman : kms::VssScheme::kPedersen;
  o.test_misbehaviour = config.kms_test_misbehaviour;  // allowed by ValidateConfig
  return o;
}

// Peers are other daemons: a generous budget, and idle connections close sooner than the API's.
// Whoever reaches the port can open connections and send nothing, so a full listener makes room
// by closing its longest-idle connection, as the API does: else such a flood keeps every peer's
// partial-signature request out.
api::ListenerLimits KmsLimits() {
  api::ListenerLimits limits;
  limits.max_connections = 256;
  limits.idle_timeout = std::chrono::seconds(30);
  limits.evict_idle_when_full = true;
  return limits;
}

bool RpcSignerEnabled(const Config& config) {
  return !config.rpcsigner_addr.empty() && config.rpcsigner_addr != "off";
}

rpcsigner::ServerOptions RpcSignerOptions(const Config& config) {
  rpcsigner::ServerOptions o;
  o.addr = config.rpcsigner_addr;
  o.tls_cert = config.rpcsigner_tls_cert;
  o.tls_key = config.rpcsigner_tls_key;
  o.tls_client_ca = config.rpcsigner_tls_client_ca;
  // As many module-calling threads as the HTTP API has workers: the same CPU bound per door.
  o.threads = config.worker_threads > 0 ? static_cast<size_t>(config.worker_threads)
                                        : std::max(1u, std::thread::hardware_concurrency());
  return o;
}

// gRPC calls count in the same connection view as API requests (failures are errors there too)
// and feed the same signing metrics as POST /v1/staking/bls/sign: the latency of each signature
// under the module that produced it, and Web3Signer's malformed-request counter for a refused one.
// Each Sign* call is audited like POST /v1/staking/bls/sign, its route the gRPC method's name.
rpcsigner::CallObserver RpcSignerObserver(runtime::ConnectionTracker* tracker,
                                          ops::Metrics* metrics, ops::AuditLog* audit,
                                          std::string key_handle) {
  return [tracker, metrics, audit, key_handle](const rpcsigner::CallRecord& record) {
    int64_t now = NowUnixMillis();
    tracker->RecordRequest(now);
    if (!record.status.ok()) {
      tracker->RecordError("gRPC " + record.method + ": " + record.status.code(), now);
    }
    if (record.method == "PublicKey") return;
    if (audit) {
      ops::AuditRecord line;
      line.time_unix_ms = now;
      line.caller.kind = ops::AuditCaller::Kind::kTcp;
      line.caller.address = record.peer;
      line.caller.subject = record.subject;
      line.route = "signer.Signer/" + record.method;
      line.module = record.module_id;
      line.key_handle = key_handle;
      line.key_type = "bls";
      line.message_sha256 = record.message_sha256;
      line.outcome = record.status.ok() ? "ok" : record.status.code();
      line.latency_ms = static_cast<double>(record.duration_us) / 1000.0;
      audit->Write(line);
    }
    if (record.status.ok()) {
      metrics->ObserveSigning("bls", record.module_id,
                              static_cast<double>(record.duration_us) / 1e6);
    } else if (record.status.category() == StatusCategory::kInvalidArgument) {
      metrics->ObserveMalformedBlsRequest();
    }
  };
}

// Times every API request and feeds the metrics: requests by route pattern and status, and for
// the two signing routes the latency of each signature produced (the module that produced it is
// in the answer) or, for a refused BLS request, Web3Signer's malformed counter.
api::Middleware MetricsMiddleware(const api::Router* router, ops::Metrics* metrics) {
  return [router, metrics](const api::HttpRequest& req, const api::Handler& next) {
    auto start = std::chrono::steady_clock::now();
    api::HttpResponse resp = next(req);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string route = router->PatternOf(req.path);
    metrics->ObserveRequest(route, resp.status);
    // The kiosk's heartbeat timeline: a heartbeat the tracker accepted.
    if (route == "/v1/runtime/heartbeat" && resp.status == 200) {
      metrics->history().RecordHeartbeat(NowUnixMillis());
    }
    const char* key_type = route == "/v1/staking/bls/sign"   ? "bls"
                           : route == "/v1/staking/tls/sign" ? "tls"
                                                             : nullptr;
    if (key_type && resp.status == 200) {
      auto body = api::Json::parse(resp.body, nullptr, false);
      std::string module = body.is_object() ? body.value("module_id", "unknown") : "unknown";
      metrics->ObserveSigning(key_type, module, seconds);
    } else if (key_type && std::string(key_type) == "bls" && resp.status == 400) {
      metrics->ObserveMalformedBlsRequest();
    }
    return resp;
  };
}

// Gauges read at scrape time: keys by type (from the one signer view: Web3Signer's or the
// vault's, in process or in the enclave), modules loaded, the node's heartbeat age.
ops::LiveSource LiveGauges(const runtime::SignerBackends* backends,
                           runtime::ModuleRegistry* registry, runtime::ConnectionTracker* tracker) {
  return [backends, registry, tracker] {
    std::vector<ops::LiveValue> out;
    runtime::SignerView view = backends->View();
    std::map<std::string, int> by_type = {{"bls", static_cast<int>(view.bls_keys.size())},
                                          {"tls", static_cast<int>(view.tls_keys.size())}};
    int total = 0;
    for (const auto& [type, n] : by_type) {
      out.push_back({"cryfttee_keys_loaded",
                     "Keys available for signing by type",
                     {{"key_type", type}},
                     static_cast<double>(n)});
      total += n;
    }
    out.push_back({"signing_signers_loaded_count",
                   "Keys available for signing (Web3Signer's name)",
                   {},
                   static_cast<double>(total)});
    int loaded = 0;
    auto snapshot = registry->Current();
    if (snapshot) {
      for (const auto& record : snapshot->modules()) loaded += record.loaded.ok ? 1 : 0;
    }
    out.push_back(
        {"cryfttee_modules_loaded", "WASM modules loaded", {}, static_cast<double>(loaded)});
    auto conn = tracker->Snapshot(NowUnixMillis());
    // -1 until the node's first heartbeat: "never" must not read as "just now".
    double age = conn.last_heartbeat_ms == 0
                     ? -1
                     : static_cast<double>(NowUnixMillis() - conn.last_heartbeat_ms) / 1000.0;
    out.push_back({"cryfttee_heartbeat_age_seconds",
                   "Seconds since the node's last heartbeat (-1 = none yet)",
                   {},
                   age});
    return out;
  };
}

}  // namespace

int RunDaemon(const Config& config, const std::map<std::string, std::string>& env) {
  // Socket activation (cryfttee.socket): read before any thread starts, as sd_listen_fds wants.
  const std::vector<int> passed_sockets = ops::TakePassedSockets();
  if (passed_sockets.size() > 1) {
    spdlog::critical("systemd passed {} sockets; cryfttee serves exactly one (the API socket)",
                     passed_sockets.size());
    return 1;
  }
  if (!passed_sockets.empty() && config.api_transport != "uds") {
    spdlog::critical(
        "systemd passed a socket but api_transport is {}: socket activation serves "
        "the Unix API socket only",
        config.api_transport);
    return 1;
  }

  SetupLogging(*ParseLogFormat(config.log_format), config.log_level);
  spdlog::info("cryfttee {} starting", CRYFTTEE_VERSION);

  // The self-hash runs beside the rest of the start (it reads the whole executable); only
  // attestation waits for it.
  auto binary = runtime::BinaryIdentityTask::Start(
      EnvOr(env, "CRYFTTEE_VERIFIED_BINARY_HASH"), [](const Result<runtime::BinaryIdentity>& self) {
        if (!self.ok()) {
          spdlog::error("cannot hash the running executable: {} (attestation will fail)",
                        self.status().message());
          return;
        }
        spdlog::warn(
            "CRYFTTEE_VERIFIED_BINARY_HASH is not set: attestation reports a self-computed "
            "binary hash ({}); a launcher should hash the binary before starting it",
            self->hash);
      });
  if (!binary.ok()) {
    spdlog::critical("{}", binary.status().message());
    return 1;
  }

  // A wrong gRPC signer address or TLS setup stops the daemon before anything is opened.
  if (RpcSignerEnabled(config)) {
    auto valid = rpcsigner::ValidateServerOptions(RpcSignerOptions(config));
    if (!valid.ok()) {
      spdlog::critical("{}", valid.status().message());
      return 1;
    }
  }

  std::string endpoint = config.api_transport == "uds" ? config.uds_path : config.http_addr;
  runtime::ConnectionTracker tracker(config.api_transport, endpoint,
                                     config.connected_window_seconds * 1000);

  std::shared_ptr<tee::Client> keys = OpenKeys(config);
  if (!keys) return 1;
  // KMS operator mode: its group key joins the key path here, so everything built from `keys`
  // below (host functions, signer backends, the gRPC signer) sees it like any other BLS key.
  std::unique_ptr<kms::OperatorMode> kms_mode;
  if (config.KmsEnabled()) {
    auto opened = kms::OperatorMode::Open(KmsOptions(config), keys);
    if (!opened.ok()) {
      spdlog::critical("kms operator mode: {}", opened.status().message());
      return 1;
    }
    kms_mode = std::move(opened).value();
    keys = kms_mode->keys();
  }
  std::optional<keys::KeyInfo> served_key;
  if (RpcSignerEnabled(config)) {
    auto key = rpcsigner::ResolveServedKey(*keys, config.rpcsigner_key);
    if (!key.ok()) {
      spdlog::critical("gRPC signer: {}", key.status().message());
      return 1;
    }
    served_key = std::move(*key);
  }

  // The one outbound client: Web3Signer's origin, used by the "http" host function, the
  // readiness monitor and the Web3Signer face.
  std::shared_ptr<net::HttpClient> web3signer_client;
  std::shared_ptr<runtime::Web3SignerMonitor> web3signer;
  if (!config.web3signer_url.empty()) {
    net::HttpClientOptions client_options;
    client_options.url = config.web3signer_url;
    client_options.ca_file = config.web3signer_ca_file;
    client_options.total_timeout = std::chrono::milliseconds(config.web3signer_timeout_ms);
    // Web3Signer's answers are small; a key list of ~5,000 keys fits.
    client_options.max_response_bytes = 512 * 1024;
    auto client = net::HttpClient::Create(client_options);
    if (!client.ok()) {
      spdlog::critical("web3signer_url / web3signer_ca_file: {}", client.status().message());
      return 1;
    }
    web3signer_client = std::move(client).value();
    web3signer = std::make_shared<runtime::Web3SignerMonitor>(
        web3signer_client, runtime::Web3SignerMonitor::Options{});
    spdlog::info("Web3Signer: {} (only this origin is reachable; sealed vault copies {})",
                 web3signer_client->origin().ToString(), config.web3signer_vault_copy);
  }

  runtime::RegistryConfig registry_config;
  registry_config.module_dir = config.module_dir;
  registry_config.manifest_path = config.manifest_path;
  registry_config.trust_path = config.trust_config;
  // A request body reaches the module verbatim, so the module's request cap must admit the
  // largest body the API accepts (plus room for the fields a door adds around a message).
  registry_config.limits.max_request_bytes =
      std::max<uint32_t>(registry_config.limits.max_request_bytes,
                         static_cast<uint32_t>(config.max_body_bytes) + (64u << 10));
  if (!config.default_bls_module.empty()) {
    registry_config.default_overrides["bls"] = config.default_bls_module;
  }
  modules::HttpHostOptions http_options;
  http_options.keep_vault_copy = config.web3signer_vault_copy == "on";
  registry_config.host_functions = [keys, web3signer_client, http_options] {
    std::vector<modules::HostFunction> all = modules::BaseHostFunctions();
    for (auto& f : modules::KeyVaultHostFunctions(keys)) all.push_back(std::move(f));
    for (auto& f : modules::HttpHostFunctions(web3signer_client, keys, http_options)) {
      all.push_back(std::move(f));
    }
    return all;
  };
  runtime::ModuleRegistry registry(registry_config);
  auto loaded = registry.Reload();
  if (!loaded.ok()) {
    // The API still comes up (attestation, status) and reports that no signer is ready; an
    // operator fixes the manifest and calls /v1/admin/reload-modules.
    spdlog::error("modules not loaded: {}", loaded.status().message());
  } else {
    for (const auto& record : registry.Current()->modules()) {
      if (record.loaded.ok) {
        spdlog::info("module {} {} loaded ({})", record.entry.id, record.entry.version,
                     record.entry.hash);
      } else {
        std::string why;
        for (const auto* v : {&record.trusted, &record.compatible, &record.loaded}) {
          for (const auto& r : v->reasons) why += (why.empty() ? "" : "; ") + r.message;
        }
        spdlog::warn("module {} not loaded: {}", record.entry.id, why);
      }
    }
  }

  if (!config.default_bls_module.empty() && !registry.Current()->Find(config.default_bls_module)) {
    spdlog::error("default_bls_module \"{}\" ({}) is not in the manifest: BLS requests will fail",
                  config.default_bls_module, config.sources.at("default_bls_module"));
  }
  if (web3signer) web3signer->Start();
  runtime::SignerBackends backends(&registry, keys, web3signer);

  api::ApiContext ctx;
  ctx.registry = &registry;
  ctx.keys = keys;
  ctx.backends = &backends;
  ctx.connection = &tracker;
  ctx.binary = std::move(*binary);
  ctx.started_monotonic_ms = MonotonicMillis();

  // The audit trail (docs/operations.md): opened before the API serves, so no request goes
  // unrecorded; a file that cannot be opened stops the daemon rather than sign unaudited.
  std::unique_ptr<ops::AuditLog> audit;
  if (config.audit_log != "off") {
    ops::AuditLogOptions audit_options;
    audit_options.path = config.audit_log;
    audit_options.max_bytes = static_cast<uint64_t>(config.audit_log_max_bytes);
    audit_options.keep = static_cast<int>(config.audit_log_keep);
    audit_options.fsync = *ops::ParseFsyncPolicy(config.audit_log_fsync);  // validated
    auto opened = ops::AuditLog::Open(audit_options);
    if (!opened.ok()) {
      spdlog::critical("{}", opened.status().message());
      return 1;
    }
    audit = std::move(*opened);
    spdlog::info("audit log: {} (fsync {})", config.audit_log, config.audit_log_fsync);
  }
  auto allowed = api::ParseCallerAllowList(config.allowed_uids, config.allowed_gids);
  if (!allowed.ok()) {
    spdlog::critical("{}", allowed.status().message());
    return 1;
  }

  ops::Metrics metrics(CRYFTTEE_VERSION);
  ops::LiveSource gauges = LiveGauges(&backends, &registry, &tracker);
  if (kms_mode) {
    gauges = [gauges, mode = kms_mode.get()] {
      std::vector<ops::LiveValue> out = gauges();
      for (auto& v : mode->LiveValues()) out.push_back(std::move(v));
      return out;
    };
    ctx.kms_status = [mode = kms_mode.get()] { return mode->StatusJson(); };
  }
  metrics.SetLiveSource(gauges);

  api::Router api_router;
  api::AddHealthRoutes(api_router, ctx);
  api::AddRuntimeRoutes(api_router, ctx);
  api::AddStatusRoutes(api_router, ctx);
  api::AddStakingRoutes(api_router, ctx);
  api::AddPanelRoutes(api_router, ctx);
  api::AddModuleRoutes(api_router, ctx);
  api::AddWeb3SignerRoutes(api_router, ctx,
                           std::chrono::milliseconds(config.web3signer_timeout_ms));
  if (kms_mode) kms::AddOperatorApiRoutes(api_router, kms_mode.get());
  // Without a metrics listener nobody can scrape: nothing is recorded.
  api::Middleware observe;
  if (!config.metrics_addr.empty()) observe = MetricsMiddleware(&api_router, &metrics);
  if (audit) observe = api::AuditMiddleware(&api_router, audit.get(), std::move(observe));
  if (observe) api_router.SetMiddleware(std::move(observe));

  api::ServerOptions options;
  options.body_limit = static_cast<size_t>(config.max_body_bytes);
  options.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  options.threads = static_cast<int>(config.worker_threads);
  // A request waiting on Web3Signer when the grace period ends is abandoned, not waited for.
  options.on_grace_expired = [web3signer_client] {
    if (web3signer_client) web3signer_client->Stop();
  };
  // systemd (Type=notify): READY=1 once the loop serves every listener, STOPPING=1 when the
  // shutdown begins, WATCHDOG=1 from the loop itself. No-ops outside systemd.
  options.on_serving = [] { ops::NotifyReady("serving"); };
  options.on_stopping = [] { ops::NotifyStopping(); };
  options.tick_interval = ops::WatchdogPingInterval();
  options.on_tick = [] { ops::NotifyWatchdog(); };
  api::HttpServer server(options);

  api::ListenerSpec api_spec{"api", &api_router, ConnectionObserver(&tracker), {}, {}};
  // The node must always be able to connect: a full API listener closes its longest-idle
  // connection rather than refusing a new one.
  api_spec.limits.evict_idle_when_full = true;
  // On TCP a web page can reach the API: Host, Origin and Content-Type are checked first.
  std::shared_ptr<api::ApiBrowserGuard> browser_guard;
  if (config.api_transport != "uds") {
    browser_guard = std::make_shared<api::ApiBrowserGuard>(config.http_addr);
    api_spec.filter = [browser_guard](const api::HttpRequest& r) {
      return browser_guard->Check(r);
    };
  }
  // On the Unix socket only the allow-listed callers (--allowed-uids/--allowed-gids); every
  // refusal, the browser guard's included, is audited.
  if (!allowed->empty() || audit) {
    api_spec.filter =
        api::CallerFilter(*allowed, std::move(api_spec.filter), &api_router, audit.get());
  }
  if (!allowed->empty()) {
    spdlog::info("API callers allowed: uids [{}] gids [{}]", config.allowed_uids,
                 config.allowed_gids);
  }
  Status listening;
  if (!passed_sockets.empty()) {
    // The socket unit created, bound and owns the socket file: serve on it, never re-create it.
    listening = server.AdoptUnix(passed_sockets[0], api_spec, &endpoint);
    tracker.SetEndpoint(endpoint);
    spdlog::info("API socket passed by systemd (socket activation): {}", endpoint);
  } else if (config.api_transport == "uds") {
    listening = server.ListenUnix(config.uds_path, api_spec);
  } else if (config.api_transport == "http") {
    listening = server.ListenTcp(config.http_addr, api_spec);
  } else {
    listening = server.ListenTls(
        config.http_addr, api::TlsFiles{config.tls_cert, config.tls_key, config.tls_client_ca},
        api_spec);
  }
  if (!listening.ok()) {
    spdlog::critical("{}", listening.message());
    return 1;
  }
  if (config.api_transport != "uds") {
    // Report the port actually bound (the configured one may be 0 = any free port).
    endpoint = endpoint.substr(0, endpoint.rfind(':') + 1) + std::to_string(server.LastBoundPort());
    tracker.SetEndpoint(endpoint);
    browser_guard->SetPort(server.LastBoundPort());
  }
  spdlog::info("API listening: transport={} endpoint={}", config.api_transport, endpoint);
  spdlog::info("data directory: {}", config.data_dir);

  std::unique_ptr<api::Kiosk> kiosk;
  if (config.kiosk_addr != "off") {
    auto created = api::Kiosk::Create(
        {config.ui_dir, config.kiosk_addr, config.kiosk_hosts, &metrics.history()}, &api_router);
    if (!created.ok()) {
      spdlog::critical("kiosk: {}", created.status().message());
      return 1;
    }
    kiosk = std::move(*created);
    Status bound = server.ListenTcp(
        config.kiosk_addr, api::ListenerSpec{"kiosk", &kiosk->router(), {}, KioskLimits(), {}});
    if (!bound.ok()) {
      if (config.IsExplicit("kiosk_addr")) {
        spdlog::critical("kiosk: {}", bound.message());
        return 1;
      }
      spdlog::warn("kiosk UI disabled: {} (set --kiosk-addr to choose another address)",
                   bound.message());
    } else {
      kiosk->SetBoundPort(server.LastBoundPort());
      std::string addr = config.kiosk_addr.substr(0, config.kiosk_addr.rfind(':') + 1) +
                         std::to_string(server.LastBoundPort());
      spdlog::info("kiosk UI: http://{}/ (files from {})", addr, config.ui_dir);
      if (!kiosk->static_files().available()) {
        spdlog::warn(
            "kiosk UI directory {} does not exist: the page will answer 404 (set --ui-dir)",
            config.ui_dir);
      }
    }
  }

  // The metrics listener (loopback, never the signing socket): GET /metrics, and the same
  // /healthz and /readyz as the API socket, for probes that cannot open a Unix socket.
  api::Router metrics_router;
  if (!config.metrics_addr.empty()) {
    metrics_router.Add("GET", "/metrics", [&metrics](const api::HttpRequest&) {
      api::HttpResponse resp;
      resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
      resp.body = metrics.RenderText();
      return resp;
    });
    api::AddHealthRoutes(metrics_router, ctx);
    Status bound = server.ListenTcp(
        config.metrics_addr,
        api::ListenerSpec{
            "metrics", &metrics_router, {}, KioskLimits() /* small, like the kiosk */, {}});
    if (!bound.ok() && config.IsExplicit("metrics_addr")) {
      spdlog::critical("metrics listener on {}: {}", config.metrics_addr, bound.message());
      return 1;
    }
    // Like the kiosk: a busy default port must not keep the node's signer from starting.
    if (!bound.ok()) {
      spdlog::warn(
          "metrics disabled: metrics listener on {}: {} (set --metrics-addr to choose "
          "another address)",
          config.metrics_addr, bound.message());
    } else {
      spdlog::info("metrics listening: http://{}{}/metrics",
                   config.metrics_addr.substr(0, config.metrics_addr.rfind(':') + 1),
                   server.LastBoundPort());
    }
  }

  if (kms_mode) {
    Status bound = server.ListenTcp(
        config.kms_listen_addr, api::ListenerSpec{"kms", &kms_mode->router(), {}, KmsLimits(), {}});
    if (!bound.ok()) {
      spdlog::critical("kms_listen_addr: {}", bound.message());
      return 1;
    }
    std::string url = config.kms_advertise_url;
    if (url.empty()) {
      url = "http://" + config.kms_listen_addr.substr(0, config.kms_listen_addr.rfind(':') + 1) +
            std::to_string(server.LastBoundPort());
    }
    kms_mode->SetAdvertisedAddress(url);
    spdlog::info("kms protocol API listening: {} (operator {})", url, kms_mode->operator_id());
    kms_mode->Start();
  }

  std::unique_ptr<rpcsigner::SignerServer> rpc;
  if (served_key) {
    auto started = rpcsigner::SignerServer::Start(
        RpcSignerOptions(config),
        std::make_unique<rpcsigner::SignerBackend>(&registry, *served_key),
        RpcSignerObserver(&tracker, &metrics, audit.get(), served_key->handle));
    if (!started.ok()) {
      spdlog::critical("gRPC signer: {}", started.status().message());
      return 1;
    }
    rpc = std::move(*started);
    ctx.rpcsigner_status = [server = rpc.get()] { return server->StatusJson(); };
    spdlog::info("gRPC signer (signer.Signer) listening: {}{}; serving key {} (0x{})",
                 rpc->endpoint(), rpc->tls() ? " with TLS" : "", served_key->handle,
                 HexEncode(served_key->public_key));
  }

  server.Run(/*handle_signals=*/true, std::chrono::seconds(config.shutdown_grace_seconds));
  if (rpc) {
    rpc->Shutdown(std::chrono::seconds(config.shutdown_grace_seconds));
  }
  if (kms_mode) kms_mode->Stop();
  if (web3signer_client) web3signer_client->Stop();  // a probe in flight ends now
  if (web3signer) web3signer->Stop();
  spdlog::info("cryfttee stopped");
  return 0;
}

}  // namespace cryfttee::app
