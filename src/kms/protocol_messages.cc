#include "kms/protocol_messages.h"

#include <algorithm>

#include "core/json_fields.h"
#include "core/sha256.h"
#include "kms/operator_set.h"

namespace cryfttee::kms {
namespace {

constexpr const char* kMalformed = "malformed_message";
constexpr std::string_view kCommitmentsTag = "CRYFTTEE-KMS-COMMITMENTS-V1";
constexpr std::string_view kShareTag = "CRYFTTEE-KMS-SHARE-V1";
// JSON integers above 2^53 lose precision in other languages' decoders.
constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;
// A commitment record holds at most kMaxSessionOperators points per group.
constexpr size_t kMaxCommitmentRecord = 256 + kMaxSessionOperators * (kG1Bytes + kG2Bytes);
constexpr size_t kMaxShareRecord = 256;
constexpr size_t kMaxPartialMessage = 64 * 1024;

Status Malformed(const std::string& why) { return Status::InvalidArgument(kMalformed, why); }

const JsonFieldsErrors kErrors{StatusCategory::kInvalidArgument, kMalformed, kMalformed, true};

class Writer {
 public:
  void U8(uint8_t v) { out.push_back(v); }
  void U32(uint32_t v) {
    for (int i = 3; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
  }
  void Raw(ByteSpan b) { out.insert(out.end(), b.begin(), b.end()); }
  void Lp(std::string_view s) {
    U32(uint32_t(s.size()));
    Raw(AsBytes(s));
  }
  Bytes out;
};

class Reader {
 public:
  explicit Reader(ByteSpan b) : b_(b) {}
  bool U8(uint8_t& v) {
    if (!Need(1)) return false;
    v = b_[pos_++];
    return true;
  }
  bool U32(uint32_t& v) {
    if (!Need(4)) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | b_[pos_++];
    return true;
  }
  bool U64(uint64_t& v) {
    if (!Need(8)) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | b_[pos_++];
    return true;
  }
  bool Raw(size_t n, uint8_t* dst) {
    if (!Need(n)) return false;
    std::copy_n(b_.begin() + pos_, n, dst);
    pos_ += n;
    return true;
  }
  bool RawBytes(size_t n, Bytes& dst) {
    dst.resize(n);
    return Raw(n, dst.data());
  }
  // A length-prefixed string of at most `max` bytes.
  bool Lp(std::string& s, size_t max) {
    uint32_t n = 0;
    if (!U32(n) || n > max || !Need(n)) return false;
    s.assign(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool Done() const { return pos_ == b_.size(); }

 private:
  bool Need(size_t n) const { return b_.size() - pos_ >= n; }
  ByteSpan b_;
  size_t pos_ = 0;
};

bool IsIndex(uint32_t i) { return i >= 1 && i <= kMaxSessionOperators; }

Result<uint64_t> Counter(const JsonFields& r, const char* field) {
  const nlohmann::json* v = r.Find(field);
  if (!v || !v->is_number_unsigned() || v->get<uint64_t>() > kMaxSafeInteger)
    return Malformed(std::string("\"") + field + "\" must be an integer in [0, 2^53)");
  return v->get<uint64_t>();
}

Result<std::string> OperatorId(const JsonFields& r, const char* field) {
  auto s = r.String(field);
  if (!s.ok() || !IsValidOperatorId(*s))
    return Malformed(std::string("\"") + field + "\" must be an operator id");
  return std::move(s).value();
}

Result<std::vector<std::string>> OperatorIds(const JsonFields& r, const char* field) {
  const nlohmann::json* v = r.Find(field);
  if (!v || !v->is_array() || v->size() > kMaxSessionOperators)
    return Malformed(std::string("\"") + field + "\" must be a list of operator ids");
  std::vector<std::string> out;
  for (const auto& e : *v) {
    if (!e.is_string() || !IsValidOperatorId(e.get<std::string>()))
      return Malformed(std::string("\"") + field + "\" must be a list of operator ids");
    out.push_back(e.get<std::string>());
  }
  std::vector<std::string> sorted = out;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return Malformed(std::string("\"") + field + "\" lists an operator twice");
  return out;
}

Result<std::vector<Bytes>> HexList(const nlohmann::json* v, std::string_view what, size_t size) {
  if (!v || !v->is_array() || v->size() > kMaxSessionOperators)
    return Malformed("\"" + std::string(what) + "\" must be a list of hex strings");
  std::vector<Bytes> out;
  for (const auto& e : *v) {
    CRYFTTEE_ASSIGN_OR_RETURN(Bytes b, ParseHex0x(e, what, size));
    out.push_back(std::move(b));
  }
  return out;
}

Result<JsonFields> Object(const nlohmann::json& j, const char* where,
                          std::initializer_list<std::string_view> known) {
  if (!j.is_object()) return Malformed(std::string(where) + " must be an object");
  JsonFields r(j, where, kErrors);
  CRYFTTEE_RETURN_IF_ERROR(r.RejectUnknownFields(known));
  return r;
}

Result<SignedRecord> RecordField(const JsonFields& r, const char* field, size_t max) {
  const nlohmann::json* v = r.Find(field);
  if (!v) return Malformed(std::string("\"") + field + "\" is missing");
  return SignedRecord::FromJson(*v, max);
}

}  // namespace

// --- types and routes ---------------------------------------------------------------------------

namespace {
constexpr std::pair<BodyKind, std::string_view> kKinds[] = {
    {BodyKind::kCommitment, "commitment"}, {BodyKind::kReveal, "reveal"},
    {BodyKind::kShare, "share"},           {BodyKind::kAck, "ack"},
    {BodyKind::kComplaint, "complaint"},   {BodyKind::kComplete, "complete"}};
}  // namespace

Result<ProtocolType> ParseProtocolType(std::string_view type) {
  ProtocolType t;
  std::string_view rest;
  if (type.starts_with("dkg_")) {
    t.protocol = Protocol::kDkg;
    rest = type.substr(4);
  } else if (type.starts_with("reshare_")) {
    t.protocol = Protocol::kReshare;
    rest = type.substr(8);
  } else {
    return Malformed("unknown message type \"" + std::string(type) + "\"");
  }
  for (const auto& [kind, name] : kKinds) {
    if (rest == name && !(kind == BodyKind::kComplete && t.protocol == Protocol::kDkg)) {
      t.kind = kind;
      return t;
    }
  }
  return Malformed("unknown message type \"" + std::string(type) + "\"");
}

std::string TypeName(ProtocolType t) {
  std::string out = t.protocol == Protocol::kDkg ? "dkg_" : "reshare_";
  for (const auto& [kind, name] : kKinds)
    if (kind == t.kind) out += name;
  return out;
}

std::string RouteFor(ProtocolType t) {
  std::string out = t.protocol == Protocol::kDkg ? "/dkg/" : "/reshare/";
  switch (t.kind) {
    case BodyKind::kCommitment:
    case BodyKind::kReveal:
      return out + "commitment";
    case BodyKind::kShare:
      return out + "share";
    case BodyKind::kAck:
    case BodyKind::kComplaint:
      return out + "ack";
    case BodyKind::kComplete:
      return out + "complete";
  }
  return out;
}

Status CheckRoute(std::string_view route, ProtocolType type) {
  if (route == RouteFor(type)) return Status::Ok();
  return Status::InvalidArgument("wrong_route", "a \"" + TypeName(type) + "\" message goes to " +
                                                    RouteFor(type) + ", not " + std::string(route));
}

// --- records ------------------------------------------------------------------------------------

Bytes CommitmentRecord::Encode() const {
  Writer w;
  w.Lp(kCommitmentsTag);
  w.U64(session);
  w.Lp(dealer);
  w.U32(dealer_index);
  w.U8(uint8_t(phase));
  w.U32(threshold);
  w.U32(uint32_t(g1.size()));
  for (const Bytes& p : g1) w.Raw(p);
  w.U32(uint32_t(g2.size()));
  for (const Bytes& p : g2) w.Raw(p);
  return std::move(w.out);
}

Result<CommitmentRecord> CommitmentRecord::Decode(ByteSpan bytes) {
  if (bytes.size() > kMaxCommitmentRecord) return Malformed("commitment record too large");
  Reader r(bytes);
  CommitmentRecord c;
  std::string tag;
  uint8_t phase = 0;
  uint32_t n1 = 0, n2 = 0;
  if (!r.Lp(tag, 64) || tag != kCommitmentsTag) return Malformed("not a commitment record");
  if (!r.U64(c.session) || !r.Lp(c.dealer, 64) || !r.U32(c.dealer_index) || !r.U8(phase) ||
      !r.U32(c.threshold) || !r.U32(n1))
    return Malformed("truncated commitment record");
  if (c.session > kMaxSafeInteger || !IsValidOperatorId(c.dealer) || !IsIndex(c.dealer_index) ||
      (phase != uint8_t(CommitPhase::kBlinded) && phase != uint8_t(CommitPhase::kFeldman)) ||
      c.threshold < 1 || c.threshold > kMaxSessionOperators || n1 > kMaxSessionOperators)
    return Malformed("commitment record fields out of range");
  c.phase = CommitPhase(phase);
  c.g1.resize(n1);
  for (Bytes& p : c.g1)
    if (!r.RawBytes(kG1Bytes, p)) return Malformed("truncated commitment record");
  if (!r.U32(n2) || n2 > kMaxSessionOperators) return Malformed("commitment record G2 count");
  c.g2.resize(n2);
  for (Bytes& p : c.g2)
    if (!r.RawBytes(kG2Bytes, p)) return Malformed("truncated commitment record");
  if (!r.Done()) return Malformed("trailing bytes after the commitment record");
  if (c.phase == CommitPhase::kBlinded && n2 != 0)
    return Malformed("a phase-1 record has no G2 commitments");
  if (c.phase == CommitPhase::kFeldman && n2 != n1)
    return Malformed("a phase-2 record has as many G2 as G1 commitments");
  return c;
}

ShareRecord::~ShareRecord() {
  SecureWipe(value.data(), value.size());
  SecureWipe(blinding.data(), blinding.size());
}

SecretBytes ShareRecord::Encode() const {
  Writer w;
  w.out.reserve(256);  // one allocation: nothing secret is left behind by a regrowth
  w.Lp(kShareTag);
  w.U64(session);
  w.Lp(dealer);
  w.U32(dealer_index);
  w.Lp(receiver);
  w.U32(receiver_index);
  w.Raw(value);
  w.Raw(blinding);
  SecretBytes out(w.out);
  SecureWipe(w.out.data(), w.out.size());
  return out;
}

Result<ShareRecord> ShareRecord::Decode(ByteSpan bytes) {
  if (bytes.size() > kMaxShareRecord) return Malformed("share record too large");
  Reader r(bytes);
  ShareRecord s;
  std::string tag;
  if (!r.Lp(tag, 64) || tag != kShareTag) return Malformed("not a share record");
  if (!r.U64(s.session) || !r.Lp(s.dealer, 64) || !r.U32(s.dealer_index) || !r.Lp(s.receiver, 64) ||
      !r.U32(s.receiver_index) || !r.Raw(kScalarBytes, s.value.data()) ||
      !r.Raw(kScalarBytes, s.blinding.data()) || !r.Done())
    return Malformed("truncated share record");
  if (s.session > kMaxSafeInteger || !IsValidOperatorId(s.dealer) ||
      !IsValidOperatorId(s.receiver) || !IsIndex(s.dealer_index) || !IsIndex(s.receiver_index))
    return Malformed("share record fields out of range");
  return s;
}

nlohmann::json SignedRecord::ToJson() const {
  return {{"record", Hex0x(record)}, {"signature", Hex0x(signature)}};
}

Result<SignedRecord> SignedRecord::FromJson(const nlohmann::json& j, size_t max_record_bytes) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r, Object(j, "signed record", {"record", "signature"}));
  SignedRecord out;
  const nlohmann::json* record = r.Find("record");
  if (!record) return Malformed("\"record\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(out.record, ParseHex0x(*record, "record", 0, max_record_bytes));
  const nlohmann::json* sig = r.Find("signature");
  if (!sig) return Malformed("\"signature\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(out.signature, ParseHex0x(*sig, "signature", kRecordSignatureBytes));
  return out;
}

Result<SignedRecord> SignRecord(ByteSpan record, const IdentitySigner& signer) {
  Sha256Digest digest = Sha256(record);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes sig, signer.Sign(digest));
  return SignedRecord{Bytes(record.begin(), record.end()), std::move(sig)};
}

bool VerifyRecord(const SignedRecord& r, ByteSpan identity_public_key,
                  const IdentityVerifier& verifier) {
  Sha256Digest digest = Sha256(r.record);
  return verifier.Verify(identity_public_key, digest, r.signature);
}

SecretBytes EncodeSignedShare(const SignedRecord& share) {
  SecretBytes out(share.record.size() + share.signature.size());
  std::copy(share.record.begin(), share.record.end(), out.data());
  std::copy(share.signature.begin(), share.signature.end(), out.data() + share.record.size());
  return out;
}

Result<SignedRecord> DecodeSignedShare(ByteSpan plaintext) {
  if (plaintext.size() <= kRecordSignatureBytes || plaintext.size() > kMaxShareRecord + 96)
    return Malformed("share plaintext has the wrong size");
  size_t n = plaintext.size() - kRecordSignatureBytes;
  return SignedRecord{Bytes(plaintext.begin(), plaintext.begin() + n),
                      Bytes(plaintext.begin() + n, plaintext.end())};
}

// --- bodies -------------------------------------------------------------------------------------

nlohmann::json ReshareContext::ToJson() const {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& [id, index] : old_members) members.push_back({{"id", id}, {"index", index}});
  nlohmann::json vec = nlohmann::json::array();
  for (const Bytes& p : old_verification_g1) vec.push_back(Hex0x(p));
  return {{"old_version", old_version},
          {"old_threshold", old_threshold},
          {"old_members", members},
          {"old_verification_g1", vec},
          {"old_group_key_g2", Hex0x(old_group_key_g2)},
          {"dealers", dealers}};
}

Result<ReshareContext> ReshareContext::FromJson(const nlohmann::json& j) {
  CRYFTTEE_ASSIGN_OR_RETURN(
      JsonFields r, Object(j, "reshare",
                           {"old_version", "old_threshold", "old_members", "old_verification_g1",
                            "old_group_key_g2", "dealers"}));
  ReshareContext c;
  CRYFTTEE_ASSIGN_OR_RETURN(c.old_version, Counter(r, "old_version"));
  CRYFTTEE_ASSIGN_OR_RETURN(uint64_t t, Counter(r, "old_threshold"));
  if (t < 1 || t > kMaxSessionOperators) return Malformed("\"old_threshold\" out of range");
  c.old_threshold = uint32_t(t);
  const nlohmann::json* members = r.Find("old_members");
  if (!members || !members->is_array() || members->size() > kMaxSessionOperators)
    return Malformed("\"old_members\" must be a list");
  for (const auto& m : *members) {
    CRYFTTEE_ASSIGN_OR_RETURN(JsonFields mr, Object(m, "old member", {"id", "index"}));
    CRYFTTEE_ASSIGN_OR_RETURN(std::string id, OperatorId(mr, "id"));
    CRYFTTEE_ASSIGN_OR_RETURN(uint64_t index, Counter(mr, "index"));
    if (!IsIndex(uint32_t(index)) || index > kMaxSessionOperators)
      return Malformed("old member index out of range");
    for (const auto& [other_id, other_index] : c.old_members)
      if (other_id == id || other_index == index) return Malformed("duplicate old member");
    c.old_members.emplace_back(std::move(id), uint32_t(index));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(c.old_verification_g1, HexList(r.Find("old_verification_g1"),
                                                           "old_verification_g1", kG1Bytes));
  if (c.old_verification_g1.size() != c.old_threshold)
    return Malformed("\"old_verification_g1\" must have old_threshold entries");
  const nlohmann::json* key = r.Find("old_group_key_g2");
  if (!key) return Malformed("\"old_group_key_g2\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(c.old_group_key_g2, ParseHex0x(*key, "old_group_key_g2", kG2Bytes));
  CRYFTTEE_ASSIGN_OR_RETURN(c.dealers, OperatorIds(r, "dealers"));
  return c;
}

nlohmann::json ToJson(const CommitmentBody& b) {
  nlohmann::json j = {{"commitments", b.commitments.ToJson()}};
  if (b.reshare) j["reshare"] = b.reshare->ToJson();
  return j;
}
nlohmann::json ToJson(const ShareBody& b) { return {{"envelope", Hex0x(b.envelope)}}; }
nlohmann::json ToJson(const AckBody& b) {
  nlohmann::json acks = nlohmann::json::array();
  for (const auto& a : b.acks)
    acks.push_back({{"dealer", a.dealer},
                    {"commitments_hash", Hex0x(a.commitments_hash)},
                    {"commitments", a.commitments.ToJson()}});
  return {{"acks", acks}};
}
nlohmann::json ToJson(const ComplaintBody& b) {
  nlohmann::json j = {{"dealer", b.dealer}, {"reason", b.reason}};
  if (b.evidence) j["evidence"] = *b.evidence;
  return j;
}
nlohmann::json ToJson(const CompleteBody& b) {
  return {{"version", b.version}, {"group_key", Hex0x(b.group_key)}, {"qualified", b.qualified}};
}
nlohmann::json ToJson(const PartialRequestBody& b) {
  return {{"version", b.version}, {"message", Hex0x(b.message)}, {"dst", b.dst}};
}
nlohmann::json ToJson(const PartialBody& b) {
  return {{"version", b.version}, {"index", b.index}, {"partial", Hex0x(b.partial)}};
}

Result<CommitmentBody> DecodeCommitmentBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r, Object(body, "body", {"commitments", "reshare"}));
  CommitmentBody b;
  CRYFTTEE_ASSIGN_OR_RETURN(b.commitments, RecordField(r, "commitments", kMaxCommitmentRecord));
  if (const nlohmann::json* c = r.Find("reshare")) {
    CRYFTTEE_ASSIGN_OR_RETURN(b.reshare, ReshareContext::FromJson(*c));
  }
  return b;
}

Result<ShareBody> DecodeShareBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r, Object(body, "body", {"envelope"}));
  const nlohmann::json* e = r.Find("envelope");
  if (!e) return Malformed("\"envelope\" is missing");
  ShareBody b;
  CRYFTTEE_ASSIGN_OR_RETURN(b.envelope, ParseHex0x(*e, "envelope", 0, 1024));
  return b;
}

Result<AckBody> DecodeAckBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields outer, Object(body, "body", {"acks"}));
  const nlohmann::json* list = outer.Find("acks");
  if (!list || !list->is_array() || list->empty() || list->size() > kMaxSessionOperators)
    return Malformed("\"acks\" must be a non-empty list");
  AckBody b;
  for (const auto& entry : *list) {
    CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r,
                              Object(entry, "ack", {"dealer", "commitments_hash", "commitments"}));
    AckEntry a;
    CRYFTTEE_ASSIGN_OR_RETURN(a.dealer, OperatorId(r, "dealer"));
    for (const auto& other : b.acks)
      if (other.dealer == a.dealer) return Malformed("two acks for " + a.dealer);
    const nlohmann::json* h = r.Find("commitments_hash");
    if (!h) return Malformed("\"commitments_hash\" is missing");
    CRYFTTEE_ASSIGN_OR_RETURN(a.commitments_hash, ParseHex0x(*h, "commitments_hash", 32));
    CRYFTTEE_ASSIGN_OR_RETURN(a.commitments, RecordField(r, "commitments", kMaxCommitmentRecord));
    Sha256Digest d = Sha256(a.commitments.record);
    if (!std::equal(d.begin(), d.end(), a.commitments_hash.begin(), a.commitments_hash.end()))
      return Malformed("\"commitments_hash\" is not the hash of \"commitments\"");
    b.acks.push_back(std::move(a));
  }
  return b;
}

Result<ComplaintBody> DecodeComplaintBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r, Object(body, "body", {"dealer", "reason", "evidence"}));
  ComplaintBody b;
  CRYFTTEE_ASSIGN_OR_RETURN(b.dealer, OperatorId(r, "dealer"));
  auto reason = r.String("reason");
  if (!reason.ok() || (*reason != "invalid_share" && *reason != "no_share" &&
                       *reason != "commitment_inconsistency" && *reason != "equivocation"))
    return Malformed(
        "\"reason\" must be invalid_share, no_share, equivocation or "
        "commitment_inconsistency");
  b.reason = *reason;
  if (const nlohmann::json* e = r.Find("evidence")) {
    CRYFTTEE_RETURN_IF_ERROR(EvidenceRecord::FromJson(*e).status());
    b.evidence = *e;
  }
  return b;
}

Result<CompleteBody> DecodeCompleteBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r,
                            Object(body, "body", {"version", "group_key", "qualified"}));
  CompleteBody b;
  CRYFTTEE_ASSIGN_OR_RETURN(b.version, Counter(r, "version"));
  const nlohmann::json* k = r.Find("group_key");
  if (!k) return Malformed("\"group_key\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(b.group_key, ParseHex0x(*k, "group_key", kG1Bytes));
  CRYFTTEE_ASSIGN_OR_RETURN(b.qualified, OperatorIds(r, "qualified"));
  return b;
}

Result<PartialRequestBody> DecodePartialRequestBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r, Object(body, "body", {"version", "message", "dst"}));
  PartialRequestBody b;
  CRYFTTEE_ASSIGN_OR_RETURN(b.version, Counter(r, "version"));
  const nlohmann::json* m = r.Find("message");
  if (!m) return Malformed("\"message\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(b.message, ParseHex0x(*m, "message", 0, kMaxPartialMessage));
  auto dst = r.String("dst");
  if (!dst.ok() || dst->empty() || dst->size() > 255) return Malformed("\"dst\" must be 1..255");
  b.dst = *dst;
  return b;
}

Result<PartialBody> DecodePartialBody(const nlohmann::json& body) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r, Object(body, "body", {"version", "index", "partial"}));
  PartialBody b;
  CRYFTTEE_ASSIGN_OR_RETURN(b.version, Counter(r, "version"));
  CRYFTTEE_ASSIGN_OR_RETURN(uint64_t index, Counter(r, "index"));
  if (index < 1 || index > kMaxSessionOperators) return Malformed("\"index\" out of range");
  b.index = uint32_t(index);
  const nlohmann::json* p = r.Find("partial");
  if (!p) return Malformed("\"partial\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(b.partial, ParseHex0x(*p, "partial", kG2Bytes));
  return b;
}

// --- evidence -----------------------------------------------------------------------------------

nlohmann::json EvidenceRecord::ToJson() const {
  nlohmann::json c = nlohmann::json::array();
  for (const auto& r : commitments) c.push_back(r.ToJson());
  nlohmann::json j = {{"kind", kind},       {"session", session},
                      {"dealer", dealer},   {"dealer_identity_key", Hex0x(dealer_identity_key)},
                      {"accuser", accuser}, {"threshold", threshold},
                      {"commitments", c}};
  if (share) j["share"] = share->ToJson();
  return j;
}

Result<EvidenceRecord> EvidenceRecord::FromJson(const nlohmann::json& j) {
  CRYFTTEE_ASSIGN_OR_RETURN(JsonFields r,
                            Object(j, "evidence",
                                   {"kind", "session", "dealer", "dealer_identity_key", "accuser",
                                    "threshold", "commitments", "share"}));
  EvidenceRecord e;
  auto kind = r.String("kind");
  if (!kind.ok() ||
      (*kind != "invalid_share" && *kind != "equivocation" && *kind != "commitment_inconsistency"))
    return Malformed("unknown evidence \"kind\"");
  e.kind = *kind;
  CRYFTTEE_ASSIGN_OR_RETURN(e.session, Counter(r, "session"));
  CRYFTTEE_ASSIGN_OR_RETURN(e.dealer, OperatorId(r, "dealer"));
  CRYFTTEE_ASSIGN_OR_RETURN(e.accuser, OperatorId(r, "accuser"));
  const nlohmann::json* key = r.Find("dealer_identity_key");
  if (!key) return Malformed("\"dealer_identity_key\" is missing");
  CRYFTTEE_ASSIGN_OR_RETURN(e.dealer_identity_key, ParseHex0x(*key, "dealer_identity_key", 0, 256));
  CRYFTTEE_ASSIGN_OR_RETURN(uint64_t t, Counter(r, "threshold"));
  if (t < 1 || t > kMaxSessionOperators) return Malformed("\"threshold\" out of range");
  e.threshold = uint32_t(t);
  const nlohmann::json* c = r.Find("commitments");
  if (!c || !c->is_array() || c->empty() || c->size() > 2)
    return Malformed("\"commitments\" must list one or two signed records");
  for (const auto& rec : *c) {
    CRYFTTEE_ASSIGN_OR_RETURN(SignedRecord s, SignedRecord::FromJson(rec, kMaxCommitmentRecord));
    e.commitments.push_back(std::move(s));
  }
  if (const nlohmann::json* s = r.Find("share")) {
    CRYFTTEE_ASSIGN_OR_RETURN(e.share, SignedRecord::FromJson(*s, kMaxShareRecord));
  }
  return e;
}

// --- hex ----------------------------------------------------------------------------------------

std::string Hex0x(ByteSpan b) { return "0x" + HexEncode(b); }

Result<Bytes> ParseHex0x(const nlohmann::json& v, std::string_view what, size_t size,
                         size_t max_size) {
  auto bad = [&] {
    return Malformed("\"" + std::string(what) + "\" must be 0x-prefixed hex" +
                     (size ? " of " + std::to_string(size) + " bytes" : ""));
  };
  if (!v.is_string()) return bad();
  const std::string& s = v.get_ref<const std::string&>();
  size_t limit = size ? size : max_size;
  if (!s.starts_with("0x") || s.size() > 2 + 2 * limit) return bad();
  auto bytes = HexDecode(std::string_view(s).substr(2));
  if (!bytes.ok() || (size && bytes->size() != size)) return bad();
  return std::move(bytes).value();
}

}  // namespace cryfttee::kms
