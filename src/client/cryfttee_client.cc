#include "client/cryfttee_client.h"

#include <thread>

#include "core/clock.h"

namespace cryfttee::client {
namespace {

StatusCategory CategoryForHttp(int status) {
  switch (status) {
    case 400:
    case 413:
    case 431:
      return StatusCategory::kInvalidArgument;
    case 403:
      return StatusCategory::kPermissionDenied;
    case 404:
      return StatusCategory::kNotFound;
    case 409:
      return StatusCategory::kFailedPrecondition;
    case 503:
      return StatusCategory::kUnavailable;
    case 502:
      return StatusCategory::kUpstream;
    default:
      return status >= 400 && status < 500 ? StatusCategory::kInvalidArgument
                                           : StatusCategory::kInternal;
  }
}

std::string StrOr(const Json& j, const char* key, const std::string& fallback) {
  if (j.is_object()) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string() && !it->get<std::string>().empty())
      return it->get<std::string>();
  }
  return fallback;
}

// Overwrites the string fields that may carry key material before the request JSON goes away.
void WipeSecretFields(Json& body) {
  for (const char* key : {"key_material", "password"}) {
    if (body.contains(key) && body[key].is_string()) {
      std::string& s = body[key].get_ref<std::string&>();
      SecureWipe(s.data(), s.size());
    }
  }
}

// Canonical: by key_handle (the answer's signature is then hex). By pubkey, the daemon would
// answer in base64 for the attestation seed's client, so ask for hex explicitly.
void NameKey(Json& body, const std::string& key_handle, const std::string& pubkey) {
  if (!key_handle.empty()) {
    body["key_handle"] = key_handle;
  } else {
    body["pubkey"] = pubkey;
    body["signature_encoding"] = "hex";
  }
}

void AddCommon(Json& body, const std::string& module_id) {
  if (!module_id.empty()) body["module_id"] = module_id;
}

}  // namespace

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

CryftteeClient::CryftteeClient(ClientOptions options)
    : options_(std::move(options)), transport_(options_.transport) {}

Result<Json> CryftteeClient::Call(const std::string& method, const std::string& target,
                                  const Json* body) {
  return CallWith(options_.retry, method, target, body);
}

Result<Json> CryftteeClient::CallWith(const RetryPolicy& policy, const std::string& method,
                                      const std::string& target, const Json* body) {
  std::string payload = body ? body->dump() : "";
  int attempts = policy.max_attempts < 1 ? 1 : policy.max_attempts;
  Result<RawResponse> response = Status::Unavailable("unavailable", "no attempt made");
  for (int attempt = 1;; ++attempt) {
    last_attempts_ = attempt;
    response = transport_.Request(method, target, payload);
    Status why;
    if (!response.ok()) {
      if (!IsRetryableTransportFailure(response.status())) break;
      why = response.status();
    } else if (IsRetryableHttpStatus(response->status)) {
      why = Status::Unavailable("http_503", method + " " + target + ": HTTP 503");
    } else {
      break;
    }
    if (attempt >= attempts) break;
    auto delay = policy.DelayAfter(attempt);
    if (policy.on_retry) policy.on_retry(attempt, delay, why);
    policy.Sleep(delay);
  }
  if (!payload.empty()) SecureWipe(payload.data(), payload.size());
  if (!response.ok()) {
    if (last_attempts_ > 1) {
      return response.status().WithContext("after " + std::to_string(last_attempts_) + " attempts");
    }
    return response.status();
  }

  Json json = Json::parse(response->body, nullptr, false);
  int http = response->status;
  if (http < 200 || http >= 300) {
    std::string code = StrOr(json, "code", "http_" + std::to_string(http));
    std::string message = StrOr(json, "error", "HTTP " + std::to_string(http));
    return Status::Error(
        CategoryForHttp(http), code,
        method + " " + target + " (HTTP " + std::to_string(http) + "): " + message);
  }
  if (json.is_discarded()) {
    return Status::Error(
        StatusCategory::kUpstream, "bad_response",
        method + " " + target + ": HTTP " + std::to_string(http) + " with a body that is not JSON");
  }
  if (json.is_object() && json.contains("success") && json["success"] == false) {
    return Status::Error(StatusCategory::kUpstream, StrOr(json, "code", "request_failed"),
                         method + " " + target + ": " + StrOr(json, "error", "success=false"));
  }
  return json;
}

Result<Attestation> CryftteeClient::GetAttestation(const std::string& nonce) {
  std::string target = "/v1/runtime/attestation";
  if (!nonce.empty()) target += "?nonce=" + UrlEncode(nonce);
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("GET", target));
  return ParseAttestation(j);
}

Result<HeartbeatAck> CryftteeClient::Heartbeat(const HeartbeatRequest& request) {
  Json body = {{"cryftgo_version", request.cryftgo_version},
               {"node_id", request.node_id},
               {"timestamp", request.timestamp_ms != 0 ? request.timestamp_ms : NowUnixMillis()}};
  int64_t start = MonotonicMillis();
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("POST", "/v1/runtime/heartbeat", &body));
  CRYFTTEE_ASSIGN_OR_RETURN(HeartbeatAck ack, ParseHeartbeatAck(j));
  ack.round_trip_ms = MonotonicMillis() - start;
  if (!ack.acknowledged) {
    return Status::Error(StatusCategory::kUpstream, "not_acknowledged",
                         "the daemon answered the heartbeat without acknowledging it");
  }
  return ack;
}

Result<ConnectionStatus> CryftteeClient::GetConnection() {
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("GET", "/v1/runtime/connection"));
  return ParseConnectionStatus(j);
}

Result<StakingStatus> CryftteeClient::GetStatus() {
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("GET", "/v1/staking/status"));
  return ParseStakingStatus(j);
}

Result<RegisterResult> CryftteeClient::RegisterBls(const BlsRegisterRequest& request) {
  Json body = {{"mode", request.mode}};
  if (request.mode == 1) {
    body["key_material"] = Base64Encode(request.key_material);
    if (!request.password.empty()) body["password"] = request.password;
  }
  AddCommon(body, request.module_id);
  auto j = Call("POST", "/v1/staking/bls/register", &body);
  WipeSecretFields(body);
  if (!j.ok()) return j.status();
  return ParseRegisterResult(*j);
}

Result<RegisterResult> CryftteeClient::RegisterTls(const TlsRegisterRequest& request) {
  Json body = {{"mode", request.mode}};
  if (!request.key_type.empty()) body["key_type"] = request.key_type;
  if (request.mode == 1) body["key_material"] = Base64Encode(request.key_material);
  if (!request.csr_pem.empty()) body["csr_pem"] = request.csr_pem;
  AddCommon(body, request.module_id);
  auto j = Call("POST", "/v1/staking/tls/register", &body);
  WipeSecretFields(body);
  if (!j.ok()) return j.status();
  return ParseRegisterResult(*j);
}

Result<SignResult> CryftteeClient::SignBls(const BlsSignRequest& request) {
  Json body = {{"message", Base64Encode(request.message)}};
  NameKey(body, request.key_handle, request.pubkey);
  if (!request.type.empty()) body["type"] = request.type;
  AddCommon(body, request.module_id);
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("POST", "/v1/staking/bls/sign", &body));
  return ParseSignResult(j);
}

Result<SignResult> CryftteeClient::SignTls(const TlsSignRequest& request) {
  Json body = {{"digest", Base64Encode(request.digest)}, {"algorithm", request.algorithm}};
  NameKey(body, request.key_handle, request.pubkey);
  if (!request.format.empty()) body["format"] = request.format;
  AddCommon(body, request.module_id);
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("POST", "/v1/staking/tls/sign", &body));
  return ParseSignResult(j);
}

Result<std::vector<KeyListEntry>> CryftteeClient::ListKeys() {
  CRYFTTEE_ASSIGN_OR_RETURN(Json j, Call("GET", "/v1/staking/keys"));
  return ParseKeyList(j);
}

Result<StatusPanel> CryftteeClient::GetStatusPanel(const std::string& module_id) {
  CRYFTTEE_ASSIGN_OR_RETURN(Json j,
                            Call("GET", "/v1/modules/" + UrlEncode(module_id) + "/status-panel"));
  return ParseStatusPanel(j);
}

Result<Json> CryftteeClient::ReloadModules() {
  Json body = Json::object();
  return Call("POST", "/v1/admin/reload-modules", &body);
}

Result<Json> CryftteeClient::GetSchema() { return Call("GET", "/v1/schema/modules"); }

Result<StakingStatus> CryftteeClient::WaitForSigner(std::chrono::milliseconds timeout,
                                                    std::chrono::milliseconds poll) {
  int64_t deadline = MonotonicMillis() + timeout.count();
  std::string why = "no answer yet";
  // The poll loop is the retry here: one attempt per poll keeps the deadline honest.
  RetryPolicy once = RetryPolicy::None();
  once.sleep = options_.retry.sleep;
  while (true) {
    Result<StakingStatus> status = Status::Unavailable("unavailable", "not polled");
    auto j = CallWith(once, "GET", "/v1/staking/status");
    status = j.ok() ? ParseStakingStatus(*j) : Result<StakingStatus>(j.status());
    if (status.ok()) {
      if (status->SignerReady(&why)) return status;
    } else {
      why = status.status().ToString();
      // A 4xx, a bad TLS setup or a malformed answer will not get better by waiting.
      if (status.status().category() == StatusCategory::kInvalidArgument ||
          status.status().category() == StatusCategory::kNotFound ||
          status.status().code() == "bad_response") {
        return status.status();
      }
    }
    if (MonotonicMillis() + poll.count() > deadline) break;
    options_.retry.Sleep(poll);
  }
  return Status::Error(
      StatusCategory::kUnavailable, "signer_not_ready",
      "the signer was not ready after " + std::to_string(timeout.count()) + " ms: " + why);
}

}  // namespace cryfttee::client
