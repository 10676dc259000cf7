// `cryftteectl threshold ...`: offline threshold BLS so operators and other implementations can
// check our shares and signatures by hand (issue 13's fixed interface). Hex is 0x-prefixed on
// output and accepted with or without it; output is always one JSON object on stdout.
// Exit codes: 0 success, 1 rejected input (reason on stderr), 2 usage error (malformed flags,
// hex or lengths). The node's scheme: public keys in G1, signatures in G2, POP DST.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/cryftteectl/commands.h"
#include "core/bytes.h"
#include "crypto/bls12_381/fr.h"
#include "crypto/threshold/partial.h"
#include "crypto/threshold/pedersen.h"

namespace cryfttee::ctl {
namespace {

using nlohmann::json;
using threshold::Fr;
using threshold::G1Group;
using threshold::G2Group;
using threshold::NodeScheme;

struct ThresholdError {
  int exit_code;
  std::string message;
};

ThresholdError Usage(std::string m) { return {kExitUsage, std::move(m)}; }
ThresholdError Rejected(std::string m) { return {kExitError, std::move(m)}; }

std::string Hex0x(ByteSpan b) { return "0x" + HexEncode(b); }

Bytes HexArg(const std::string& flag, const std::string& text) {
  auto b = HexDecode(text);
  if (!b.ok()) throw Usage(flag + " is not hex");
  return std::move(b).value();
}

// A 32-byte scalar below r. Wrong length is a usage error; a value >= r (or 0 when nonzero is
// required) is a rejected input.
Fr ScalarArg(const std::string& flag, std::string& text, bool nonzero) {
  SecretBytes raw(HexArg(flag, text));
  SecureWipe(text.data(), text.size());
  if (raw.size() != 32) throw Usage(flag + " must be 32 bytes");
  Fr v;
  if (!bls::internal::FrFromBytes32(v, raw.data()))
    throw Rejected(flag + " is not below the group order r");
  if (nonzero && bls::internal::FrIsZeroMask(v)) throw Rejected(flag + " must not be zero");
  return v;
}

std::string ScalarHex(const Fr& v) {
  uint8_t b[32];
  bls::internal::FrToBytes32(b, v);
  std::string s = Hex0x(ByteSpan(b, 32));
  SecureWipe(b, sizeof b);
  return s;
}

uint32_t IndexArg(int64_t i) {
  if (i < 1 || i > int64_t(threshold::kMaxParticipants)) throw Usage("--index must be in 1..1024");
  return uint32_t(i);
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// --verification-vector 0xA,0xB,...: compressed G1 points. Bad hex or length is usage; a point
// off the curve or outside the subgroup is a rejected input.
std::vector<G1Group::Point> VectorArg(const std::string& text) {
  std::vector<G1Group::Point> out;
  size_t k = 0;
  for (const std::string& item : SplitCommas(text)) {
    Bytes b = HexArg("--verification-vector", item);
    if (b.size() != G1Group::kSize)
      throw Usage("--verification-vector entry " + std::to_string(k) + " must be 48 bytes");
    auto p = G1Group::Decode(b);
    if (!p.ok())
      throw Rejected("verification vector entry " + std::to_string(k) + ": " +
                     p.status().message());
    out.push_back(*p);
    ++k;
  }
  return out;
}

void PrintJson(const json& j) {
  std::string out = j.dump();
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

template <typename Fn>
void Run(CtlContext& ctx, Fn body) {
  try {
    ctx.exit_code = body();
  } catch (const ThresholdError& e) {
    ctx.exit_code = e.exit_code;
    std::fprintf(stderr, "cryftteectl threshold: %s\n", e.message.c_str());
  }
}

struct Options {
  int64_t threshold = 0, participants = 0, index = 0;
  std::string secret, scheme = "pedersen", message, vector;
  std::vector<std::string> partials;
};

json SharesJson(const std::vector<threshold::Share>& shares) {
  json arr = json::array();
  for (const auto& s : shares) arr.push_back({{"index", s.index}, {"secret", ScalarHex(s.value)}});
  return arr;
}

template <class Points>
json PointsJson(const Points& pts) {
  json arr = json::array();
  for (const auto& p : pts) {
    auto e = G1Group::Encode(p);
    arr.push_back(Hex0x(e));
  }
  return arr;
}

void AddDeal(CLI::App& t, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = t.add_subcommand("deal", "Deal a secret (random unless --secret) to N participants");
  c->add_option("--threshold", o->threshold, "T: shares needed to sign")->required();
  c->add_option("--participants", o->participants, "N: shares dealt (indices 1..N)")->required();
  auto* secret_opt = c->add_option("--secret", o->secret, "the secret, 32 bytes hex");
  c->add_option("--scheme", o->scheme, "pedersen (default) or feldman")
      ->check(CLI::IsMember({"pedersen", "feldman"}));
  c->callback([&ctx, o, secret_opt] {
    Run(ctx, [&] {
      if (o->participants < 1 || o->participants > int64_t(threshold::kMaxParticipants) ||
          o->threshold < 1 || o->threshold > o->participants)
        throw Usage("need 1 <= --threshold <= --participants <= 1024");
      uint32_t t = uint32_t(o->threshold), n = uint32_t(o->participants);
      Fr secret;
      if (secret_opt->count() > 0) {
        secret = ScalarArg("--secret", o->secret, true);
      } else {
        auto r = threshold::RandomScalar();
        if (!r.ok()) throw Rejected(r.status().message());
        secret = *r;
      }
      json out = {{"threshold", t}, {"participants", n}, {"scheme", o->scheme}};
      if (o->scheme == "feldman") {
        auto f = threshold::SecretPolynomial::WithConstant(t, secret);
        if (!f.ok()) throw Rejected(f.status().message());
        auto vv = threshold::FeldmanCommit<G1Group>(*f);
        out["group_public_key"] = Hex0x(G1Group::Encode(vv[0]));
        out["verification_vector"] = PointsJson(vv);
        out["shares"] = SharesJson(f->Deal(n));
      } else {
        auto d = threshold::PedersenDealer::WithConstant(t, secret);
        if (!d.ok()) throw Rejected(d.status().message());
        auto vv = threshold::FeldmanCommit<G1Group>(d->f);  // phase 2: a_k·G1
        auto blinded = threshold::PedersenCommit<G1Group>(*d);
        out["group_public_key"] = Hex0x(G1Group::Encode(vv[0]));
        out["verification_vector"] = PointsJson(vv);
        std::vector<threshold::Share> shares, blinding;
        for (auto& s : threshold::PedersenDeal(*d, n)) {
          shares.push_back(s.share);
          blinding.push_back(s.blinding);
        }
        out["shares"] = SharesJson(shares);
        out["blinded_commitments"] = PointsJson(blinded);
        out["blinding_shares"] = SharesJson(blinding);
        out["pedersen_h"] = Hex0x(G1Group::Encode(threshold::PedersenH<G1Group>()));
      }
      SecureWipe(&secret, sizeof secret);
      PrintJson(out);
      return kExitOk;
    });
  });
}

void AddVerifyShare(CLI::App& t, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = t.add_subcommand("verify-share", "Check a share against a verification vector");
  c->add_option("--verification-vector", o->vector, "0xA,0xB,... (G1, 48 bytes each)")->required();
  c->add_option("--index", o->index, "the share's index (1..N)")->required();
  c->add_option("--secret", o->secret, "the share, 32 bytes hex")->required();
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      uint32_t index = IndexArg(o->index);
      auto vv = VectorArg(o->vector);
      threshold::Share share(index, ScalarArg("--secret", o->secret, false));
      bool ok = threshold::FeldmanVerifyShare<G1Group>(vv, share);
      PrintJson({{"index", index}, {"valid", ok}});
      if (!ok) throw Rejected("share " + std::to_string(index) + " does not match the vector");
      return kExitOk;
    });
  });
}

void AddPartialSign(CLI::App& t, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = t.add_subcommand("partial-sign", "Partial signature share·H(message) (G2, POP DST)");
  c->add_option("--index", o->index, "the share's index (1..N)")->required();
  c->add_option("--secret", o->secret, "the share, 32 bytes hex")->required();
  c->add_option("--message", o->message, "message, hex (may be empty)")->required();
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      uint32_t index = IndexArg(o->index);
      Bytes msg = HexArg("--message", o->message);
      threshold::Share share(index, ScalarArg("--secret", o->secret, true));
      auto sig = threshold::PartialSign<NodeScheme>(share, msg);
      if (!sig.ok()) throw Rejected(sig.status().message());
      PrintJson({{"index", index}, {"partial_signature", Hex0x(G2Group::Encode(*sig))}});
      return kExitOk;
    });
  });
}

void AddCombine(CLI::App& t, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = t.add_subcommand("combine", "Recombine T valid partials into a BLS signature");
  c->add_option("--threshold", o->threshold, "T")->required();
  c->add_option("--message", o->message, "message, hex (may be empty)")->required();
  c->add_option("--verification-vector", o->vector, "0xA,0xB,... (G1, T entries)")->required();
  c->add_option("--partial", o->partials, "I:0xSIG (repeat once per partial)")->required();
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      if (o->threshold < 1 || o->threshold > int64_t(threshold::kMaxParticipants))
        throw Usage("--threshold must be in 1..1024");
      Bytes msg = HexArg("--message", o->message);
      auto vv = VectorArg(o->vector);
      if (vv.size() != size_t(o->threshold))
        throw Usage("--verification-vector must have exactly --threshold entries");
      std::vector<threshold::PartialSignature<NodeScheme>> partials;
      std::vector<uint32_t> undecodable;
      for (const std::string& p : o->partials) {
        size_t colon = p.find(':');
        if (colon == std::string::npos || colon == 0) throw Usage("--partial must be I:0xSIG");
        int64_t i = 0;
        try {
          size_t used = 0;
          i = std::stoll(p.substr(0, colon), &used);
          if (used != colon) throw Usage("--partial index is not a number");
        } catch (const std::logic_error&) {
          throw Usage("--partial index is not a number");
        }
        uint32_t index = IndexArg(i);
        for (const auto& q : partials)
          if (q.index == index) throw Usage("--partial index " + std::to_string(index) + " twice");
        for (uint32_t u : undecodable)
          if (u == index) throw Usage("--partial index " + std::to_string(index) + " twice");
        Bytes sig = HexArg("--partial", p.substr(colon + 1));
        if (sig.size() != G2Group::kSize) throw Usage("--partial signature must be 96 bytes");
        auto pt = G2Group::Decode(sig);
        if (!pt.ok()) {
          undecodable.push_back(index);  // not a G2 point: an invalid partial
          continue;
        }
        partials.push_back({index, *pt});
      }
      for (uint32_t u : undecodable) std::fprintf(stderr, "invalid partial: index %u\n", u);
      auto r = threshold::Combine<NodeScheme>(uint32_t(o->threshold), vv, msg, partials);
      if (r.ok()) {
        for (uint32_t i : r->invalid) std::fprintf(stderr, "invalid partial: index %u\n", i);
        PrintJson({{"signature", Hex0x(G2Group::Encode(r->signature))}});
        return kExitOk;
      }
      if (r.status().code() != "not_enough_partials") throw Rejected(r.status().message());
      // Name the invalid ones even when recombination fails.
      auto h = NodeScheme::HashToSig(msg, NodeScheme::kDefaultDst);
      for (const auto& p : partials)
        if (h.ok() && !threshold::VerifyPartial<NodeScheme>(vv, *h, p))
          std::fprintf(stderr, "invalid partial: index %u\n", p.index);
      throw Rejected(r.status().message());
    });
  });
}

}  // namespace

void RegisterThresholdCommands(CLI::App& app, CtlContext& ctx) {
  auto* t = app.add_subcommand("threshold", "Threshold BLS: deal, verify shares, sign, combine");
  t->require_subcommand(1);
  auto o = std::make_shared<Options>();
  AddDeal(*t, ctx, o);
  AddVerifyShare(*t, ctx, o);
  AddPartialSign(*t, ctx, o);
  AddCombine(*t, ctx, o);
}

}  // namespace cryfttee::ctl
