#include "kms/enclave_engine.h"

#include <spdlog/spdlog.h>

#include "kms/authenticated_message.h"
#include "kms/enclave_wire.h"
#include "kms/node_sign.h"

namespace cryfttee::kms {
namespace {

using tee::wire::Op;
namespace ew = enclave_wire;

nlohmann::json Unavailable(const Status& status) {
  return {{"error", status.code()}, {"message", status.message()}};
}

}  // namespace

Result<std::unique_ptr<EnclaveEngine>> EnclaveEngine::Open(NodeOptions options, EnclaveCall call,
                                                           Transport* transport) {
  Bytes start = ew::EncodeStart(options);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes answer, call(Op::kKmsStart, start));
  CRYFTTEE_ASSIGN_OR_RETURN(ew::StartAnswer started, ew::DecodeStartAnswer(answer));
  if (!options.self_id.empty() && started.self_id != options.self_id)
    return tee::wire::ProtocolError("the enclave started operator " + started.self_id);
  std::unique_ptr<EnclaveEngine> engine(
      new EnclaveEngine(std::move(start), std::move(call), transport));
  engine->self_id_ = std::move(started.self_id);
  engine->keys_ = std::move(started.keys);
  return engine;
}

Result<Bytes> EnclaveEngine::Call(Op op, ByteSpan payload) const {
  auto answer = call_(op, payload);
  if (answer.ok() || answer.status().code() != "kms_not_started") return answer;
  // The enclave restarted: start its engine again (same options, its keys and shares are on
  // its disk), then retry once.
  spdlog::info("kms: the enclave's engine is not started (enclave restart?): starting it again");
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes started, call_(Op::kKmsStart, start_));
  CRYFTTEE_ASSIGN_OR_RETURN(ew::StartAnswer s, ew::DecodeStartAnswer(started));
  if (s.self_id != self_id_ || s.keys.identity_public_key != keys_.identity_public_key)
    return Status::FailedPrecondition("kms_identity_changed",
                                      "the enclave now holds another operator identity");
  return call_(op, payload);
}

Status EnclaveEngine::Relay(const Result<Bytes>& answer, const char* what) {
  if (!answer.ok()) {
    if (!down_.exchange(true))
      spdlog::warn("kms: {} not delivered to the enclave: {}", what, answer.status().ToString());
    return answer.status();
  }
  if (down_.exchange(false)) spdlog::info("kms: the enclave answers again");
  auto decoded = ew::DecodeSends(*answer);
  if (!decoded.ok()) return decoded.status();
  for (auto& s : decoded->sends) transport_->Send(s.peer, s.route, std::move(s.wire));
  return decoded->status;
}

void EnclaveEngine::OnBoundary(uint64_t boundary_unix_ms, std::vector<OperatorSetPeer> operators) {
  Bytes payload = ew::EncodeBoundary({boundary_unix_ms, std::move(operators)});
  (void)Relay(Call(Op::kKmsBoundary, payload), "a boundary");
}

void EnclaveEngine::Tick(uint64_t now_unix_ms) {
  (void)Relay(Call(Op::kKmsTick, ew::EncodeU64(now_unix_ms)), "a tick");
}

Status EnclaveEngine::Receive(std::string_view route, std::string_view wire) {
  Bytes payload = ew::EncodeRouted({std::string(route), std::string(wire)});
  return Relay(Call(Op::kKmsReceive, payload), "a protocol message");
}

Result<std::string> EnclaveEngine::ReceiveCall(std::string_view route, std::string_view wire) {
  Bytes payload = ew::EncodeRouted({std::string(route), std::string(wire)});
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes answer, Call(Op::kKmsReceiveCall, payload));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes body, ew::DecodeBytes(answer));
  return std::string(body.begin(), body.end());
}

Result<nlohmann::json> EnclaveEngine::Query(uint8_t what) const {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes answer,
                            Call(Op::kKmsQuery, ew::EncodeQuery(static_cast<ew::Query>(what))));
  return ew::DecodeJson(answer);
}

nlohmann::json EnclaveEngine::Pubkey() const {
  auto j = Query(static_cast<uint8_t>(ew::Query::kPubkey));
  return j.ok() ? *j : Unavailable(j.status());
}

nlohmann::json EnclaveEngine::StatusJson() const {
  auto j = Query(static_cast<uint8_t>(ew::Query::kStatus));
  nlohmann::json out = j.ok() ? *j : Unavailable(j.status());
  out["engine"] = "enclave";
  return out;
}

nlohmann::json EnclaveEngine::EvidenceJson() const {
  auto j = Query(static_cast<uint8_t>(ew::Query::kEvidence));
  return j.ok() ? *j : Unavailable(j.status());
}

std::optional<GroupKeyInfo> EnclaveEngine::GroupKey() const {
  auto j = Query(static_cast<uint8_t>(ew::Query::kGroupKey));
  if (!j.ok() || !j->is_object()) return std::nullopt;
  try {
    GroupKeyInfo info;
    auto pk = HexDecode(j->at("public_key").get<std::string>());
    auto pk2 = HexDecode(j->at("public_key_g2").get<std::string>());
    if (!pk.ok() || !pk2.ok() || pk->size() != 48 || pk2->size() != 96) return std::nullopt;
    info.public_key = std::move(pk).value();
    info.public_key_g2 = std::move(pk2).value();
    info.t = j->at("t").get<uint32_t>();
    info.n = j->at("n").get<uint32_t>();
    info.version = j->at("version").get<uint64_t>();
    info.handle = j->at("handle").get<std::string>();
    return info;
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("kms: the enclave's group key answer is malformed: {}", e.what());
    return std::nullopt;
  }
}

Result<nlohmann::json> EnclaveEngine::AppSign(std::string_view app_id,
                                              std::optional<uint64_t> attestation_time) {
  if (app_id.empty() || app_id.size() > ew::kMaxAppId)
    return Status::InvalidArgument("invalid_argument", "appID must be 1..1024 bytes");
  Bytes payload = ew::EncodeAppSign({std::string(app_id), attestation_time});
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes answer, Call(Op::kKmsAppSign, payload));
  return ew::DecodeJson(answer);
}

Result<NodeSignPlan> EnclaveEngine::PrepareNodeSign(ByteSpan message, std::string_view dst) {
  if (message.size() > kMaxMessageBytes || dst.size() > ew::kMaxDst)
    return Status::InvalidArgument("invalid_argument", "message or DST over its bound");
  Bytes payload = ew::EncodeSign({Bytes(message.begin(), message.end()), std::string(dst)});
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes answer, Call(Op::kKmsPrepareNodeSign, payload));
  return ew::DecodePlan(answer);
}

Result<Bytes> EnclaveEngine::NodeSign(ByteSpan message, std::string_view dst) {
  CRYFTTEE_ASSIGN_OR_RETURN(NodeSignPlan plan, PrepareNodeSign(message, dst));
  return CombineNodeSign(plan, message, dst, *transport_);
}

}  // namespace cryfttee::kms
