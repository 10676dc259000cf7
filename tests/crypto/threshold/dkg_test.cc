// DKG and reshare state machines: honest runs agree on the group key and raise no evidence;
// reshares keep the group key across (t, n) -> (t', n') including a receive-only new operator;
// old and new shares do not mix; each fraud type is detected and its evidence verifies alone.
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <map>
#include <random>

#include "crypto/threshold/dkg.h"

namespace cryfttee::threshold {
namespace {

using namespace bls::internal;

struct Operators {
  std::map<uint32_t, bls::SecretKey> sk;
  const bls::SecretKey& Key(uint32_t i) {
    if (!sk.count(i)) sk.emplace(i, bls::SecretKey::Generate().value());
    return sk.at(i);
  }
  bls::PublicKey Pub(uint32_t i) { return Key(i).GetPublicKey(); }
};

Bytes SessionId() {
  Bytes id(32);
  RAND_bytes(id.data(), 32);
  return id;
}

std::vector<uint32_t> Range(uint32_t from, uint32_t to) {
  std::vector<uint32_t> v;
  for (uint32_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// Runs every step honestly; returns each receiver's result.
std::map<uint32_t, DkgResult> RunSession(const Session& s, Operators& ops,
                                         const std::map<uint32_t, DkgResult>* old = nullptr) {
  std::map<uint32_t, Dealer> dealers;
  for (uint32_t d : s.dealers) {
    std::optional<Share> cur;
    if (old) cur = old->at(d).share;
    auto dl = Dealer::Create(s, d, ops.Key(d), cur);
    EXPECT_TRUE(dl.ok()) << dl.status().message();
    dealers.emplace(d, std::move(dl).value());
  }
  std::map<uint32_t, DkgResult> out;
  for (size_t ri = 0; ri < s.receivers.size(); ++ri) {
    uint32_t r = s.receivers[ri];
    std::vector<SignedCommitments> revealed;
    std::vector<SignedShare> mine;
    for (auto& [d, dealer] : dealers) {
      auto ev = CheckDeal(s, r, ops.Pub(d), dealer.blinded(), dealer.shares()[ri]);
      EXPECT_TRUE(ev.ok() && !ev->has_value()) << "honest dealer " << d << " accused";
      auto rev = dealer.Reveal(ops.Key(d));
      auto ev2 = CheckReveal(s, ops.Pub(d), dealer.blinded(), rev, dealer.shares()[ri]);
      EXPECT_TRUE(ev2.ok() && !ev2->has_value());
      revealed.push_back(rev);
      mine.push_back(dealer.shares()[ri]);
    }
    std::vector<G1> old_vv;
    if (old) old_vv = old->begin()->second.verification;
    auto res = Finalize(s, r, revealed, mine, old_vv);
    EXPECT_TRUE(res.ok()) << res.status().message();
    if (res.ok()) out.emplace(r, *res);
  }
  return out;
}

Fr Secret(const std::map<uint32_t, DkgResult>& res, uint32_t t) {
  std::vector<Share> sh;
  for (const auto& [i, r] : res) {
    if (sh.size() == t) break;
    sh.push_back(r.share);
  }
  return *InterpolateAtZero(sh);
}

TEST(DkgTest, HonestDkgThenReshareKeepsTheGroupKey) {
  uint32_t seed;
  RAND_bytes(reinterpret_cast<uint8_t*>(&seed), sizeof seed);
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  Operators ops;
  uint32_t n = 3 + rng() % 5, t = 1 + rng() % n;
  Session s{SessionId(), t, Range(1, n), Range(1, n)};
  auto dkg = RunSession(s, ops);
  ASSERT_EQ(dkg.size(), n);
  const G1 key = dkg.begin()->second.group_key;
  for (const auto& [i, r] : dkg) {
    EXPECT_TRUE(G1Group::Equal(r.group_key, key)) << "participants disagree";
    EXPECT_TRUE(FeldmanVerifyShare<G1Group>(r.verification, r.share));
  }
  Fr secret = Secret(dkg, t);
  EXPECT_TRUE(G1Group::Equal(G1Group::MulPublic(G1Group::Generator(), secret), key));

  // Reshare: t old holders deal to a new set that drops operator 1 and adds operator n+1
  // (receive-only), with a new threshold.
  uint32_t n2 = n, t2 = 1 + rng() % n2;
  std::vector<uint32_t> dealers = Range(n - t + 1, n);  // any t old holders
  Session s2{SessionId(), t2, dealers, Range(2, n + 1)};
  auto re = RunSession(s2, ops, &dkg);
  ASSERT_EQ(re.size(), n2);
  for (const auto& [i, r] : re) EXPECT_TRUE(G1Group::Equal(r.group_key, key)) << "key changed";
  EXPECT_TRUE(re.count(n + 1));
  EXPECT_NE(FrEqMask(Secret(re, t2), secret), 0u) << "reshare changed the secret";
  // Old shares do not combine with new ones (unless the threshold is 1: any share is the key).
  if (t2 > 1 && t > 1) {
    std::vector<Share> mixed = {dkg.at(1).share};
    for (const auto& [i, r] : re) {
      if (mixed.size() == t2) break;
      if (i != 1) mixed.push_back(r.share);
    }
    EXPECT_EQ(FrEqMask(*InterpolateAtZero(mixed), secret), 0u);
  }
  // A reshare with fewer than t old dealers is refused.
  if (t > 1) {
    Session s3{SessionId(), t2, Range(1, t - 1), Range(1, n)};
    auto dl = Dealer::Create(s3, 1, ops.Key(1), dkg.at(1).share);
    ASSERT_TRUE(dl.ok());
    std::vector<SignedCommitments> rv = {dl->Reveal(ops.Key(1))};
    std::vector<SignedShare> sh = {dl->shares()[0]};
    EXPECT_EQ(Finalize(s3, 1, rv, sh, dkg.at(1).verification).status().code(),
              "not_enough_dealers");
  }
}

// Index 0 would be f(0): the dealt secret (in a reshare, the dealer's own share). Duplicates and
// indices past kMaxParticipants are refused too, by Create and by Finalize, before any share
// exists; a zero threshold never reaches the verification-vector arithmetic.
TEST(DkgTest, SessionIndicesAreValidated) {
  Operators ops;
  const std::vector<Session> bad = {
      {SessionId(), 2, Range(1, 3), {0, 1, 2}},
      {SessionId(), 2, Range(1, 3), {1, 2, 2}},
      {SessionId(), 2, Range(1, 3), {1, 2, kMaxParticipants + 1}},
      {SessionId(), 2, {1, 1, 2}, Range(1, 3)},
      {SessionId(), 2, {}, Range(1, 3)},
      {SessionId(), 0, Range(1, 3), Range(1, 3)},
  };
  for (const Session& s : bad) {
    auto d = Dealer::Create(s, 1, ops.Key(1));
    EXPECT_FALSE(d.ok());
    EXPECT_FALSE(Finalize(s, 1, {}, {}, {}).ok());
  }
  Session good{SessionId(), 2, Range(1, 3), Range(1, 3)};
  EXPECT_TRUE(Dealer::Create(good, 1, ops.Key(1)).ok());
}

struct FraudSetup {
  Operators ops;
  Session s{SessionId(), 3, Range(1, 4), Range(1, 4)};
  std::optional<Dealer> dealer;
  FraudSetup() { dealer.emplace(Dealer::Create(s, 2, ops.Key(2)).value()); }
};

TEST(DkgFraudTest, InvalidShareIsProvable) {
  FraudSetup f;
  SignedShare bad = f.dealer->shares()[0];  // to receiver 1
  bad.share.share.value = FrAdd(bad.share.share.value, FrOne());
  SignShare(bad, f.ops.Key(2));  // the dealer signs the bad share it sends
  auto ev = CheckDeal(f.s, 1, f.ops.Pub(2), f.dealer->blinded(), bad);
  ASSERT_TRUE(ev.ok());
  ASSERT_TRUE(ev->has_value());
  EXPECT_EQ((*ev)->kind, Evidence::Kind::kInvalidShare);
  EXPECT_TRUE((*ev)->Verify(f.ops.Pub(2), f.s.id, 3));
  // Not valid against another dealer's key, another session, or with a doctored share.
  EXPECT_FALSE((*ev)->Verify(f.ops.Pub(3), f.s.id, 3));
  EXPECT_FALSE((*ev)->Verify(f.ops.Pub(2), SessionId(), 3));
  Evidence forged = **ev;
  forged.share = f.dealer->shares()[0];  // the honest share: no fraud to prove
  EXPECT_FALSE(forged.Verify(f.ops.Pub(2), f.s.id, 3));
  // A receiver cannot frame the dealer by altering the share: the signature breaks.
  Evidence framed = **ev;
  framed.share = f.dealer->shares()[0];
  framed.share->share.share.value = FrAdd(framed.share->share.share.value, FrOne());
  EXPECT_FALSE(framed.Verify(f.ops.Pub(2), f.s.id, 3));
  // An unsigned share is a malformed message, not evidence.
  SignedShare unsigned_bad = bad;
  unsigned_bad.signature = f.dealer->shares()[1].signature;
  EXPECT_EQ(CheckDeal(f.s, 1, f.ops.Pub(2), f.dealer->blinded(), unsigned_bad).status().code(),
            "invalid_message");
}

TEST(DkgFraudTest, EquivocationIsProvable) {
  FraudSetup f;
  SignedCommitments other = f.dealer->blinded();
  other.points[1] = G1Group::Add(other.points[1], G1Group::Generator());
  SignCommitments(other, f.ops.Key(2));
  auto ev = DetectEquivocation(f.ops.Pub(2), f.dealer->blinded(), other);
  ASSERT_TRUE(ev.has_value());
  EXPECT_TRUE(ev->Verify(f.ops.Pub(2), f.s.id, 3));
  EXPECT_FALSE(DetectEquivocation(f.ops.Pub(2), f.dealer->blinded(), f.dealer->blinded()));
  Evidence same = *ev;
  same.commitments[1] = same.commitments[0];
  EXPECT_FALSE(same.Verify(f.ops.Pub(2), f.s.id, 3));
}

TEST(DkgFraudTest, CommitmentInconsistencyIsProvable) {
  FraudSetup f;
  // The dealer reveals phase-2 commitments of a different polynomial.
  auto other = Dealer::Create(f.s, 2, f.ops.Key(2)).value();
  SignedCommitments wrong = other.Reveal(f.ops.Key(2));
  auto ev = CheckReveal(f.s, f.ops.Pub(2), f.dealer->blinded(), wrong, f.dealer->shares()[0]);
  ASSERT_TRUE(ev.ok() && ev->has_value());
  EXPECT_EQ((*ev)->kind, Evidence::Kind::kCommitmentInconsistency);
  EXPECT_TRUE((*ev)->Verify(f.ops.Pub(2), f.s.id, 3));
  // The honest reveal proves nothing.
  Evidence honest = **ev;
  honest.commitments[1] = f.dealer->Reveal(f.ops.Key(2));
  EXPECT_FALSE(honest.Verify(f.ops.Pub(2), f.s.id, 3));
}

}  // namespace
}  // namespace cryfttee::threshold
