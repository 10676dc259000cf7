// libFuzzer target for everything the KMS protocol decodes from the wire before any key is
// involved: the message envelope (kms/authenticated_message.h), the body of every message type
// (kms/protocol_messages.h), the binary dealer records, fraud records, and the share envelope
// opener (kms/envelope.h). Any input gives a value or a Status with one of the documented codes,
// never a crash, hang or escaping exception; a decoded message's hash matches its payload; a
// decoded record re-encodes to exactly its input (the encodings are canonical).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json_fields.h"
#include "core/sha256.h"
#include "kms/authenticated_message.h"
#include "kms/envelope.h"
#include "kms/protocol_messages.h"

namespace {

using namespace cryfttee;
using namespace cryfttee::kms;

void Require(bool ok) {
  if (!ok) __builtin_trap();
}

template <class T>
void ExpectMalformedOr(const Result<T>& r) {
  if (!r.ok()) Require(r.status().code() == "malformed_message");
}

// The binary records and the share plaintext, straight from the input bytes.
void Records(ByteSpan bytes) {
  auto c = CommitmentRecord::Decode(bytes);
  ExpectMalformedOr(c);
  if (c.ok()) Require(c->Encode() == Bytes(bytes.begin(), bytes.end()));
  auto s = ShareRecord::Decode(bytes);
  ExpectMalformedOr(s);
  if (s.ok()) {
    SecretBytes again = s->Encode();
    Require(again.size() == bytes.size() && std::equal(bytes.begin(), bytes.end(), again.data()));
  }
  auto signed_share = DecodeSignedShare(bytes);
  ExpectMalformedOr(signed_share);
  if (signed_share.ok()) ExpectMalformedOr(ShareRecord::Decode(signed_share->record));
}

// The opener: no input opens under this key (AES-GCM), but every length, version and low-order
// point path is exercised.
void Envelope(ByteSpan bytes) {
  static const SecretBytes key(Bytes(32, 0x42));
  auto opened = OpenShare(key, {1, "dkg_share", "op1", "op2"}, bytes);
  Require(!opened.ok());
  const std::string& code = opened.status().code();
  Require(code == "invalid_envelope" || code == "decryption_failed" ||
          code == "invalid_public_key");
}

void Body(const DecodedMessage& m) {
  const nlohmann::json& body = m.body;
  if (m.header.type == "partial_request") return ExpectMalformedOr(DecodePartialRequestBody(body));
  if (m.header.type == "partial") return ExpectMalformedOr(DecodePartialBody(body));
  auto type = ParseProtocolType(m.header.type);
  ExpectMalformedOr(type);
  if (!type.ok()) return;
  Require(TypeName(*type) == m.header.type);
  Require(CheckRoute(RouteFor(*type), *type).ok());
  switch (type->kind) {
    case BodyKind::kCommitment:
    case BodyKind::kReveal: {
      auto b = DecodeCommitmentBody(body);
      ExpectMalformedOr(b);
      if (b.ok()) Records(b->commitments.record);
      break;
    }
    case BodyKind::kShare: {
      auto b = DecodeShareBody(body);
      ExpectMalformedOr(b);
      if (b.ok()) Envelope(b->envelope);
      break;
    }
    case BodyKind::kAck: {
      auto b = DecodeAckBody(body);
      ExpectMalformedOr(b);
      if (b.ok())
        for (const auto& a : b->acks) Records(a.commitments.record);
      break;
    }
    case BodyKind::kComplaint: {
      auto b = DecodeComplaintBody(body);
      ExpectMalformedOr(b);
      if (b.ok() && b->evidence) {
        auto e = EvidenceRecord::FromJson(*b->evidence);
        Require(e.ok());  // the body decoder already accepted it
        for (const auto& r : e->commitments) Records(r.record);
        if (e->share) Records(e->share->record);
      }
      break;
    }
    case BodyKind::kComplete:
      ExpectMalformedOr(DecodeCompleteBody(body));
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto m = kms::DecodeMessage(input);
  if (m.ok()) {
    Sha256Digest h = Sha256(m->payload);
    Require(m->hash.size() == h.size() && std::equal(h.begin(), h.end(), m->hash.begin()));
    Require(m->body.is_object() && !m->header.from.empty());
    (void)m->body.dump();  // bounded depth: serialising cannot overflow the stack
    Body(*m);
  } else {
    const std::string& code = m.status().code();
    Require(code == "malformed_message" || code == "hash_mismatch" || code == "message_too_large");
    // Mutations almost never keep the SHA-256 right, so the bodies are also fuzzed directly:
    // the input as a bare payload {"type": ..., "body": {...}}.
    nlohmann::json payload;
    JsonLimits limits;
    limits.max_depth = 8;
    if (ParseJsonObjectText(input, "payload", "malformed_message", &payload, limits).ok()) {
      const auto type = payload.find("type");
      const auto body = payload.find("body");
      if (type != payload.end() && type->is_string() && body != payload.end() &&
          body->is_object()) {
        DecodedMessage bare;
        bare.header.type = type->get<std::string>();
        bare.header.from = "fuzz";
        bare.body = *body;
        Body(bare);
      }
    }
    // Not a message: the same bytes as records and as an envelope.
    if (size <= 64 * 1024) {
      Records(ByteSpan(data, size));
      Envelope(ByteSpan(data, size));
    }
  }
  return 0;
}
