#include "runtime/web3signer_monitor.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace cryfttee::runtime {
namespace {

using nlohmann::json;

// One probe request: bounded, never retried (a retry would only delay the verdict).
Result<net::OutboundResponse> Probe(net::HttpClient& client, const char* path, const char* accept,
                                    std::chrono::milliseconds timeout) {
  net::OutboundRequest req;
  req.method = "GET";
  req.target = path;
  req.headers = {{"Accept", accept}};
  req.idempotent = false;
  req.total_timeout = timeout;
  return client.Send(req);
}

// "" when Web3Signer is healthy, else why not.
std::string CheckHealth(net::HttpClient& client, std::chrono::milliseconds timeout) {
  auto up = Probe(client, "/upcheck", "text/plain", timeout);
  if (!up.ok()) return "/upcheck: " + up.status().ToString();
  if (up->status != 200) return "/upcheck answered HTTP " + std::to_string(up->status);
  auto health = Probe(client, "/healthcheck", "application/json", timeout);
  if (!health.ok()) return "/healthcheck: " + health.status().ToString();
  json body = json::parse(health->body, nullptr, false);
  std::string status = body.is_object() && body.contains("status") && body["status"].is_string()
                           ? body["status"].get<std::string>()
                           : "";
  if (health->status != 200 || status != "UP") {
    return "/healthcheck answered HTTP " + std::to_string(health->status) + " status \"" + status +
           "\"";
  }
  return "";
}

// Web3Signer's key list, normalised; an error when it is not a JSON array of BLS keys.
Result<std::vector<std::string>> ListKeys(net::HttpClient& client,
                                          std::chrono::milliseconds timeout) {
  auto resp = Probe(client, "/api/v1/eth2/publicKeys", "application/json", timeout);
  if (!resp.ok()) return resp.status();
  json body = json::parse(resp->body, nullptr, false);
  if (resp->status != 200 || !body.is_array()) {
    return Status::Error(StatusCategory::kUpstream, "web3signer_bad_response",
                         "publicKeys answered HTTP " + std::to_string(resp->status));
  }
  std::vector<std::string> keys;
  for (const auto& k : body) {
    if (!k.is_string()) continue;
    std::string key = k.get<std::string>();
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key.rfind("0x", 0) != 0) key = "0x" + key;
    if (key.size() == 98) keys.push_back(key);
  }
  return keys;
}

}  // namespace

Web3SignerMonitor::Web3SignerMonitor(std::shared_ptr<net::HttpClient> client, Options options)
    : client_(std::move(client)), options_(options) {}

Web3SignerMonitor::~Web3SignerMonitor() { Stop(); }

void Web3SignerMonitor::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Web3SignerMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Web3SignerHealth Web3SignerMonitor::Health() const {
  MutexLock lock(&mu_);
  return health_;
}

void Web3SignerMonitor::RefreshKeys() {
  auto listed = ListKeys(*client_, options_.probe_timeout);
  if (!listed.ok()) return;  // the next probe decides about health
  MutexLock lock(&mu_);
  if (health_.connected) health_.public_keys = std::move(listed).value();
}

void Web3SignerMonitor::ProbeOnce() {
  std::string problem = CheckHealth(*client_, options_.probe_timeout);
  std::vector<std::string> keys;
  if (problem.empty()) {
    auto listed = ListKeys(*client_, options_.probe_timeout);
    if (listed.ok()) {
      keys = std::move(listed).value();
    } else {
      problem = "/api/v1/eth2/publicKeys: " + listed.status().ToString();
    }
  }
  bool now_connected = problem.empty();
  bool was = connected_.exchange(now_connected, std::memory_order_acq_rel);
  {
    MutexLock lock(&mu_);
    bool first = health_.checked_at_ms == 0;
    health_.connected = now_connected;
    health_.last_error = problem;
    health_.checked_at_ms = NowUnixMillis();
    health_.public_keys = std::move(keys);
    if (first || was != now_connected) {
      if (now_connected) {
        spdlog::info("Web3Signer {} is connected ({} keys)", client_->options().url,
                     health_.public_keys.size());
      } else {
        spdlog::warn("Web3Signer {} is not connected: {}", client_->options().url, problem);
      }
    }
  }
}

void Web3SignerMonitor::Run() {
  for (;;) {
    ProbeOnce();
    {
      std::unique_lock<std::mutex> lock(stop_mu_);
      if (wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) return;
    }
  }
}

}  // namespace cryfttee::runtime
