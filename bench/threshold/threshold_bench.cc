// Threshold BLS costs, each as a ratio to one ordinary BLS signature measured in the same run
// (absolute times depend on the machine; the ratios do not, much). Issue 13's sizes: DKG per
// participant for n = 7, 10, 15, partial sign, recombination of t partials, reshare.
// Usage: threshold_bench [--quick]
#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>

#include "crypto/bls12_381/bls.h"
#include "crypto/threshold/dkg.h"
#include "crypto/threshold/partial.h"

using namespace cryfttee;
using namespace cryfttee::threshold;

namespace {

double g_min_seconds = 1.0;

// Mean seconds per call of fn over at least g_min_seconds (and at least 3 calls).
double Time(const std::function<void()>& fn) {
  using Clock = std::chrono::steady_clock;
  fn();  // warm-up
  int calls = 0;
  auto start = Clock::now();
  double elapsed = 0;
  while (calls < 3 || elapsed < g_min_seconds) {
    fn();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return elapsed / calls;
}

double g_sign = 0;
void Report(const std::string& name, double s) {
  std::printf("%-44s %10.3f ms  %8.2fx sign\n", name.c_str(), s * 1e3, s / g_sign);
}

uint32_t ThresholdFor(uint32_t n) { return n * 2 / 3 + 1; }

std::vector<uint32_t> Range(uint32_t n) {
  std::vector<uint32_t> v;
  for (uint32_t i = 1; i <= n; ++i) v.push_back(i);
  return v;
}

// One participant's work in a session where everyone else's messages are already there: deal
// (commitments, n signed shares), check n deals and n reveals, reveal, finalize.
void DkgParticipant(uint32_t n, bool reshare) {
  uint32_t t = ThresholdFor(n);
  Bytes id(32, 7);
  Session s{id, t, Range(n), Range(n)};
  std::map<uint32_t, bls::SecretKey> keys;
  for (uint32_t i = 1; i <= n; ++i) keys.emplace(i, bls::SecretKey::Generate().value());
  std::vector<G1Group::Point> old_vv;
  std::vector<Share> old_shares;
  if (reshare) {
    auto f = SecretPolynomial::Random(t).value();
    old_vv = FeldmanCommit<G1Group>(f);
    old_shares = f.Deal(n);
    s.dealers = Range(t);  // t old holders reshare
  }
  std::vector<Dealer> others;
  std::vector<SignedCommitments> reveals;
  for (uint32_t d : s.dealers) {
    std::optional<Share> cur;
    if (reshare) cur = old_shares[d - 1];
    others.push_back(Dealer::Create(s, d, keys.at(d), cur).value());
    reveals.push_back(others.back().Reveal(keys.at(d)));
  }
  std::vector<bls::PublicKey> pubs;
  for (uint32_t d : s.dealers) pubs.push_back(keys.at(d).GetPublicKey());
  const uint32_t me = 1;
  double sec = Time([&] {
    std::optional<Share> cur;
    if (reshare) cur = old_shares[0];
    auto mine = Dealer::Create(s, me, keys.at(me), cur).value();
    auto my_reveal = mine.Reveal(keys.at(me));
    std::vector<SignedShare> received;
    for (size_t k = 0; k < others.size(); ++k) {
      const auto& sh = others[k].shares()[me - 1];
      if (!CheckDeal(s, me, pubs[k], others[k].blinded(), sh).ok()) std::abort();
      if (!CheckReveal(s, pubs[k], others[k].blinded(), reveals[k], sh).ok()) std::abort();
      received.push_back(sh);
    }
    if (!Finalize(s, me, reveals, received, old_vv).ok()) std::abort();
  });
  char name[80];
  std::snprintf(name, sizeof name, "%s per participant n=%u t=%u", reshare ? "reshare" : "dkg", n,
                t);
  Report(name, sec);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--quick") == 0) g_min_seconds = 0.2;
  Bytes msg(32, 0xab);
  auto sk = bls::SecretKey::Generate().value();
  g_sign = Time([&] { sk.Sign(msg); });
  std::printf("%-44s %10.3f ms  (reference)\n", "ordinary sign", g_sign * 1e3);
  Report("ordinary verify", Time([&] {
                              if (!bls::Verify(sk.GetPublicKey(), msg, sk.Sign(msg))) std::abort();
                            }) - g_sign);

  for (uint32_t n : {7u, 10u, 15u}) {
    uint32_t t = ThresholdFor(n);
    auto f = SecretPolynomial::Random(t).value();
    auto vv = FeldmanCommit<G1Group>(f);
    auto shares = f.Deal(n);
    std::vector<PartialSignature<NodeScheme>> partials;
    for (uint32_t k = 0; k < t; ++k)
      partials.push_back({shares[k].index, PartialSign<NodeScheme>(shares[k], msg).value()});
    if (n == 7) {
      Report("partial sign", Time([&] { (void)PartialSign<NodeScheme>(shares[0], msg); }));
      auto h = NodeScheme::HashToSig(msg, NodeScheme::kDefaultDst).value();
      Report("verify one partial (t=5)",
             Time([&] { (void)VerifyPartial<NodeScheme>(vv, h, partials[0]); }));
      Report("share evaluation f(i) (t=5)", Time([&] { (void)f.Evaluate(3); }));
    }
    char name[80];
    std::snprintf(name, sizeof name, "recombine t=%u (Lagrange only)", t);
    Report(name, Time([&] {
             (void)Interpolate<NodeScheme>(std::span<const PartialSignature<NodeScheme>>(partials));
           }));
    std::snprintf(name, sizeof name, "combine t=%u (verify each + recombine)", t);
    Report(name, Time([&] { (void)Combine<NodeScheme>(t, vv, msg, partials); }));
  }
  for (uint32_t n : {7u, 10u, 15u}) DkgParticipant(n, false);
  for (uint32_t n : {7u, 10u, 15u}) DkgParticipant(n, true);
  return 0;
}
