// status, attestation, heartbeat, connection: read-only views of a running daemon, and the
// node's heartbeat.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "apps/cryftteectl/commands.h"
#include "apps/cryftteectl/daemon_connection.h"
#include "core/attestation_binding.h"
#include "core/clock.h"

namespace cryfttee::ctl {
namespace {

using Json = nlohmann::json;

std::string Str(const Json& j, const char* key) {
  if (!j.contains(key)) return "";
  const Json& v = j.at(key);
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

int Status_(CtlContext& ctx) {
  auto status = CallDaemon(ctx, "GET", "/v1/staking/status");
  if (!status.ok()) return ReportError(status.status());
  const Json& s = *status;
  if (ctx.json) {
    std::cout << s.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "cryfttee " << Str(s, "cryfttee_version") << ", up " << Str(s, "uptime_seconds")
            << " s\n";
  std::cout << "ready:        " << (s.value("ready", false) ? "yes" : "no");
  if (s.contains("reason") && !s.value("ready", false))
    std::cout << " (" << Str(s, "reason") << ")";
  std::cout << "\n";
  if (s.contains("modules")) {
    std::cout << "modules:      " << s["modules"].size() << "\n";
    for (const Json& m : s["modules"]) {
      std::cout << "  " << Str(m, "id") << " " << Str(m, "version")
                << (m.value("loaded", false) ? " loaded" : " not loaded") << "\n";
    }
  }
  if (s.contains("keys")) {
    for (const char* kind : {"bls", "tls"}) {
      const Json& k = s["keys"].value(kind, Json::object());
      std::cout << kind << " key:      "
                << (k.value("available", false) ? Str(k, "public_key") : std::string("none"))
                << "\n";
    }
  }
  if (s.contains("connection")) {
    std::cout << "node:         "
              << (s["connection"].value("connected", false) ? "connected" : "not connected")
              << "\n";
  }
  return kExitOk;
}

int Attestation(CtlContext& ctx, const std::string& expect_hash, const std::string& nonce) {
  std::string target = "/v1/runtime/attestation";
  if (!nonce.empty()) {
    // Nonces are printable ASCII without spaces (checked by the daemon); escape the few
    // characters that would break a query string.
    std::string escaped;
    for (char c : nonce) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
          c == '~') {
        escaped += c;
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        escaped += buf;
      }
    }
    target += "?nonce=" + escaped;
  }
  auto att = CallDaemon(ctx, "GET", target);
  if (!att.ok()) return ReportError(att.status());
  const Json& a = *att;

  if (!nonce.empty()) {
    AttestationFields f;
    f.core_binary_hash = Str(a, "core_binary_hash");
    f.binary_hash_source = Str(a, "binary_hash_source");
    f.manifest_hash = Str(a, "manifest_hash");
    if (a.contains("module_hashes") && a["module_hashes"].is_object()) {
      for (const auto& [id, h] : a["module_hashes"].items()) {
        f.module_hashes[id] = h.is_string() ? h.get<std::string>() : h.dump();
      }
    }
    f.cryfttee_version = Str(a, "cryfttee_version");
    f.timestamp = Str(a, "timestamp");
    f.nonce = nonce;
    if (Str(a, "nonce") != nonce || Str(a, "nonce_binding") != AttestationNonceBinding(f)) {
      std::cerr << "cryftteectl: attestation does not bind the nonce we sent\n";
      if (ctx.json) std::cout << a.dump(2) << "\n";
      return kExitAttestationMismatch;
    }
  }

  if (ctx.json) {
    std::cout << a.dump(2) << "\n";
  } else {
    std::cout << "core_binary_hash: " << Str(a, "core_binary_hash") << " ("
              << Str(a, "binary_hash_source") << ")\n";
    std::cout << "manifest_hash:    " << Str(a, "manifest_hash") << "\n";
    std::cout << "version:          " << Str(a, "cryfttee_version") << "\n";
    if (a.contains("module_hashes")) {
      for (const auto& [id, h] : a["module_hashes"].items()) {
        std::cout << "module " << id << ": " << h.get<std::string>() << "\n";
      }
    }
    if (!nonce.empty()) std::cout << "nonce binding:    verified\n";
  }
  if (Str(a, "binary_hash_source") == "self" && !ctx.json) {
    std::cerr << "warning: the daemon hashed itself (no launcher-verified hash)\n";
  }
  if (!expect_hash.empty() && Str(a, "core_binary_hash") != expect_hash) {
    std::cerr << "cryftteectl: binary hash mismatch: daemon reports " << Str(a, "core_binary_hash")
              << ", expected " << expect_hash << "\n";
    return kExitAttestationMismatch;
  }
  return kExitOk;
}

volatile std::sig_atomic_t g_stop_heartbeats = 0;
void StopHeartbeats(int) { g_stop_heartbeats = 1; }

// One heartbeat, or with --every a loop that survives daemon restarts: each beat is a fresh
// connection and a single attempt (the loop is the retry), and every beat reports its latency
// or its failure. SIGINT/SIGTERM end the loop after printing a summary. Exit 0 when the last
// beat was acknowledged, 1 otherwise.
int Heartbeat(CtlContext& ctx, const std::string& node_id, const std::string& version,
              double every_seconds, int64_t count) {
  client::ClientOptions options = ClientOptionsFor(ctx);
  if (every_seconds > 0) options.retry = client::RetryPolicy::None();
  client::CryftteeClient api(options);
  if (every_seconds > 0) {
    std::signal(SIGINT, StopHeartbeats);
    std::signal(SIGTERM, StopHeartbeats);
  }
  int64_t sent = 0, failures = 0, consecutive = 0, total_latency = 0, max_latency = 0;
  bool last_ok = false;
  while (!g_stop_heartbeats) {
    client::HeartbeatRequest req;
    req.node_id = node_id;
    req.cryftgo_version = version;
    int64_t start = MonotonicMillis();
    auto ack = api.Heartbeat(req);
    int64_t latency = ack.ok() ? ack->round_trip_ms : MonotonicMillis() - start;
    ++sent;
    last_ok = ack.ok();
    int64_t failed_before = consecutive;
    if (ack.ok()) {
      consecutive = 0;
      total_latency += latency;
      max_latency = std::max(max_latency, latency);
    } else {
      ++failures;
      ++consecutive;
    }
    if (ctx.json) {
      Json line = {{"ok", ack.ok()},
                   {"latency_ms", latency},
                   {"sent", sent},
                   {"failures", failures},
                   {"consecutive_failures", consecutive}};
      if (ack.ok()) {
        line["signer_ready"] = ack->signer_ready;
        line["cryfttee_version"] = ack->cryfttee_version;
        if (failed_before > 0) line["recovered_after"] = failed_before;
      } else {
        line["error"] = ack.status().code();
        line["message"] = ack.status().message();
      }
      std::cout << line.dump() << std::endl;
    } else if (ack.ok()) {
      if (failed_before > 0) {
        std::cout << "daemon is back after " << failed_before << " failed heartbeat(s)"
                  << std::endl;
      }
      std::cout << "heartbeat acknowledged in " << latency << " ms (signer "
                << (ack->signer_ready ? "ready" : "not ready") << ")" << std::endl;
    } else {
      std::cout << "heartbeat failed after " << latency << " ms: " << ack.status().code() << ": "
                << ack.status().message() << " (" << consecutive << " in a row)" << std::endl;
    }
    if (every_seconds <= 0 || (count > 0 && sent >= count)) break;
    int64_t until = MonotonicMillis() + static_cast<int64_t>(every_seconds * 1000);
    while (!g_stop_heartbeats && MonotonicMillis() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(
          std::min<int64_t>(50, std::max<int64_t>(1, until - MonotonicMillis()))));
    }
  }
  if (every_seconds > 0) {
    int64_t ok = sent - failures;
    if (ctx.json) {
      std::cout << Json{{"summary", true},
                        {"sent", sent},
                        {"failures", failures},
                        {"avg_latency_ms", ok > 0 ? total_latency / ok : 0},
                        {"max_latency_ms", max_latency}}
                       .dump()
                << std::endl;
    } else {
      std::cout << sent << " heartbeat(s), " << failures << " failed, latency avg "
                << (ok > 0 ? total_latency / ok : 0) << " ms, max " << max_latency << " ms"
                << std::endl;
    }
  }
  return last_ok ? kExitOk : kExitError;
}

int Connection(CtlContext& ctx) {
  auto conn = CallDaemon(ctx, "GET", "/v1/runtime/connection");
  if (!conn.ok()) return ReportError(conn.status());
  const Json& c = *conn;
  if (ctx.json) {
    std::cout << c.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "connected:      " << (c.value("connected", false) ? "yes" : "no") << "\n"
            << "transport:      " << Str(c, "transport") << " " << Str(c, "endpoint") << "\n"
            << "last heartbeat: " << Str(c, "last_heartbeat") << " (latency "
            << Str(c, "latency_ms") << " ms)\n"
            << "node:           " << Str(c, "cryftgo_node_id") << " " << Str(c, "cryftgo_version")
            << "\n"
            << "requests:       " << Str(c, "request_count") << " (errors " << Str(c, "error_count")
            << ")\n";
  if (!Str(c, "last_error").empty()) {
    std::cout << "last error:     " << Str(c, "last_error") << " at " << Str(c, "last_error_time")
              << "\n";
  }
  return kExitOk;
}

// "5s", "500ms", "2m" or a plain number of seconds.
bool ParseDuration(const std::string& text, double* seconds) {
  if (text.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  std::string unit(end);
  if (unit.empty() || unit == "s")
    *seconds = v;
  else if (unit == "ms")
    *seconds = v / 1000;
  else if (unit == "m")
    *seconds = v * 60;
  else
    return false;
  return *seconds > 0;
}

}  // namespace

void RegisterRuntimeCommands(CLI::App& app, CtlContext& ctx) {
  app.add_subcommand("status", "show the daemon's status (modules, keys, node connection)")
      ->callback([&ctx] { ctx.exit_code = Status_(ctx); });

  auto* att = app.add_subcommand("attestation", "show and check what code the daemon runs");
  auto expect = std::make_shared<std::string>();
  auto nonce = std::make_shared<std::string>();
  att->add_option("--expect-hash", *expect, "exit 3 unless core_binary_hash equals this");
  att->add_option("--nonce", *nonce, "bind a fresh nonce into the answer and verify it");
  att->callback([&ctx, expect, nonce] { ctx.exit_code = Attestation(ctx, *expect, *nonce); });

  auto* hb = app.add_subcommand("heartbeat", "send a heartbeat as the node does");
  auto node_id = std::make_shared<std::string>();
  auto version = std::make_shared<std::string>("cryftteectl");
  auto every = std::make_shared<std::string>();
  auto count = std::make_shared<int64_t>(0);
  hb->add_option("--node-id", *node_id, "node ID to report");
  hb->add_option("--cryftgo-version", *version, "node version to report");
  hb->add_option("--every", *every, "repeat at this interval (e.g. 5s) until interrupted");
  hb->add_option("--count", *count, "with --every: stop after this many heartbeats");
  hb->callback([&ctx, node_id, version, every, count] {
    double seconds = 0;
    if (!every->empty() && !ParseDuration(*every, &seconds)) {
      std::cerr << "cryftteectl: --every must be a duration like 5s, 500ms or 2m\n";
      ctx.exit_code = kExitUsage;
      return;
    }
    ctx.exit_code = Heartbeat(ctx, *node_id, *version, seconds, *count);
  });

  app.add_subcommand("connection", "show the node connection as the daemon sees it")
      ->callback([&ctx] { ctx.exit_code = Connection(ctx); });
}

}  // namespace cryfttee::ctl
