#include "kms/evidence.h"

#include "crypto/bls12_381/ct.h"
#include "crypto/bls12_381/pairing.h"
#include "crypto/threshold/feldman.h"
#include "crypto/threshold/pedersen.h"

namespace cryfttee::kms {
namespace {

using namespace bls::internal;
using threshold::G1Group;
using threshold::G2Group;

Status Malformed(const std::string& why) {
  return Status::InvalidArgument("malformed_evidence", why);
}
Status NotProven(const std::string& why) {
  return Status::InvalidArgument("evidence_not_proven", why);
}

}  // namespace

Result<DecodedCommitments> DecodeCommitments(ByteSpan record) {
  DecodedCommitments out;
  CRYFTTEE_ASSIGN_OR_RETURN(out.record, CommitmentRecord::Decode(record));
  CRYFTTEE_ASSIGN_OR_RETURN(out.g1, threshold::DecodePoints<G1Group>(out.record.g1));
  CRYFTTEE_ASSIGN_OR_RETURN(out.g2, threshold::DecodePoints<G2Group>(out.record.g2));
  return out;
}

bool G1G2Consistent(const DecodedCommitments& c) {
  if (c.g1.size() != c.g2.size() || c.g1.empty()) return false;
  G1Group::Point a = JacIdentity<Fp>();
  G2Group::Point b = JacIdentity<Fp2>();
  for (size_t k = 0; k < c.g1.size(); ++k) {
    auto r = threshold::RandomScalar();
    if (!r.ok()) return false;
    a = G1Group::Add(a, G1Group::MulPublic(c.g1[k], *r));
    b = G2Group::Add(b, G2Group::MulPublic(c.g2[k], *r));
  }
  G1Affine neg_g = G1Generator();
  neg_g.y = -neg_g.y;
  PairingInput pairs[2] = {{ToAffine(a), G2Generator()}, {neg_g, ToAffine(b)}};
  return PairingProductIsOne(pairs, 2);
}

Result<std::pair<threshold::Share, threshold::Share>> ShareScalars(const ShareRecord& s) {
  std::pair<threshold::Share, threshold::Share> out;
  out.first.index = out.second.index = s.receiver_index;
  uint64_t ok = FrFromBytes32(out.first.value, s.value.data()) &
                FrFromBytes32(out.second.value, s.blinding.data());
  Declassify(&ok, sizeof ok);  // whether a share is canonical is not worth hiding
  if (!ok) return Status::InvalidArgument("malformed_message", "share scalar is not below r");
  return out;
}

bool ShareFits(const DecodedCommitments& c, const ShareRecord& s) {
  if (c.g1.size() != c.record.threshold || s.session != c.record.session ||
      s.dealer != c.record.dealer || s.dealer_index != c.record.dealer_index)
    return false;
  auto scalars = ShareScalars(s);
  if (!scalars.ok()) return false;
  if (c.record.phase == CommitPhase::kBlinded) {
    threshold::PedersenShare ps{scalars->first, scalars->second};
    return threshold::PedersenVerifyShare<G1Group>(c.g1, ps);
  }
  return threshold::FeldmanVerifyShare<G1Group>(c.g1, scalars->first);
}

Status VerifyEvidence(const EvidenceRecord& e, const IdentityVerifier& verifier) {
  if (Status s = verifier.CheckPublicKey(e.dealer_identity_key); !s.ok())
    return Malformed("dealer_identity_key: " + s.message());
  std::vector<DecodedCommitments> commitments;
  for (const SignedRecord& r : e.commitments) {
    auto c = DecodeCommitments(r.record);
    if (!c.ok()) return Malformed("commitment record: " + c.status().message());
    if (c->record.session != e.session || c->record.dealer != e.dealer)
      return Malformed("a commitment record of another session or dealer");
    if (!VerifyRecord(r, e.dealer_identity_key, verifier))
      return Status::InvalidArgument("bad_evidence_signature",
                                     "a commitment record is not signed by " + e.dealer);
    commitments.push_back(std::move(c).value());
  }
  std::optional<ShareRecord> share;
  if (e.share) {
    auto s = ShareRecord::Decode(e.share->record);
    if (!s.ok()) return Malformed("share record: " + s.status().message());
    if (s->session != e.session || s->dealer != e.dealer)
      return Malformed("a share record of another session or dealer");
    if (!VerifyRecord(*e.share, e.dealer_identity_key, verifier))
      return Status::InvalidArgument("bad_evidence_signature",
                                     "the share record is not signed by " + e.dealer);
    share = std::move(s).value();
  }
  auto fits = [&](const DecodedCommitments& c) {
    return c.record.threshold == e.threshold && c.g1.size() == e.threshold && ShareFits(c, *share);
  };
  if (e.kind == "invalid_share") {
    if (commitments.size() != 1 || !share) return Malformed("invalid_share: one record + share");
    if (fits(commitments[0])) return NotProven("the share fits the dealer's commitments");
    return Status::Ok();
  }
  if (e.kind == "equivocation") {
    if (commitments.size() != 2) return Malformed("equivocation: two records");
    if (commitments[0].record.phase != commitments[1].record.phase)
      return NotProven("records of different phases");
    if (e.commitments[0].record == e.commitments[1].record)
      return NotProven("the two records are the same");
    return Status::Ok();
  }
  if (e.kind == "commitment_inconsistency") {
    if (commitments.size() == 1) {
      if (commitments[0].record.phase != CommitPhase::kFeldman)
        return Malformed("commitment_inconsistency: a phase-2 record");
      if (G1G2Consistent(commitments[0])) return NotProven("G1 and G2 vectors agree");
      return Status::Ok();
    }
    if (commitments.size() != 2 || !share || commitments[0].record.phase != CommitPhase::kBlinded ||
        commitments[1].record.phase != CommitPhase::kFeldman)
      return Malformed("commitment_inconsistency: phase-1 and phase-2 records + share");
    if (!fits(commitments[0])) return NotProven("the share does not fit phase 1 (not this fraud)");
    if (fits(commitments[1])) return NotProven("the share fits phase 2 as well");
    return Status::Ok();
  }
  return Malformed("unknown kind");
}

}  // namespace cryfttee::kms
