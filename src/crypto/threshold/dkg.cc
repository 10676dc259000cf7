#include "crypto/threshold/dkg.h"

#include <algorithm>

namespace cryfttee::threshold {
namespace {

using namespace bls::internal;

void PutU32(Bytes& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
}

void PutBytes(Bytes& out, ByteSpan b) {
  PutU32(out, uint32_t(b.size()));
  out.insert(out.end(), b.begin(), b.end());
}

ByteSpan Span(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

bool Contains(std::span<const uint32_t> set, uint32_t i) {
  return std::find(set.begin(), set.end(), i) != set.end();
}

Status Invalid(const std::string& m) { return Status::InvalidArgument("invalid_message", m); }

// A session's index sets: each distinct and in 1..kMaxParticipants. Index 0 is the secret itself
// (f(0)): a share "for" it would hand the dealt secret, or in a reshare the dealer's own share,
// to whoever asked.
Status CheckIndexSet(std::span<const uint32_t> set, const char* what) {
  std::vector<uint32_t> sorted(set.begin(), set.end());
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i] < 1 || sorted[i] > kMaxParticipants || (i > 0 && sorted[i] == sorted[i - 1])) {
      return Status::InvalidArgument("invalid_index", std::string(what) +
                                                          " must be distinct indices in 1.." +
                                                          std::to_string(kMaxParticipants));
    }
  }
  return Status::Ok();
}

Status CheckSession(const Session& s) {
  if (Status st = CheckThreshold(s.threshold, uint32_t(s.receivers.size())); !st.ok()) return st;
  if (Status st = CheckIndexSet(s.receivers, "receivers"); !st.ok()) return st;
  if (s.dealers.empty()) return Status::InvalidArgument("invalid_index", "no dealers");
  return CheckIndexSet(s.dealers, "dealers");
}

bool SameBytes(const SignedCommitments& a, const SignedCommitments& b) {
  return a.SigningBytes() == b.SigningBytes();
}

}  // namespace

Bytes SignedCommitments::SigningBytes() const {
  Bytes out;
  PutBytes(out, Span("CRYFTTEE-DKG-COMMITMENTS-V1"));
  PutBytes(out, session);
  PutU32(out, dealer);
  out.push_back(uint8_t(phase));
  PutU32(out, uint32_t(points.size()));
  for (const auto& p : points) {
    auto e = G1Group::Encode(p);
    out.insert(out.end(), e.begin(), e.end());
  }
  return out;
}

Bytes SignedShare::SigningBytes() const {
  Bytes out;
  PutBytes(out, Span("CRYFTTEE-DKG-SHARE-V1"));
  PutBytes(out, session);
  PutU32(out, dealer);
  PutU32(out, share.share.index);
  uint8_t b[32];
  FrToBytes32(b, share.share.value);
  out.insert(out.end(), b, b + 32);
  FrToBytes32(b, share.blinding.value);
  out.insert(out.end(), b, b + 32);
  SecureWipe(b, sizeof b);
  return out;  // secret: callers wipe (SignShare / VerifySignature do)
}

void SignCommitments(SignedCommitments& c, const bls::SecretKey& identity) {
  c.signature = identity.Sign(c.SigningBytes(), kDkgDst).ToBytes();
}

void SignShare(SignedShare& s, const bls::SecretKey& identity) {
  Bytes m = s.SigningBytes();
  s.signature = identity.Sign(m, kDkgDst).ToBytes();
  SecureWipe(m.data(), m.size());
}

bool VerifySignature(const SignedCommitments& c, const bls::PublicKey& key) {
  auto sig = bls::Signature::FromBytes(c.signature);
  return sig.ok() && bls::Verify(key, c.SigningBytes(), *sig, kDkgDst);
}

bool VerifySignature(const SignedShare& s, const bls::PublicKey& key) {
  auto sig = bls::Signature::FromBytes(s.signature);
  Bytes m = s.SigningBytes();
  bool ok = sig.ok() && bls::Verify(key, m, *sig, kDkgDst);
  SecureWipe(m.data(), m.size());
  return ok;
}

Result<Dealer> Dealer::Create(const Session& s, uint32_t my_index, const bls::SecretKey& identity,
                              std::optional<Share> current_share) {
  if (Status st = CheckSession(s); !st.ok()) return st;
  if (!Contains(s.dealers, my_index))
    return Status::InvalidArgument("invalid_index", "not a dealer of this session");
  auto poly = current_share ? PedersenDealer::WithConstant(s.threshold, current_share->value)
                            : PedersenDealer::Random(s.threshold);
  if (!poly.ok()) return poly.status();
  Dealer d(std::move(poly).value());
  d.session_ = s.id;
  d.index_ = my_index;
  d.blinded_ = {s.id, my_index, Phase::kBlinded, PedersenCommit<G1Group>(d.poly_), {}};
  SignCommitments(d.blinded_, identity);
  for (uint32_t r : s.receivers) {
    SignedShare sh;
    sh.session = s.id;
    sh.dealer = my_index;
    sh.share = {Share(r, d.poly_.f.Evaluate(r)), Share(r, d.poly_.blind.Evaluate(r))};
    SignShare(sh, identity);
    d.shares_.push_back(std::move(sh));
  }
  return d;
}

SignedCommitments Dealer::Reveal(const bls::SecretKey& identity) const {
  SignedCommitments c{session_, index_, Phase::kFeldman, FeldmanCommit<G1Group>(poly_.f), {}};
  SignCommitments(c, identity);
  return c;
}

bool Evidence::Verify(const bls::PublicKey& key, ByteSpan session, uint32_t t) const {
  auto mine = [&](const SignedCommitments& c) {
    return c.dealer == dealer && Bytes(session.begin(), session.end()) == c.session &&
           VerifySignature(c, key);
  };
  for (const auto& c : commitments)
    if (!mine(c)) return false;
  if (share &&
      (share->dealer != dealer || share->session != Bytes(session.begin(), session.end()) ||
       !VerifySignature(*share, key)))
    return false;
  switch (kind) {
    case Kind::kInvalidShare:
      if (commitments.size() != 1 || !share || commitments[0].phase != Phase::kBlinded)
        return false;
      return commitments[0].points.size() != t ||
             !PedersenVerifyShare<G1Group>(commitments[0].points, share->share);
    case Kind::kEquivocation:
      return commitments.size() == 2 && commitments[0].phase == commitments[1].phase &&
             !SameBytes(commitments[0], commitments[1]);
    case Kind::kCommitmentInconsistency:
      if (commitments.size() != 2 || !share || commitments[0].phase != Phase::kBlinded ||
          commitments[1].phase != Phase::kFeldman || commitments[0].points.size() != t ||
          !PedersenVerifyShare<G1Group>(commitments[0].points, share->share))
        return false;
      return commitments[1].points.size() != t ||
             !FeldmanVerifyShare<G1Group>(commitments[1].points, share->share.share);
  }
  return false;
}

Result<std::optional<Evidence>> CheckDeal(const Session& s, uint32_t my_index,
                                          const bls::PublicKey& key,
                                          const SignedCommitments& blinded,
                                          const SignedShare& share) {
  if (blinded.session != s.id || share.session != s.id) return Invalid("wrong session");
  if (blinded.dealer != share.dealer || !Contains(s.dealers, blinded.dealer))
    return Invalid("unknown dealer");
  if (blinded.phase != Phase::kBlinded) return Invalid("not a phase-1 vector");
  if (share.share.share.index != my_index || share.share.blinding.index != my_index)
    return Invalid("share addressed to another index");
  if (!VerifySignature(blinded, key) || !VerifySignature(share, key))
    return Invalid("not signed by the dealer");
  if (blinded.points.size() == s.threshold &&
      PedersenVerifyShare<G1Group>(blinded.points, share.share))
    return std::optional<Evidence>();
  return std::optional<Evidence>(
      Evidence{Evidence::Kind::kInvalidShare, blinded.dealer, {blinded}, share});
}

std::optional<Evidence> DetectEquivocation(const bls::PublicKey& key, const SignedCommitments& a,
                                           const SignedCommitments& b) {
  if (a.dealer != b.dealer || a.session != b.session || a.phase != b.phase) return std::nullopt;
  if (SameBytes(a, b) || !VerifySignature(a, key) || !VerifySignature(b, key)) return std::nullopt;
  return Evidence{Evidence::Kind::kEquivocation, a.dealer, {a, b}, std::nullopt};
}

Result<std::optional<Evidence>> CheckReveal(const Session& s, const bls::PublicKey& key,
                                            const SignedCommitments& blinded,
                                            const SignedCommitments& revealed,
                                            const SignedShare& share) {
  if (revealed.session != s.id || revealed.dealer != blinded.dealer ||
      revealed.phase != Phase::kFeldman)
    return Invalid("not this dealer's phase-2 vector");
  if (!VerifySignature(revealed, key)) return Invalid("not signed by the dealer");
  if (revealed.points.size() == s.threshold &&
      FeldmanVerifyShare<G1Group>(revealed.points, share.share.share))
    return std::optional<Evidence>();
  return std::optional<Evidence>(Evidence{
      Evidence::Kind::kCommitmentInconsistency, blinded.dealer, {blinded, revealed}, share});
}

Result<DkgResult> Finalize(const Session& s, uint32_t my_index,
                           std::span<const SignedCommitments> revealed,
                           std::span<const SignedShare> shares,
                           std::span<const G1Group::Point> old_verification) {
  if (Status st = CheckSession(s); !st.ok()) return st;
  if (revealed.size() != shares.size())
    return Status::InvalidArgument("invalid_argument", "one share per revealed vector");
  if (!Contains(s.receivers, my_index))
    return Status::InvalidArgument("invalid_index", "not a receiver of this session");
  std::vector<uint32_t> dealers;
  for (size_t k = 0; k < revealed.size(); ++k) {
    const auto& c = revealed[k];
    if (c.session != s.id || c.phase != Phase::kFeldman || c.points.size() != s.threshold ||
        !Contains(s.dealers, c.dealer) || shares[k].dealer != c.dealer ||
        shares[k].share.share.index != my_index)
      return Invalid("revealed vector " + std::to_string(k) + " does not fit the session");
    dealers.push_back(c.dealer);
  }
  const bool reshare = !old_verification.empty();
  size_t needed = reshare ? old_verification.size() : s.threshold;
  if (dealers.size() < needed)
    return Status::InvalidArgument(
        "not_enough_dealers",
        std::to_string(dealers.size()) + " qualified dealers, need " + std::to_string(needed));
  std::vector<Fr> lambda(dealers.size(), FrOne());
  if (reshare) {
    auto l = LagrangeCoefficients(dealers);
    if (!l.ok()) return l.status();
    lambda = *l;
    for (size_t k = 0; k < dealers.size(); ++k) {
      if (!G1Group::Equal(revealed[k].points[0],
                          PublicShare<G1Group>(old_verification, dealers[k])))
        return Status::InvalidArgument(
            "inconsistent_reshare",
            "dealer " + std::to_string(dealers[k]) + " did not reshare its current share");
    }
  } else if (auto l = LagrangeCoefficients(dealers); !l.ok()) {
    return l.status();  // duplicate dealers
  }
  DkgResult out;
  out.qualified = dealers;
  out.share.index = my_index;
  out.verification.assign(s.threshold, JacIdentity<Fp>());
  for (size_t k = 0; k < dealers.size(); ++k) {
    out.share.value = FrAdd(out.share.value, FrMul(lambda[k], shares[k].share.share.value));
    for (uint32_t c = 0; c < s.threshold; ++c)
      out.verification[c] =
          G1Group::Add(out.verification[c], G1Group::MulPublic(revealed[k].points[c], lambda[k]));
  }
  out.group_key = out.verification[0];
  if (reshare && !G1Group::Equal(out.group_key, old_verification[0]))
    return Status::Internal("group_key_changed", "reshare changed the group public key");
  if (!FeldmanVerifyShare<G1Group>(out.verification, out.share))
    return Status::Internal("invalid_message", "final share does not match the vector");
  return out;
}

}  // namespace cryfttee::threshold
