#include "api/web3signer_handlers.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace cryfttee::api {
namespace {

using Json = nlohmann::json;

// Web3Signer's own error shape: the status with its reason phrase as the body, no Content-Type.
HttpResponse ReasonPhrase(int status, const char* phrase) {
  HttpResponse r;
  r.status = status;
  r.content_type.clear();
  r.body = phrase;
  return r;
}

HttpResponse Relay(const net::OutboundResponse& upstream) {
  HttpResponse r;
  r.status = upstream.status;
  r.content_type = upstream.content_type;
  r.body = upstream.body;
  return r;
}

// The identifier travels into the upstream request line: letters and digits only (a key is hex
// with an optional 0x, in any case). Anything else cannot name a key.
bool PlausibleIdentifier(const std::string& id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The "type" of a sign body, for the log line only (never parsed further here: Web3Signer judges).
std::string TypeForLog(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("type") && j["type"].is_string()) {
    std::string t = j["type"].get<std::string>();
    return t.size() > 48 ? t.substr(0, 48) : t;
  }
  return "?";
}

HttpResponse Forward(const ApiContext& ctx, const HttpRequest& req, const std::string& target,
                     std::chrono::milliseconds timeout, bool is_sign) {
  runtime::Web3SignerMonitor* w3s = ctx.backends ? ctx.backends->web3signer() : nullptr;
  if (!w3s) return ReasonPhrase(404, "Not Found");
  net::OutboundRequest out;
  out.method = req.method;
  out.target = target;
  if (const std::string* accept = req.Header("accept")) out.headers.emplace_back("Accept", *accept);
  if (is_sign) {
    const std::string* type = req.Header("content-type");
    out.headers.emplace_back("Content-Type", type ? *type : "application/json");
    out.body = req.body;
    out.idempotent = false;  // a sign is never retried
    out.total_timeout = timeout;
  }
  int64_t started = MonotonicMillis();
  auto answer = w3s->client().Send(out);
  int64_t took = MonotonicMillis() - started;
  if (!answer.ok()) {
    spdlog::warn("web3signer face: {} {} failed after {} ms: {}", req.method, target, took,
                 answer.status().ToString());
    // Web3Signer answered something unusable: a bad gateway, not an unavailable one.
    const std::string& code = answer.status().code();
    if (code == "http_response_too_large" || code == "http_bad_response") {
      return ReasonPhrase(502, "Bad Gateway");
    }
    return ReasonPhrase(503, "Service Unavailable");
  }
  if (is_sign) {
    spdlog::info("web3signer face: sign {} type {} -> {} in {} ms",
                 req.path_params.at("identifier"), TypeForLog(req.body), answer->status, took);
  }
  return Relay(*answer);
}

}  // namespace

void AddWeb3SignerRoutes(Router& router, const ApiContext& ctx,
                         std::chrono::milliseconds sign_timeout) {
  router.Add("GET", "/api/v1/eth2/publicKeys", [&ctx](const HttpRequest& r) {
    return Forward(ctx, r, "/api/v1/eth2/publicKeys", {}, false);
  });
  router.Add("POST", "/api/v1/eth2/sign/{identifier}", [&ctx, sign_timeout](const HttpRequest& r) {
    const std::string& id = r.path_params.at("identifier");
    // No key has such an identifier (Web3Signer's 404); it is not sent upstream.
    if (!PlausibleIdentifier(id)) return ReasonPhrase(404, "Not Found");
    return Forward(ctx, r, "/api/v1/eth2/sign/" + id, sign_timeout, true);
  });
}

}  // namespace cryfttee::api
