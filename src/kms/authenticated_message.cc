#include "kms/authenticated_message.h"

#include "core/json_fields.h"
#include "core/sha256.h"

namespace cryfttee::kms {
namespace {

constexpr const char* kMalformed = "malformed_message";

Status Malformed(const std::string& why) { return Status::InvalidArgument(kMalformed, why); }

bool IsMessageType(std::string_view t) {
  if (t.empty() || t.size() > 32) return false;
  for (char c : t) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

Status CheckHeader(const MessageHeader& h) {
  if (!IsMessageType(h.type)) return Malformed("\"type\" must match [a-z_]{1,32}");
  if (!IsValidOperatorId(h.from)) return Malformed("\"from\" is not an operator id");
  if (!h.to.empty() && !IsValidOperatorId(h.to)) return Malformed("\"to\" is not an operator id");
  return Status::Ok();
}

// JSON integers above 2^53 lose precision in other languages' decoders; sessions and sequences
// stay within it.
constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

Result<uint64_t> Counter(const JsonFields& r, const char* field) {
  const nlohmann::json* v = r.Find(field);
  if (!v || !v->is_number_unsigned() || v->get<uint64_t>() > kMaxSafeInteger) {
    return Malformed(std::string("\"") + field + "\" must be an integer in [0, 2^53)");
  }
  return v->get<uint64_t>();
}

Result<Bytes> Hex0x(const JsonFields& r, const char* field, size_t max_bytes) {
  auto text = r.String(field);
  if (!text.ok() || !text->starts_with("0x") || text->size() > 2 + 2 * max_bytes) {
    return Malformed(std::string("\"") + field + "\" must be 0x-prefixed hex");
  }
  auto bytes = HexDecode(std::string_view(*text).substr(2));
  if (!bytes.ok()) return Malformed(std::string("\"") + field + "\" must be 0x-prefixed hex");
  return std::move(bytes).value();
}

}  // namespace

Result<std::string> EncodeMessage(const MessageHeader& header, const nlohmann::json& body,
                                  const IdentitySigner& signer) {
  CRYFTTEE_RETURN_IF_ERROR(CheckHeader(header));
  if (!body.is_object()) return Malformed("body must be an object");
  if (header.session > kMaxSafeInteger || header.sequence > kMaxSafeInteger) {
    return Malformed("session and seq must be below 2^53");
  }
  nlohmann::json payload = {{"v", kMessageVersion},
                            {"type", header.type},
                            {"session", header.session},
                            {"seq", header.sequence},
                            {"from", header.from},
                            {"to", header.to},
                            {"body", body}};
  std::string payload_text = payload.dump();
  Sha256Digest hash = Sha256(AsBytes(payload_text));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes signature, signer.Sign(hash));
  nlohmann::json wire = {{"payload", Base64Encode(AsBytes(payload_text))},
                         {"hash", "0x" + HexEncode(hash)},
                         {"signature", "0x" + HexEncode(signature)}};
  std::string out = wire.dump();
  if (out.size() > kMaxMessageBytes) {
    return Status::Error(StatusCategory::kTooLarge, "message_too_large",
                         "message larger than " + std::to_string(kMaxMessageBytes) + " bytes");
  }
  return out;
}

Result<DecodedMessage> DecodeMessage(std::string_view wire) {
  if (wire.size() > kMaxMessageBytes) {
    return Status::Error(StatusCategory::kTooLarge, "message_too_large",
                         "message larger than " + std::to_string(kMaxMessageBytes) + " bytes");
  }
  nlohmann::json outer;
  JsonLimits outer_limits;
  outer_limits.max_depth = 1;
  outer_limits.max_elements = 8;
  if (Status s = ParseJsonObjectText(wire, "message", kMalformed, &outer, outer_limits); !s.ok()) {
    return Malformed(s.message());
  }
  // Every problem with the envelope is "malformed_message", whatever the reader calls it.
  JsonFieldsErrors errors{StatusCategory::kInvalidArgument, kMalformed, kMalformed, true};
  JsonFields w(outer, "message", errors);
  CRYFTTEE_RETURN_IF_ERROR(w.RejectUnknownFields({"payload", "hash", "signature"}));
  DecodedMessage m;
  auto payload_b64 = w.String("payload");
  if (!payload_b64.ok()) return Malformed("\"payload\" must be a base64 string");
  auto payload = Base64Decode(*payload_b64);
  if (!payload.ok()) return Malformed("\"payload\" is not valid base64");
  m.payload = std::move(payload).value();
  CRYFTTEE_ASSIGN_OR_RETURN(m.hash, Hex0x(w, "hash", 32));
  if (m.hash.size() != 32) return Malformed("\"hash\" must be 32 bytes");
  CRYFTTEE_ASSIGN_OR_RETURN(m.signature, Hex0x(w, "signature", 256));
  Sha256Digest actual = Sha256(m.payload);
  if (!std::equal(actual.begin(), actual.end(), m.hash.begin(), m.hash.end())) {
    return Status::InvalidArgument("hash_mismatch", "\"hash\" is not the SHA-256 of the payload");
  }

  nlohmann::json p;
  JsonLimits payload_limits;
  payload_limits.max_depth = 8;
  std::string_view payload_text(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
  if (Status s = ParseJsonObjectText(payload_text, "payload", kMalformed, &p, payload_limits);
      !s.ok()) {
    return Malformed(s.message());
  }
  JsonFields r(p, "payload", errors);
  CRYFTTEE_RETURN_IF_ERROR(
      r.RejectUnknownFields({"v", "type", "session", "seq", "from", "to", "body"}));
  auto version = r.Integer("v");
  if (!version.ok() || *version != kMessageVersion) return Malformed("unsupported \"v\"");
  auto type = r.String("type");
  auto from = r.String("from");
  auto to = r.OptionalString("to");
  if (!type.ok() || !from.ok() || !to.ok()) return Malformed("type, from and to must be strings");
  m.header.type = *type;
  m.header.from = *from;
  m.header.to = *to;
  CRYFTTEE_ASSIGN_OR_RETURN(m.header.session, Counter(r, "session"));
  CRYFTTEE_ASSIGN_OR_RETURN(m.header.sequence, Counter(r, "seq"));
  CRYFTTEE_RETURN_IF_ERROR(CheckHeader(m.header));
  const nlohmann::json* body = r.Find("body");
  if (!body || !body->is_object()) return Malformed("\"body\" must be an object");
  m.body = *body;
  return m;
}

}  // namespace cryfttee::kms
