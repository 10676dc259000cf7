// The DKG / reshare session state machine of kms/node.h (the protocol: docs/threshold.md,
// "The KMS protocol"). Every function runs under Impl::mu and queues what it sends in `out`;
// Node flushes the queue after releasing the lock.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/sha256.h"
#include "crypto/bls12_381/fr.h"
#include "crypto/threshold/dkg.h"
#include "crypto/threshold/feldman.h"
#include "kms/authenticated_message.h"
#include "kms/envelope.h"
#include "kms/node_internal.h"

namespace cryfttee::kms {
namespace {

using namespace bls::internal;
using threshold::G1Group;
using threshold::G2Group;

// Phase deadlines, as fractions of the interval after the boundary: a receiver that still lacks
// a dealer's share complains; the qualified set is fixed with what has arrived; a session not
// finished by the last one aborts, leaving the rest of the interval as slack before the next.
constexpr double kDealDeadline = 0.3;
constexpr double kQualifyDeadline = 0.5;
constexpr double kRevealDeadline = 0.8;

Status Invalid(const std::string& code, const std::string& why) {
  return Status::InvalidArgument(code, why);
}

Bytes SessionBytes(uint64_t id) {
  Bytes b;
  for (int i = 7; i >= 0; --i) b.push_back(uint8_t(id >> (8 * i)));
  return b;
}

std::vector<Bytes> EncodeAll(const std::vector<G1Group::Point>& v) {
  std::vector<Bytes> out;
  for (const auto& p : v) {
    auto e = G1Group::Encode(p);
    out.emplace_back(e.begin(), e.end());
  }
  return out;
}
std::vector<Bytes> EncodeAll(const std::vector<G2Group::Point>& v) {
  std::vector<Bytes> out;
  for (const auto& p : v) {
    auto e = G2Group::Encode(p);
    out.emplace_back(e.begin(), e.end());
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

// --- sending --------------------------------------------------------------------------------

namespace {

// Queues one message of the current session to `peer` (ourselves included: Flush delivers that
// locally through the same Receive path).
void Queue(Node::Impl& impl, Session& s, const OperatorSetPeer& peer, BodyKind kind,
           const nlohmann::json& body, bool broadcast, std::vector<Outgoing>& out) {
  ProtocolType type{s.protocol, kind};
  auto wire = impl.Encode(TypeName(type), s.id, ++s.seq, broadcast ? "" : peer.id, body);
  if (!wire.ok()) {
    spdlog::error("kms session {}: cannot encode {}: {}", s.id, TypeName(type),
                  wire.status().ToString());
    return;
  }
  out.push_back({peer, RouteFor(type), std::move(wire).value()});
}

void Broadcast(Node::Impl& impl, Session& s, BodyKind kind, const nlohmann::json& body,
               std::vector<Outgoing>& out) {
  for (const auto& peer : s.operators) Queue(impl, s, peer, kind, body, true, out);
}

}  // namespace

// --- starting a session ---------------------------------------------------------------------

namespace {

struct Deal {
  std::optional<threshold::PedersenDealer> poly;
  SignedRecord commitments;
};

Result<Deal> MakeDeal(const Node::Impl& impl, const Session& s, uint32_t dealer_index,
                      std::optional<Fr> constant) {
  Deal d;
  if (constant) {
    CRYFTTEE_ASSIGN_OR_RETURN(d.poly, threshold::PedersenDealer::WithConstant(s.t, *constant));
  } else {
    CRYFTTEE_ASSIGN_OR_RETURN(d.poly, threshold::PedersenDealer::Random(s.t));
  }
  CommitmentRecord r;
  r.session = s.id;
  r.dealer = impl.options.self_id;
  r.dealer_index = dealer_index;
  r.threshold = s.t;
  if (impl.options.scheme == VssScheme::kPedersen) {
    r.phase = CommitPhase::kBlinded;
    r.g1 = EncodeAll(threshold::PedersenCommit<G1Group>(*d.poly));
  } else {
    r.phase = CommitPhase::kFeldman;
    r.g1 = EncodeAll(threshold::FeldmanCommit<G1Group>(d.poly->f));
    r.g2 = EncodeAll(threshold::FeldmanCommit<G2Group>(d.poly->f));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(d.commitments, SignRecord(r.Encode(), *impl.identity));
  return d;
}

// The dealer's signed share for `receiver`, sealed to its encryption key. `tamper` adds one to
// the value (test-only misbehaviour "invalid_share").
Result<Bytes> SealedShare(const Node::Impl& impl, const Session& s, const Deal& d,
                          uint32_t dealer_index, const OperatorSetPeer& receiver, bool tamper) {
  ShareRecord r;
  r.session = s.id;
  r.dealer = impl.options.self_id;
  r.dealer_index = dealer_index;
  r.receiver = receiver.id;
  r.receiver_index = s.index.at(receiver.id);
  Fr v = d.poly->f.Evaluate(r.receiver_index);
  if (tamper) v = FrAdd(v, FrOne());
  FrToBytes32(r.value.data(), v);
  SecureWipe(&v, sizeof v);
  if (impl.options.scheme == VssScheme::kPedersen) {
    Fr b = d.poly->blind.Evaluate(r.receiver_index);
    FrToBytes32(r.blinding.data(), b);
    SecureWipe(&b, sizeof b);
  }
  SecretBytes record = r.Encode();
  CRYFTTEE_ASSIGN_OR_RETURN(SignedRecord signed_share, SignRecord(record.span(), *impl.identity));
  SecretBytes plaintext = EncodeSignedShare(signed_share);
  SecureWipe(signed_share.record.data(), signed_share.record.size());
  const std::string type = TypeName({s.protocol, BodyKind::kShare});
  ShareEnvelopeContext ctx{s.id, type, impl.options.self_id, receiver.id};
  return SealShare(receiver.encryption_public_key, ctx, plaintext.span());
}

// What a holder reshares: its active version, and the dealers (old members still operating).
ReshareContext ContextOf(const VersionMeta& v, const std::vector<OperatorSetPeer>& operators) {
  ReshareContext c;
  c.old_version = v.version;
  c.old_threshold = v.t;
  c.old_members = v.members;
  c.old_verification_g1 = EncodeAll(v.verification_g1);
  auto key = G2Group::Encode(v.verification_g2[0]);
  c.old_group_key_g2.assign(key.begin(), key.end());
  for (const auto& [id, index] : v.members)
    if (FindPeer(operators, id)) c.dealers.push_back(id);
  std::sort(c.dealers.begin(), c.dealers.end());
  return c;
}

uint32_t OldIndex(const ReshareContext& c, const std::string& id) {
  for (const auto& [m, index] : c.old_members)
    if (m == id) return index;
  return 0;
}

}  // namespace

void Node::Impl::StartSession(uint64_t boundary, std::vector<Outgoing>& out) {
  Session s;
  s.id = boundary;
  s.operators = operators;
  std::sort(s.operators.begin(), s.operators.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  s.n = uint32_t(s.operators.size());
  for (uint32_t i = 0; i < s.n; ++i) s.index[s.operators[i].id] = i + 1;
  s.my_index = s.index[options.self_id];
  s.t = ThresholdFor(s.n, options.threshold_numerator, options.threshold_denominator);
  s.outcome = "running";
  const VersionMeta* active = Active();
  std::optional<Fr> constant;
  uint32_t dealer_index = s.my_index;
  if (active) {
    s.protocol = Protocol::kReshare;
    s.holder = true;
    s.context = ContextOf(*active, s.operators);
    for (const auto& id : s.context->dealers) s.dealers[id].index = OldIndex(*s.context, id);
    dealer_index = active->index;
    auto v = store->AtTime(active->version);
    if (!v.ok()) {
      session = std::move(s);
      Abort("cannot load the active share: " + v.status().code());
      return;
    }
    constant = v->share.value;
  } else {
    s.protocol = Protocol::kDkg;
    for (const auto& p : s.operators) s.dealers[p.id].index = s.index[p.id];
  }
  session = std::move(s);
  Session& ss = *session;
  spdlog::info("kms session {}: {} starts, n={} t={} ({} dealers)", ss.id,
               ss.protocol == Protocol::kDkg ? "DKG" : "reshare", ss.n, ss.t, ss.dealers.size());
  if (ss.n < 2 || ss.t < 2) return Abort("too_few_operators");
  if (ss.protocol == Protocol::kReshare && ss.dealers.size() < ss.context->old_threshold)
    return Abort("too_few_dealers");
  if (ss.protocol == Protocol::kReshare && !Contains(ss.context->dealers, options.self_id))
    return;  // we hold a share but are not dealing (cannot happen: we are operating)

  auto deal = MakeDeal(*this, ss, dealer_index, constant);
  if (!deal.ok()) return Abort("deal failed: " + deal.status().code());
  // Test-only equivocation: a second polynomial (same constant) for the first other receiver.
  const std::string& mode = options.test_misbehaviour;
  const OperatorSetPeer* victim = nullptr;
  for (const auto& p : ss.operators)
    if (p.id != options.self_id && !victim) victim = &p;
  std::optional<Deal> twin;
  if (mode == "equivocate" && victim) {
    auto d2 = MakeDeal(*this, ss, dealer_index, constant);
    if (d2.ok()) twin = std::move(d2).value();
  }
  if (constant) SecureWipe(&*constant, sizeof *constant);
  CommitmentBody body{deal->commitments, ss.context};
  for (const auto& peer : ss.operators) {
    bool other = twin && &peer == victim;
    CommitmentBody b = other ? CommitmentBody{twin->commitments, ss.context} : body;
    Queue(*this, ss, peer, BodyKind::kCommitment, ToJson(b), true, out);
    auto sealed = SealedShare(*this, ss, other ? *twin : *deal, dealer_index, peer,
                              mode == "invalid_share" && &peer == victim);
    if (!sealed.ok()) {
      spdlog::warn("kms session {}: cannot seal a share to {}: {}", ss.id, peer.id,
                   sealed.status().ToString());
      continue;
    }
    Queue(*this, ss, peer, BodyKind::kShare, ToJson(ShareBody{std::move(sealed).value()}), false,
          out);
  }
  ss.my_poly = std::move(deal->poly);
}

// --- receiving ------------------------------------------------------------------------------

namespace {

void Disqualify(Session& s, const std::string& dealer, const std::string& reason) {
  DealerSlot& d = s.dealers[dealer];
  if (d.disqualified) return;
  d.disqualified = true;
  d.reason = reason;
  spdlog::warn("kms session {}: dealer {} excluded: {}", s.id, dealer, reason);
}

EvidenceRecord MakeEvidence(const Node::Impl& impl, const Session& s, const std::string& kind,
                            const std::string& dealer, std::vector<SignedRecord> commitments,
                            std::optional<SignedRecord> share) {
  EvidenceRecord e;
  e.kind = kind;
  e.session = s.id;
  e.dealer = dealer;
  if (const OperatorSetPeer* p = FindPeer(s.operators, dealer))
    e.dealer_identity_key = p->identity_public_key;
  e.accuser = impl.options.self_id;
  e.threshold = s.t;
  e.commitments = std::move(commitments);
  e.share = std::move(share);
  return e;
}

// Compares a phase-1 record of `dealer` with the first one we saw; two different, validly
// signed records are equivocation.
void SeeRecord(Node::Impl& impl, Session& s, const std::string& dealer, const SignedRecord& r)
    REQUIRES(impl.mu) {
  DealerSlot& d = s.dealers[dealer];
  if (!d.first_record) {
    d.first_record = r;
    return;
  }
  if (d.first_record->record == r.record) return;
  EvidenceRecord e = MakeEvidence(impl, s, "equivocation", dealer, {*d.first_record, r}, {});
  impl.RecordEvidence(e);
  Disqualify(s, dealer, "equivocation");
}

std::vector<std::string> ExpectedDealers(const Session& s);

// Our one ack of the session: every dealer whose share to us fitted, with the record we checked
// it against, once every expected dealer's deal is checked (`force`: at the deal deadline).
// Dealers already excluded for other reasons are acked too when we checked their deal (the
// records in the acks are how everyone else sees an equivocation); excluded dealers whose deal
// we never saw are not waited for.
void SendAcks(Node::Impl& impl, Session& s, bool force, std::vector<Outgoing>& out) {
  if (s.acks_sent) return;
  auto expected = ExpectedDealers(s);
  if (expected.empty()) return;
  AckBody ack;
  for (const auto& id : expected) {
    const DealerSlot& d = s.dealers[id];
    if (!d.deal_ok && !d.disqualified && !force) return;  // still waiting for this deal
    if (d.deal_ok == true) {
      Sha256Digest h = Sha256(d.first_record->record);
      ack.acks.push_back({id, Bytes(h.begin(), h.end()), *d.first_record});
    }
  }
  s.acks_sent = true;
  if (!ack.acks.empty()) Broadcast(impl, s, BodyKind::kAck, ToJson(ack), out);
}

// Checks our share from `dealer` once both the commitments and the share are in: an ack (batched)
// or a complaint carrying the evidence.
void CheckDeal(Node::Impl& impl, Session& s, const std::string& dealer, std::vector<Outgoing>& out)
    REQUIRES(impl.mu) {
  DealerSlot& d = s.dealers[dealer];
  if (d.deal_ok || !d.commit || !d.share) return;
  bool ok = ShareFits(*d.commit, *d.share);
  d.deal_ok = ok;
  if (ok) return SendAcks(impl, s, false, out);
  EvidenceRecord e =
      MakeEvidence(impl, s, "invalid_share", dealer, {*d.first_record}, *d.share_signed);
  impl.RecordEvidence(e);
  Disqualify(s, dealer, "invalid_share");
  Broadcast(impl, s, BodyKind::kComplaint,
            ToJson(ComplaintBody{dealer, "invalid_share", e.ToJson()}), out);
  SendAcks(impl, s, false, out);
}

// A dealer's record must be of this session, from the sender, at its dealing index, for the
// session's threshold, in the phase the scheme expects, and signed by the dealer.
Result<DecodedCommitments> CheckRecord(const Session& s, const std::string& dealer,
                                       const SignedRecord& r, CommitPhase phase) {
  CRYFTTEE_ASSIGN_OR_RETURN(DecodedCommitments c, DecodeCommitments(r.record));
  auto slot = s.dealers.find(dealer);
  if (c.record.session != s.id || c.record.dealer != dealer)
    return Invalid("malformed_message", "a record of another session or dealer");
  if (slot == s.dealers.end() || c.record.dealer_index != slot->second.index)
    return Invalid("malformed_message", "not this dealer's index");
  if (c.record.threshold != s.t || c.g1.size() != s.t)
    return Invalid("malformed_message", "commitments of the wrong threshold");
  if (c.record.phase != phase) return Invalid("wrong_scheme", "commitments of another VSS scheme");
  const OperatorSetPeer* p = FindPeer(s.operators, dealer);
  if (!p || !VerifyRecord(r, p->identity_public_key, Bls12381Identity()))
    return Invalid("bad_record_signature", "record not signed by " + dealer);
  return c;
}

CommitPhase FirstPhase(const Node::Impl& impl) {
  return impl.options.scheme == VssScheme::kPedersen ? CommitPhase::kBlinded
                                                     : CommitPhase::kFeldman;
}

// A phase-2 record (G1 and G2 vectors of f) whose two vectors disagree.
bool RecordInconsistent(Node::Impl& impl, Session& s, const std::string& dealer,
                        const DecodedCommitments& c, const SignedRecord& r,
                        std::vector<Outgoing>& out) REQUIRES(impl.mu) {
  if (G1G2Consistent(c)) return false;
  EvidenceRecord e = MakeEvidence(impl, s, "commitment_inconsistency", dealer, {r}, {});
  impl.RecordEvidence(e);
  Disqualify(s, dealer, "commitment_inconsistency");
  Broadcast(impl, s, BodyKind::kComplaint,
            ToJson(ComplaintBody{dealer, "commitment_inconsistency", e.ToJson()}), out);
  return true;
}

// A joining receiver (no share of its own) learns the dealers and their old indices from the
// context most dealers agree on.
void AdoptContext(Session& s) {
  if (s.holder) return;
  std::map<std::string, int> votes;
  std::map<std::string, ReshareContext> by_text;
  for (const auto& [id, d] : s.dealers) {
    if (!d.context) continue;
    std::string text = d.context->ToJson().dump();
    ++votes[text];
    by_text.emplace(text, *d.context);
  }
  const std::string* best = nullptr;
  int most = 0;
  for (const auto& [text, n] : votes)
    if (n > most) most = n, best = &text;
  if (!best) return;
  s.context = by_text.at(*best);
  for (const auto& id : s.context->dealers) s.dealers[id].index = OldIndex(*s.context, id);
}

Status ProcessCommitment(Node::Impl& impl, Session& s, const std::string& from,
                         const CommitmentBody& b, std::vector<Outgoing>& out) REQUIRES(impl.mu);

// We hold a share, but of an older version than the dealers reshare: we were down during the
// last reshare. Our share is useless now; follow as a receiver (like a new operator), re-reading
// the commitments set aside so far.
void BecomeReceiver(Node::Impl& impl, Session& s, std::vector<Outgoing>& out) REQUIRES(impl.mu) {
  spdlog::warn("kms session {}: our share version {} is stale; receiving only", s.id,
               s.context->old_version);
  s.holder = false;
  s.context.reset();
  s.my_poly.reset();
  std::vector<std::pair<std::string, CommitmentBody>> pending;
  for (auto& [id, d] : s.dealers) {
    d.index = 0;
    d.disqualified = false;
    d.reason.clear();
    if (d.pending) pending.emplace_back(id, std::move(*d.pending));
    d.pending.reset();
    if (id == impl.options.self_id) {  // our own (stale) deal
      d.commit.reset();
      d.first_record.reset();
      d.deal_ok.reset();
    }
  }
  for (const auto& [id, b] : pending) s.dealers[id].context = *b.reshare;
  AdoptContext(s);
  Disqualify(s, impl.options.self_id, "missed the last reshare; receiving only");
  for (const auto& [id, b] : pending) {
    Status st = ProcessCommitment(impl, s, id, b, out);
    if (!st.ok()) spdlog::warn("kms session {}: commitment of {}: {}", s.id, id, st.ToString());
  }
}

Status ProcessCommitment(Node::Impl& impl, Session& s, const std::string& from,
                         const CommitmentBody& b, std::vector<Outgoing>& out) {
  if (s.protocol == Protocol::kReshare) {
    if (!b.reshare) return Invalid("malformed_message", "a reshare commitment names its context");
    if (s.holder && !(*b.reshare == *s.context)) {
      s.dealers[from].pending = b;
      if (b.reshare->old_version > s.context->old_version && s.phase == SessionPhase::kDealing &&
          !s.acks_sent) {
        BecomeReceiver(impl, s, out);
        return Status::Ok();
      }
      Disqualify(s, from, "reshares another sharing than ours");
      return Status::Ok();
    }
    if (!s.holder) {
      s.dealers[from].context = *b.reshare;
      AdoptContext(s);
    }
  }
  if (!s.dealers.count(from) || s.dealers[from].index == 0)
    return Invalid("malformed_message", from + " is not a dealer of this session");
  CRYFTTEE_ASSIGN_OR_RETURN(DecodedCommitments c,
                            CheckRecord(s, from, b.commitments, FirstPhase(impl)));
  DealerSlot& d = s.dealers[from];
  if (d.commit) return Status::Ok();  // a duplicate delivery
  SeeRecord(impl, s, from, b.commitments);
  if (c.record.phase == CommitPhase::kFeldman &&
      RecordInconsistent(impl, s, from, c, b.commitments, out))
    return Status::Ok();
  // The record the dealer sent us is the one our share is checked against and acked.
  d.first_record = b.commitments;
  d.commit = std::move(c);
  CheckDeal(impl, s, from, out);
  return Status::Ok();
}

Status OnCommitment(Node::Impl& impl, Session& s, const DecodedMessage& m,
                    std::vector<Outgoing>& out) REQUIRES(impl.mu) {
  CRYFTTEE_ASSIGN_OR_RETURN(CommitmentBody b, DecodeCommitmentBody(m.body));
  return ProcessCommitment(impl, s, m.header.from, b, out);
}

Status OnShare(Node::Impl& impl, Session& s, const DecodedMessage& m, std::vector<Outgoing>& out)
    REQUIRES(impl.mu) {
  CRYFTTEE_ASSIGN_OR_RETURN(ShareBody b, DecodeShareBody(m.body));
  const std::string& from = m.header.from;
  ShareEnvelopeContext ctx{s.id, m.header.type, from, impl.options.self_id};
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes plain, OpenShare(impl.encryption_key, ctx, b.envelope));
  CRYFTTEE_ASSIGN_OR_RETURN(SignedRecord signed_share, DecodeSignedShare(plain.span()));
  auto r = ShareRecord::Decode(signed_share.record);
  if (!r.ok()) {
    SecureWipe(signed_share.record.data(), signed_share.record.size());
    return r.status();
  }
  if (r->session != s.id || r->dealer != from || r->receiver != impl.options.self_id ||
      r->receiver_index != s.my_index)
    return Invalid("malformed_message", "a share for another session or receiver");
  const OperatorSetPeer* p = FindPeer(s.operators, from);
  if (!p || !VerifyRecord(signed_share, p->identity_public_key, Bls12381Identity()))
    return Invalid("bad_record_signature", "share not signed by " + from);
  DealerSlot& d = s.dealers[from];
  if (d.share) return Status::Ok();
  d.share_signed = std::move(signed_share);
  d.share = std::move(r).value();
  // (The dealing index is checked against the commitment record by ShareFits: a receiver that
  // joins may see the share before it knows the index.)
  CheckDeal(impl, s, from, out);
  return Status::Ok();
}

Status OnAck(Node::Impl& impl, Session& s, const DecodedMessage& m) REQUIRES(impl.mu) {
  CRYFTTEE_ASSIGN_OR_RETURN(AckBody b, DecodeAckBody(m.body));
  for (const AckEntry& a : b.acks)
    if (!s.dealers.count(a.dealer))
      return Invalid("malformed_message", "ack for an unknown dealer " + a.dealer);
  for (const AckEntry& a : b.acks) {
    DealerSlot& d = s.dealers[a.dealer];
    // The usual case: the record we already checked (a signature verification saved).
    if (!d.first_record || d.first_record->record != a.commitments.record ||
        d.first_record->signature != a.commitments.signature) {
      CRYFTTEE_RETURN_IF_ERROR(CheckRecord(s, a.dealer, a.commitments, FirstPhase(impl)).status());
      SeeRecord(impl, s, a.dealer, a.commitments);
    }
    d.responded.insert(m.header.from);
  }
  return Status::Ok();
}

Status OnComplaint(Node::Impl& impl, Session& s, const DecodedMessage& m) REQUIRES(impl.mu) {
  CRYFTTEE_ASSIGN_OR_RETURN(ComplaintBody b, DecodeComplaintBody(m.body));
  if (!s.dealers.count(b.dealer))
    return Invalid("malformed_message", "complaint about an unknown dealer");
  s.dealers[b.dealer].responded.insert(m.header.from);
  if (b.reason == "no_share") {
    // Not provable; the dealer is excluded so every receiver finalizes over the same set.
    Disqualify(s, b.dealer, "no share reached " + m.header.from);
    return Status::Ok();
  }
  if (!b.evidence) return Invalid("malformed_message", "this complaint needs evidence");
  CRYFTTEE_ASSIGN_OR_RETURN(EvidenceRecord e, EvidenceRecord::FromJson(*b.evidence));
  const OperatorSetPeer* dealer = FindPeer(s.operators, b.dealer);
  if (e.dealer != b.dealer || e.session != s.id || e.threshold != s.t || e.kind != b.reason ||
      !dealer || e.dealer_identity_key != dealer->identity_public_key)
    return Invalid("malformed_message", "evidence of another session or dealer");
  if (Status v = VerifyEvidence(e, Bls12381Identity()); !v.ok()) {
    spdlog::warn("kms session {}: {} accused {} without proof: {}", s.id, m.header.from, b.dealer,
                 v.ToString());
    return v;
  }
  impl.RecordEvidence(e);
  Disqualify(s, b.dealer, b.reason + " (evidence from " + m.header.from + ")");
  return Status::Ok();
}

Status OnReveal(Node::Impl& impl, Session& s, const DecodedMessage& m) {
  if (impl.options.scheme != VssScheme::kPedersen)
    return Invalid("wrong_scheme", "no reveal phase under Feldman");
  CRYFTTEE_ASSIGN_OR_RETURN(CommitmentBody b, DecodeCommitmentBody(m.body));
  const std::string& from = m.header.from;
  if (!s.dealers.count(from)) return Invalid("malformed_message", "not a dealer");
  CRYFTTEE_ASSIGN_OR_RETURN(DecodedCommitments c,
                            CheckRecord(s, from, b.commitments, CommitPhase::kFeldman));
  DealerSlot& d = s.dealers[from];
  if (d.reveal) return Status::Ok();
  d.reveal = std::move(c);
  d.reveal_signed = b.commitments;
  return Status::Ok();
}

Status OnComplete(Session& s, const DecodedMessage& m) {
  CRYFTTEE_ASSIGN_OR_RETURN(CompleteBody b, DecodeCompleteBody(m.body));
  s.completed_by[m.header.from] = Hex0x(b.group_key);
  return Status::Ok();
}

}  // namespace

Status Node::Impl::ReceiveLocked(std::string_view route, std::string_view wire,
                                 std::vector<Outgoing>& out) {
  CRYFTTEE_ASSIGN_OR_RETURN(DecodedMessage m, DecodeMessage(wire));
  CRYFTTEE_ASSIGN_OR_RETURN(ProtocolType type, ParseProtocolType(m.header.type));
  CRYFTTEE_RETURN_IF_ERROR(CheckRoute(route, type));
  // A message of a session that starts at a boundary we have not reached yet (the sender's
  // clock or scheduler is ahead): kept, bounded, and replayed when it starts.
  if (!session || m.header.session > session->id) {
    uint64_t latest = session ? session->id : 0;
    uint64_t horizon = latest + 2 * uint64_t(options.interval.count());
    if (session && m.header.session > horizon)
      return Invalid("unknown_session",
                     "session " + std::to_string(m.header.session) + " is too far in the future");
    // Not authenticated yet (the session's operator set is not known), so bounded in bytes: a
    // flood costs the oldest buffered messages, never memory.
    while (!future.empty() && future_bytes + wire.size() > kMaxFutureBytes) {
      future_bytes -= future.front().second.size();
      future.pop_front();
    }
    if (wire.size() > kMaxFutureBytes) return Status::Ok();
    future_bytes += wire.size();
    future.emplace_back(std::string(route), std::string(wire));
    return Status::Ok();
  }
  Session& s = *session;
  if (m.header.session != s.id)
    return Invalid("unknown_session", "session " + std::to_string(m.header.session) +
                                          " is not running (current: " + std::to_string(s.id) +
                                          ")");
  CRYFTTEE_RETURN_IF_ERROR(Authenticate(m, s.operators, options.self_id, Bls12381Identity()));
  if (!seen.Accept(m.header.session, m.header.from, m.header.sequence))
    return Status::Error(StatusCategory::kUnauthenticated, "replayed_message",
                         "message " + std::to_string(m.header.sequence) + " from " + m.header.from +
                             " was already received");
  if (type.protocol != s.protocol) {
    // A joining operator (no share yet) started a DKG; the holders reshare: follow them.
    // Only a reshare commitment (which names the sharing it reshares) switches us.
    if (type.protocol == Protocol::kReshare && type.kind == BodyKind::kCommitment && !s.holder &&
        s.protocol == Protocol::kDkg && s.phase == SessionPhase::kDealing &&
        DecodeCommitmentBody(m.body).ok()) {
      spdlog::info("kms session {}: the others reshare; joining as a receiver", s.id);
      s.protocol = Protocol::kReshare;
      s.dealers.clear();
      s.my_poly.reset();
    } else {
      return Invalid("unknown_session", "session " + std::to_string(s.id) + " is a " +
                                            (s.protocol == Protocol::kDkg ? "DKG" : "reshare"));
    }
  }
  if (s.phase == SessionPhase::kDone || s.phase == SessionPhase::kAborted) {
    if (type.kind == BodyKind::kComplete) return OnComplete(s, m);
    return Status::Ok();  // late, harmless
  }
  Status st;
  switch (type.kind) {
    case BodyKind::kCommitment:
      st = OnCommitment(*this, s, m, out);
      break;
    case BodyKind::kShare:
      st = OnShare(*this, s, m, out);
      break;
    case BodyKind::kAck:
      st = OnAck(*this, s, m);
      break;
    case BodyKind::kComplaint:
      st = OnComplaint(*this, s, m);
      break;
    case BodyKind::kReveal:
      st = OnReveal(*this, s, m);
      break;
    case BodyKind::kComplete:
      st = OnComplete(s, m);
      break;
  }
  Advance(out);
  return st;
}

// --- advancing ------------------------------------------------------------------------------

namespace {

std::vector<std::string> ExpectedDealers(const Session& s) {
  std::vector<std::string> out;
  if (s.protocol == Protocol::kReshare) {
    if (s.context) out = s.context->dealers;
  } else {
    for (const auto& p : s.operators) out.push_back(p.id);
  }
  return out;
}

// Every expected dealer is settled and every receiver answered for every dealer still in.
bool AllResponded(const Session& s) {
  auto dealers = ExpectedDealers(s);
  if (dealers.empty()) return false;
  for (const auto& id : dealers) {
    auto it = s.dealers.find(id);
    if (it == s.dealers.end()) return false;
    const DealerSlot& d = it->second;
    if (d.disqualified) continue;
    if (!d.deal_ok) return false;
    for (const auto& p : s.operators)
      if (!d.responded.count(p.id)) return false;
  }
  return true;
}

uint64_t Deadline(const Node::Impl& impl, const Session& s, double fraction) {
  return s.id + uint64_t(double(impl.options.interval.count()) * fraction);
}

}  // namespace

// Drops the secrets of a session that is over (polynomial, received shares).
void WipeSecrets(Session& s) {
  s.my_poly.reset();
  for (auto& [id, d] : s.dealers) {
    d.share.reset();
    if (d.share_signed) SecureWipe(d.share_signed->record.data(), d.share_signed->record.size());
    d.share_signed.reset();
  }
}

void Node::Impl::Abort(const std::string& reason) {
  if (!session) return;
  Session& s = *session;
  s.phase = SessionPhase::kAborted;
  s.outcome = "aborted: " + reason;
  WipeSecrets(s);
  spdlog::warn("kms session {}: aborted: {}", s.id, reason);
}

namespace {

// Combines the qualified dealers' phase-2 vectors and our shares into the new version.
Status Finalize(Node::Impl& impl, Session& s, std::vector<Outgoing>& out) REQUIRES(impl.mu) {
  threshold::Session ts;
  ts.id = SessionBytes(s.id);
  ts.threshold = s.t;
  for (const auto& p : s.operators) ts.receivers.push_back(s.index[p.id]);
  std::vector<threshold::SignedCommitments> revealed;
  std::vector<threshold::SignedShare> shares;
  std::vector<const DecodedCommitments*> vectors;
  for (const auto& id : s.qualified) {
    DealerSlot& d = s.dealers[id];
    const DecodedCommitments& c =
        impl.options.scheme == VssScheme::kPedersen ? *d.reveal : *d.commit;
    vectors.push_back(&c);
    ts.dealers.push_back(d.index);
    revealed.push_back({ts.id, d.index, threshold::Phase::kFeldman, c.g1, {}});
    auto scalars = ShareScalars(*d.share);
    if (!scalars.ok()) return scalars.status();
    threshold::SignedShare sh;
    sh.session = ts.id;
    sh.dealer = d.index;
    sh.share = {scalars->first, scalars->second};
    shares.push_back(std::move(sh));
  }
  std::vector<G1Group::Point> old_vector;
  if (s.protocol == Protocol::kReshare) {
    std::vector<Bytes> enc = s.context->old_verification_g1;
    CRYFTTEE_ASSIGN_OR_RETURN(old_vector, threshold::DecodePoints<G1Group>(enc));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(threshold::DkgResult r,
                            threshold::Finalize(ts, s.my_index, revealed, shares, old_vector));
  // The same combination in G2: the /pubkey commitments (commitments[0] = master key in G2).
  std::vector<Fr> lambda(ts.dealers.size(), FrOne());
  if (s.protocol == Protocol::kReshare) {
    CRYFTTEE_ASSIGN_OR_RETURN(lambda, threshold::LagrangeCoefficients(ts.dealers));
  }
  std::vector<G2Group::Point> g2(s.t, JacIdentity<Fp2>());
  for (size_t j = 0; j < vectors.size(); ++j)
    for (uint32_t k = 0; k < s.t; ++k)
      g2[k] = G2Group::Add(g2[k], G2Group::MulPublic(vectors[j]->g2[k], lambda[j]));
  if (s.protocol == Protocol::kReshare) {
    CRYFTTEE_ASSIGN_OR_RETURN(G2Group::Point old_key, G2Group::Decode(s.context->old_group_key_g2));
    if (!G2Group::Equal(old_key, g2[0]))
      return Status::Internal("group_key_changed", "the reshare changed the G2 group key");
  }
  VersionMeta meta;
  meta.version = s.id / 1000;
  meta.session_ms = s.id;
  meta.t = s.t;
  meta.n = s.n;
  meta.index = s.my_index;
  meta.scheme = impl.options.scheme == VssScheme::kPedersen ? "pedersen" : "feldman";
  for (const auto& p : s.operators) meta.members.emplace_back(p.id, s.index[p.id]);
  meta.verification_g1 = r.verification;
  meta.verification_g2 = g2;
  keys::ShareVersion v{meta.version, s.t, r.share, r.verification};
  CRYFTTEE_RETURN_IF_ERROR(impl.StoreVersion(v, meta));
  s.phase = SessionPhase::kDone;
  s.outcome = "completed";
  WipeSecrets(s);
  auto key = G1Group::Encode(r.group_key);
  spdlog::info("kms session {}: {} completed: version {}, t={} n={}, {} qualified dealers", s.id,
               s.protocol == Protocol::kDkg ? "DKG" : "reshare", meta.version, s.t, s.n,
               s.qualified.size());
  if (s.protocol == Protocol::kReshare) {
    CompleteBody c{meta.version, Bytes(key.begin(), key.end()), s.qualified};
    Broadcast(impl, s, BodyKind::kComplete, ToJson(c), out);
  }
  return Status::Ok();
}

}  // namespace

void Node::Impl::Advance(std::vector<Outgoing>& out) {
  if (!session) return;
  Session& s = *session;
  if (s.phase == SessionPhase::kDone || s.phase == SessionPhase::kAborted) return;
  if (now_ms >= Deadline(*this, s, 0.9)) return Abort("timeout");

  if (s.phase == SessionPhase::kDealing) {
    AdoptContext(s);
    SendAcks(*this, s, false, out);  // a dealer excluded since the last check may complete them
    auto expected = ExpectedDealers(s);
    if (!s.no_share_complaints_sent && now_ms >= Deadline(*this, s, kDealDeadline) &&
        !expected.empty()) {
      s.no_share_complaints_sent = true;
      SendAcks(*this, s, true, out);
      for (const auto& id : expected) {
        DealerSlot& d = s.dealers[id];
        if (d.disqualified || d.deal_ok) continue;
        Disqualify(s, id, "no share reached us");
        Broadcast(*this, s, BodyKind::kComplaint, ToJson(ComplaintBody{id, "no_share", {}}), out);
      }
    }
    if (!AllResponded(s) && now_ms < Deadline(*this, s, kQualifyDeadline)) return;
    s.qualified.clear();
    for (const auto& id : expected) {
      const DealerSlot& d = s.dealers[id];
      if (!d.disqualified && d.deal_ok == true) s.qualified.push_back(id);
    }
    size_t needed = s.protocol == Protocol::kReshare && s.context ? s.context->old_threshold : s.t;
    if (s.qualified.size() < needed)
      return Abort("not_enough_dealers (" + std::to_string(s.qualified.size()) + " qualified, " +
                   std::to_string(needed) + " needed)");
    if (options.scheme == VssScheme::kPedersen) {
      s.phase = SessionPhase::kRevealing;
      if (s.my_poly && Contains(s.qualified, options.self_id)) {
        CommitmentRecord r;
        r.session = s.id;
        r.dealer = options.self_id;
        r.dealer_index = s.dealers[options.self_id].index;
        r.phase = CommitPhase::kFeldman;
        r.threshold = s.t;
        r.g1 = EncodeAll(threshold::FeldmanCommit<G1Group>(s.my_poly->f));
        r.g2 = EncodeAll(threshold::FeldmanCommit<G2Group>(s.my_poly->f));
        auto signed_record = SignRecord(r.Encode(), *identity);
        if (!signed_record.ok()) return Abort("cannot sign the reveal");
        Broadcast(*this, s, BodyKind::kReveal, ToJson(CommitmentBody{*signed_record, {}}), out);
      }
    }
  }

  if (s.phase == SessionPhase::kRevealing) {
    bool all = true;
    for (const auto& id : s.qualified) all = all && s.dealers[id].reveal.has_value();
    if (!all) {
      if (now_ms >= Deadline(*this, s, kRevealDeadline)) Abort("missing_reveal");
      return;
    }
    // A qualified dealer whose phase-2 vectors disagree with each other or with our share
    // cannot be dropped now without the receivers diverging: record the evidence and abort.
    for (const auto& id : s.qualified) {
      DealerSlot& d = s.dealers[id];
      if (RecordInconsistent(*this, s, id, *d.reveal, *d.reveal_signed, out))
        return Abort("commitment_inconsistency by " + id);
      if (!ShareFits(*d.reveal, *d.share)) {
        EvidenceRecord e = MakeEvidence(*this, s, "commitment_inconsistency", id,
                                        {*d.first_record, *d.reveal_signed}, *d.share_signed);
        RecordEvidence(e);
        Disqualify(s, id, "commitment_inconsistency");
        Broadcast(*this, s, BodyKind::kComplaint,
                  ToJson(ComplaintBody{id, "commitment_inconsistency", e.ToJson()}), out);
        return Abort("commitment_inconsistency by " + id);
      }
    }
  }
  // (Feldman: phase 1 already was the G1 + G2 vector, checked for consistency on receipt.)
  if (Status st = Finalize(*this, s, out); !st.ok()) Abort("finalize: " + st.ToString());
}

}  // namespace cryfttee::kms
