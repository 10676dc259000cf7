#include "kms/protocol_api.h"

#include <openssl/crypto.h>

#include <sstream>

#include "api/responses.h"
#include "kms/authenticated_message.h"

namespace cryfttee::kms {
namespace {

using api::HttpRequest;
using api::HttpResponse;
using api::Json;

// The largest appID accepted by /app/sign: an application identifier, not a document.
constexpr size_t kMaxAppIdBytes = 1024;

constexpr std::string_view kMessageRoutes[] = {
    kRouteDkgCommitment, kRouteDkgShare,   kRouteDkgAck,          kRouteReshareCommitment,
    kRouteReshareShare,  kRouteReshareAck, kRouteReshareComplete,
};

HttpResponse Counted(ProtocolCounters* counters, const std::string& route, HttpResponse resp) {
  if (counters) {
    std::string outcome = "ok";
    if (resp.status >= 400) {
      auto body = Json::parse(resp.body, nullptr, false);
      outcome = body.is_object() ? body.value("code", "error") : "error";
    }
    counters->Count(route, outcome);
  }
  return resp;
}

// An oversized message is refused before it is parsed (the server's own cap may be higher).
std::optional<HttpResponse> TooLarge(const HttpRequest& req) {
  if (req.body.size() <= kMaxMessageBytes) return std::nullopt;
  return api::ErrorResponse(
      413, "message_too_large",
      "a protocol message is at most " + std::to_string(kMaxMessageBytes) + " bytes");
}

HttpResponse ReceiveMessage(Engine* node, std::string_view route, const HttpRequest& req) {
  if (auto refused = TooLarge(req)) return *refused;
  Status s = node->Receive(route, req.body);
  if (!s.ok()) return api::ErrorResponse(s);
  return api::JsonResponse({{"success", true}});
}

HttpResponse ReceiveCall(Engine* node, const HttpRequest& req) {
  if (auto refused = TooLarge(req)) return *refused;
  auto answer = node->ReceiveCall(kRouteNodePartial, req.body);
  if (!answer.ok()) return api::ErrorResponse(answer.status());
  HttpResponse resp;
  resp.body = std::move(answer).value();
  return resp;
}

HttpResponse AppSign(Engine* node, const HttpRequest& req) {
  auto parsed = api::ParseJsonObject(req.body);
  if (!parsed.ok()) return api::ErrorResponse(parsed.status());
  JsonFields fields(*parsed, "");
  if (Status s = fields.RejectUnknownFields({"appID", "attestationTime"}); !s.ok()) {
    return api::ErrorResponse(s);
  }
  std::string app_id = fields.RequiredStr("appID");
  std::optional<uint64_t> at;
  if (fields.Has("attestationTime")) {
    int64_t t = fields.Int("attestationTime");
    if (fields.status().ok() && t < 0) {
      fields.Fail(fields.Error("attestationTime", "must be a non-negative Unix time in seconds"));
    }
    at = static_cast<uint64_t>(t);
  }
  if (!fields.status().ok()) return api::ErrorResponse(fields.status());
  if (Status s = api::CheckFieldLength("appID", app_id, kMaxAppIdBytes); !s.ok()) {
    return api::ErrorResponse(s);
  }
  auto answer = node->AppSign(app_id, at);
  if (!answer.ok()) return api::ErrorResponse(answer.status());
  return api::JsonResponse(*answer);
}

// Engine JSON answers (Pubkey, EvidenceJson): an engine that cannot answer (its enclave is down)
// returns {"error": code, "message"} instead, which is a 503 here, never a 200.
HttpResponse EngineJson(Json body) {
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    return api::ErrorResponse(Status::Unavailable(body["error"].get<std::string>(),
                                                  body.value("message", "engine unavailable")));
  }
  return api::JsonResponse(body);
}

HttpResponse Health(const Engine* node) {
  // GroupKey() cannot tell "no share" from "no enclave", so ask a question that can: a health
  // probe must not say ok while every other route answers 503.
  Json pubkey = node->Pubkey();
  if (pubkey.is_object() && pubkey.contains("error")) return EngineJson(std::move(pubkey));
  auto key = node->GroupKey();
  Json body = {{"success", true}, {"status", "ok"}, {"has_share", key.has_value()}};
  if (key) body["version"] = key->version;
  return api::JsonResponse(body);
}

HttpResponse Evidence(const Engine* node, const std::string& token, const HttpRequest& req) {
  const std::string* auth = req.Header("authorization");
  const std::string prefix = "Bearer ";
  bool ok = !token.empty() && auth && auth->size() == prefix.size() + token.size() &&
            auth->compare(0, prefix.size(), prefix) == 0 &&
            CRYPTO_memcmp(auth->data() + prefix.size(), token.data(), token.size()) == 0;
  if (!ok) {
    return api::ErrorResponse(401, "unauthenticated",
                              "GET /evidence needs \"Authorization: Bearer <token>\" with the "
                              "token in <data_dir>/kms/evidence-token");
  }
  Json evidence = node->EvidenceJson();
  if (evidence.is_object() && evidence.contains("error")) return EngineJson(std::move(evidence));
  return api::JsonResponse(EvidenceBody(evidence));
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

size_t CountEvidenceRecords(const nlohmann::json& evidence) {
  if (evidence.is_array()) return evidence.size();
  if (evidence.is_object()) {
    for (const char* key : {"evidence", "records"}) {
      if (evidence.contains(key) && evidence[key].is_array()) return evidence[key].size();
    }
  }
  return 0;
}

nlohmann::json EvidenceBody(const nlohmann::json& evidence) {
  nlohmann::json body = evidence.is_object() ? evidence : nlohmann::json{{"evidence", evidence}};
  body["success"] = true;
  return body;
}

void ProtocolCounters::Count(const std::string& route, const std::string& outcome) {
  MutexLock lock(&mu_);
  ++counts_[{route, outcome}];
}

std::map<std::pair<std::string, std::string>, uint64_t> ProtocolCounters::Snapshot() const {
  MutexLock lock(&mu_);
  return counts_;
}

std::string RenderKmsMetrics(const Engine& node, const ProtocolCounters& counters) {
  std::ostringstream out;
  auto key = node.GroupKey();
  out << "# HELP kms_group_key_present 1 when this operator holds a share of a group key\n"
      << "# TYPE kms_group_key_present gauge\n"
      << "kms_group_key_present " << (key ? 1 : 0) << "\n";
  if (key) {
    out << "# HELP kms_share_version Active share version (session boundary, Unix seconds)\n"
        << "# TYPE kms_share_version gauge\nkms_share_version " << key->version << "\n"
        << "# HELP kms_threshold Signatures needed (t) and operators (n) of the active sharing\n"
        << "# TYPE kms_threshold gauge\nkms_threshold{kind=\"t\"} " << key->t << "\n"
        << "kms_threshold{kind=\"n\"} " << key->n << "\n";
  }
  out << "# HELP kms_fraud_records Fraud evidence records held (invalid share, equivocation, "
         "commitment inconsistency)\n"
      << "# TYPE kms_fraud_records gauge\nkms_fraud_records "
      << CountEvidenceRecords(node.EvidenceJson()) << "\n";
  out << "# HELP kms_protocol_requests_total Protocol API requests by route and outcome (ok or "
         "the error code)\n"
      << "# TYPE kms_protocol_requests_total counter\n";
  for (const auto& [k, n] : counters.Snapshot()) {
    out << "kms_protocol_requests_total{route=\"" << EscapeLabel(k.first) << "\",outcome=\""
        << EscapeLabel(k.second) << "\"} " << n << "\n";
  }
  return out.str();
}

void AddProtocolRoutes(api::Router& router, ProtocolApiOptions o) {
  Engine* node = o.node;
  ProtocolCounters* counters = o.counters;
  for (std::string_view route : kMessageRoutes) {
    std::string r(route);
    router.Add("POST", r, [node, counters, r](const HttpRequest& req) {
      return Counted(counters, r, ReceiveMessage(node, r, req));
    });
  }
  router.Add("POST", std::string(kRouteNodePartial), [node, counters](const HttpRequest& req) {
    return Counted(counters, std::string(kRouteNodePartial), ReceiveCall(node, req));
  });
  router.Add("GET", "/pubkey", [node](const HttpRequest&) { return EngineJson(node->Pubkey()); });
  router.Add("POST", "/app/sign", [node, counters](const HttpRequest& req) {
    return Counted(counters, "/app/sign", AppSign(node, req));
  });
  router.Add("GET", "/health", [node](const HttpRequest&) { return Health(node); });
  router.Add("GET", "/metrics", [node, counters, extra = o.extra_metrics](const HttpRequest&) {
    HttpResponse resp;
    resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
    resp.body = RenderKmsMetrics(*node, *counters);
    if (extra) resp.body += extra();
    return resp;
  });
  router.Add("GET", "/evidence",
             [node, counters, token = o.evidence_token](const HttpRequest& req) {
               return Counted(counters, "/evidence", Evidence(node, token, req));
             });
}

}  // namespace cryfttee::kms
