// Codecs of the KMS ops (layout in enclave_wire.h), on tee's field reader and writer.
#include "kms/enclave_wire.h"

#include "kms/authenticated_message.h"
#include "kms/protocol_messages.h"
#include "tee/wire.h"

namespace cryfttee::kms::enclave_wire {
namespace {

using tee::wire::Reader;
using tee::wire::Writer;

Bytes Take(Writer& w) { return std::move(w.mutable_data()); }

Bytes GetBytes(Reader& r, const char* field, size_t max) {
  ByteSpan b = r.Bytes(field, max);
  return Bytes(b.begin(), b.end());
}

void PutPeer(Writer& w, const OperatorSetPeer& p) {
  w.String(p.id);
  w.Bytes(p.identity_public_key);
  w.Bytes(p.encryption_public_key);
  w.String(p.address);
}

OperatorSetPeer GetPeer(Reader& r) {
  OperatorSetPeer p;
  p.id = r.String("peer.id", kMaxId);
  p.identity_public_key = GetBytes(r, "peer.identity_public_key", kMaxKey);
  p.encryption_public_key = GetBytes(r, "peer.encryption_public_key", kMaxKey);
  p.address = r.String("peer.address", kMaxAddress);
  return p;
}

// A count field, refused above `max` before anything is allocated for it.
uint32_t GetCount(Reader& r, const char* field, uint32_t max, Status* extra) {
  uint32_t n = r.U32(field);
  if (r.ok() && n > max) {
    *extra = tee::wire::ProtocolError(std::string(field) + " of " + std::to_string(n) +
                                      " is over its bound of " + std::to_string(max));
    return 0;
  }
  return n;
}

void PutPeers(Writer& w, const std::vector<OperatorSetPeer>& peers) {
  w.U32(static_cast<uint32_t>(peers.size()));
  for (const auto& p : peers) PutPeer(w, p);
}

std::vector<OperatorSetPeer> GetPeers(Reader& r, Status* extra) {
  std::vector<OperatorSetPeer> out;
  uint32_t n = GetCount(r, "peers", kMaxSessionOperators, extra);
  for (uint32_t i = 0; i < n && r.ok(); ++i) out.push_back(GetPeer(r));
  return out;
}

// Runs `body` over the payload and insists it was consumed exactly.
template <typename T, typename F>
Result<T> Decode(ByteSpan payload, F body) {
  Reader r(payload);
  Status extra;
  T value = body(r, &extra);
  CRYFTTEE_RETURN_IF_ERROR(r.Finish());
  CRYFTTEE_RETURN_IF_ERROR(extra);
  return value;
}

}  // namespace

Bytes EncodeStart(const NodeOptions& o) {
  Writer w;
  w.String(o.self_id);
  w.U8(o.scheme == VssScheme::kFeldman ? 1 : 0);
  w.U64(static_cast<uint64_t>(o.interval.count()));
  w.U32(o.threshold_numerator);
  w.U32(o.threshold_denominator);
  w.String(o.test_misbehaviour);
  return Take(w);
}

Result<NodeOptions> DecodeStart(ByteSpan payload) {
  return Decode<NodeOptions>(payload, [](Reader& r, Status* extra) {
    NodeOptions o;
    o.self_id = r.String("self_id", kMaxId);
    uint8_t scheme = r.U8("scheme");
    if (r.ok() && scheme > 1) *extra = tee::wire::ProtocolError("scheme must be 0 or 1");
    o.scheme = scheme == 1 ? VssScheme::kFeldman : VssScheme::kPedersen;
    uint64_t interval = r.U64("interval_ms");
    // A day at most: the field is milliseconds and must not overflow the duration.
    if (r.ok() && (interval == 0 || interval > 86'400'000))
      *extra = tee::wire::ProtocolError("interval_ms must be 1..86400000");
    o.interval = std::chrono::milliseconds(static_cast<int64_t>(interval));
    o.threshold_numerator = r.U32("threshold_numerator");
    o.threshold_denominator = r.U32("threshold_denominator");
    o.test_misbehaviour = r.String("test_misbehaviour", kMaxMisbehaviour);
    return o;
  });
}

Bytes EncodeStartAnswer(const StartAnswer& a) {
  Writer w;
  w.String(a.self_id);
  w.Bytes(a.keys.identity_public_key);
  w.Bytes(a.keys.encryption_public_key);
  return Take(w);
}

Result<StartAnswer> DecodeStartAnswer(ByteSpan payload) {
  return Decode<StartAnswer>(payload, [](Reader& r, Status*) {
    StartAnswer a;
    a.self_id = r.String("self_id", kMaxId);
    a.keys.identity_public_key = GetBytes(r, "identity_public_key", kMaxKey);
    a.keys.encryption_public_key = GetBytes(r, "encryption_public_key", kMaxKey);
    return a;
  });
}

Bytes EncodeBoundary(const BoundaryRequest& b) {
  Writer w;
  w.U64(b.boundary_ms);
  PutPeers(w, b.operators);
  return Take(w);
}

Result<BoundaryRequest> DecodeBoundary(ByteSpan payload) {
  return Decode<BoundaryRequest>(payload, [](Reader& r, Status* extra) {
    BoundaryRequest b;
    b.boundary_ms = r.U64("boundary_ms");
    b.operators = GetPeers(r, extra);
    return b;
  });
}

Bytes EncodeU64(uint64_t value) {
  Writer w;
  w.U64(value);
  return Take(w);
}

Result<uint64_t> DecodeU64(ByteSpan payload) {
  return Decode<uint64_t>(payload, [](Reader& r, Status*) { return r.U64("value"); });
}

Bytes EncodeSends(const SendsAnswer& a) {
  Writer w;
  w.U32(static_cast<uint32_t>(a.sends.size()));
  for (const auto& s : a.sends) {
    PutPeer(w, s.peer);
    w.String(s.route);
    w.String(s.wire);
  }
  w.U8(a.status.ok() ? 0 : 1);
  if (!a.status.ok()) {
    w.String(StatusCategoryName(a.status.category()));
    w.String(a.status.code());
    w.String(a.status.message().substr(0, tee::wire::kMaxErrorMessage));
  }
  return Take(w);
}

Result<SendsAnswer> DecodeSends(ByteSpan payload) {
  return Decode<SendsAnswer>(payload, [](Reader& r, Status* extra) {
    SendsAnswer a;
    uint32_t n = GetCount(r, "sends", kMaxSends, extra);
    for (uint32_t i = 0; i < n && r.ok(); ++i) {
      Send s;
      s.peer = GetPeer(r);
      s.route = r.String("route", kMaxRoute);
      s.wire = r.String("wire", kMaxMessageBytes);
      a.sends.push_back(std::move(s));
    }
    if (r.Bool("failed")) {
      std::string category = r.String("category", tee::wire::kMaxErrorCode);
      std::string code = r.String("code", tee::wire::kMaxErrorCode);
      std::string message = r.String("message", tee::wire::kMaxErrorMessage);
      auto cat = StatusCategoryFromName(category);
      if (r.ok() && (!cat || *cat == StatusCategory::kOk || code.empty())) {
        *extra = tee::wire::ProtocolError("bad error in a sends answer");
      } else if (r.ok()) {
        a.status = Status::Error(*cat, std::move(code), std::move(message));
      }
    }
    return a;
  });
}

Bytes EncodeRouted(const Message& m) {
  Writer w;
  w.String(m.route);
  w.String(m.wire);
  return Take(w);
}

Result<Message> DecodeRouted(ByteSpan payload) {
  return Decode<Message>(payload, [](Reader& r, Status*) {
    Message m;
    m.route = r.String("route", kMaxRoute);
    m.wire = r.String("wire", kMaxMessageBytes);
    return m;
  });
}

Bytes EncodeBytes(ByteSpan value) {
  Writer w;
  w.Bytes(value);
  return Take(w);
}

Result<Bytes> DecodeBytes(ByteSpan payload) {
  return Decode<Bytes>(payload,
                       [](Reader& r, Status*) { return GetBytes(r, "answer", kMaxMessageBytes); });
}

Bytes EncodeAppSign(const AppSignRequest& a) {
  Writer w;
  w.String(a.app_id);
  w.U8(a.attestation_time ? 1 : 0);
  w.U64(a.attestation_time.value_or(0));
  return Take(w);
}

Result<AppSignRequest> DecodeAppSign(ByteSpan payload) {
  return Decode<AppSignRequest>(payload, [](Reader& r, Status*) {
    AppSignRequest a;
    a.app_id = r.String("app_id", kMaxAppId);
    bool has = r.Bool("has_time");
    uint64_t t = r.U64("time");
    r.RequireCanonical(has || t == 0, "time");
    if (has) a.attestation_time = t;
    return a;
  });
}

Bytes EncodeSign(const SignRequest& s) {
  Writer w;
  w.Bytes(s.message);
  w.String(s.dst);
  return Take(w);
}

Result<SignRequest> DecodeSign(ByteSpan payload) {
  return Decode<SignRequest>(payload, [](Reader& r, Status*) {
    SignRequest s;
    s.message = GetBytes(r, "message", kMaxMessageBytes);
    s.dst = r.String("dst", kMaxDst);
    return s;
  });
}

Bytes EncodePlan(const NodeSignPlan& p) {
  Writer w;
  w.String(p.self_id);
  w.U64(p.version);
  w.U32(p.t);
  w.U32(p.own_index);
  w.Bytes(p.own_partial);
  w.U32(static_cast<uint32_t>(p.verification_g1.size()));
  for (const auto& g : p.verification_g1) w.Bytes(g);
  PutPeers(w, p.operators);
  w.U32(static_cast<uint32_t>(p.requests.size()));
  for (const auto& q : p.requests) {
    PutPeer(w, q.peer);
    w.U32(q.index);
    w.String(q.wire);
  }
  return Take(w);
}

Result<NodeSignPlan> DecodePlan(ByteSpan payload) {
  return Decode<NodeSignPlan>(payload, [](Reader& r, Status* extra) {
    NodeSignPlan p;
    p.self_id = r.String("self_id", kMaxId);
    p.version = r.U64("version");
    p.t = r.U32("t");
    p.own_index = r.U32("own_index");
    p.own_partial = GetBytes(r, "own_partial", kMaxKey);
    uint32_t n = GetCount(r, "verification_g1", kMaxSessionOperators, extra);
    for (uint32_t i = 0; i < n && r.ok(); ++i)
      p.verification_g1.push_back(GetBytes(r, "verification_g1", kMaxKey));
    p.operators = GetPeers(r, extra);
    uint32_t m = GetCount(r, "requests", kMaxSessionOperators, extra);
    for (uint32_t i = 0; i < m && r.ok(); ++i) {
      NodeSignPlan::PartialRequest q;
      q.peer = GetPeer(r);
      q.index = r.U32("index");
      q.wire = r.String("wire", kMaxMessageBytes);
      p.requests.push_back(std::move(q));
    }
    return p;
  });
}

Bytes EncodeQuery(Query what) {
  Writer w;
  w.U8(static_cast<uint8_t>(what));
  return Take(w);
}

Result<Query> DecodeQuery(ByteSpan payload) {
  return Decode<Query>(payload, [](Reader& r, Status* extra) {
    uint8_t what = r.U8("what");
    if (r.ok() && what > static_cast<uint8_t>(Query::kGroupKey))
      *extra = tee::wire::ProtocolError("unknown query " + std::to_string(what));
    return static_cast<Query>(what);
  });
}

Bytes EncodeJson(const nlohmann::json& value) {
  Writer w;
  w.String(value.dump());
  return Take(w);
}

Result<nlohmann::json> DecodeJson(ByteSpan payload) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string text, Decode<std::string>(payload, [](Reader& r, Status*) {
                              return r.String("json", kMaxJson);
                            }));
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return tee::wire::ProtocolError("json answer does not parse");
  return j;
}

}  // namespace cryfttee::kms::enclave_wire
