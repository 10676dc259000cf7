// `cryftteectl bls ...`: offline BLS12-381 operations for operators and scripts. Every value is
// hex (with or without 0x); output is hex on stdout, or one JSON object with the global --json.
// Exit codes: 0 success (verify: valid), 1 failure (verify: invalid), 2 usage error.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/cryftteectl/commands.h"
#include "core/bytes.h"
#include "crypto/bls12_381/bls.h"

namespace cryfttee::ctl {
namespace {

using nlohmann::json;

// Raised inside a command for bad arguments; caught by Run and mapped to an exit code.
struct CommandError {
  int exit_code;
  Status status;
};

CommandError Usage(std::string code, std::string message) {
  return {kExitUsage, Status::InvalidArgument(std::move(code), std::move(message))};
}

Bytes DecodeHexArg(const std::string& flag, const std::string& text) {
  auto b = HexDecode(text);
  if (!b.ok()) throw Usage("invalid_hex", flag + " is not hex");
  return std::move(b).value();
}

// The secret key from --sk, with the decoded copy and the option text wiped after use.
bls::SecretKey SecretKeyArg(std::string& text) {
  SecretBytes raw(DecodeHexArg("--sk", text));
  SecureWipe(text.data(), text.size());
  auto sk = bls::SecretKey::FromBytes(raw.span());
  if (!sk.ok()) throw Usage(sk.status().code(), "--sk must be 32 bytes, 0 < sk < r");
  return std::move(sk).value();
}

std::string DstArg(const std::string& dst) {
  if (dst == "sig") return std::string(bls::kDstSig);
  if (dst == "pop") return std::string(bls::kDstPop);
  if (dst.empty() || dst.size() > 255) throw Usage("invalid_dst", "--dst must be 1..255 bytes");
  return dst;
}

template <size_t N>
std::string Hex(const std::array<uint8_t, N>& a) {
  return HexEncode(ByteSpan(a.data(), a.size()));
}

// Prints `value` (text mode) or `j` (JSON mode).
void Emit(const CtlContext& ctx, const std::string& value, const json& j) {
  std::string out = ctx.json ? j.dump() : value;
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// Runs one command body, turning CommandError into an exit code and a message. Secrets never
// reach the message: statuses carry codes and argument names only.
template <typename Fn>
void Run(CtlContext& ctx, Fn body) {
  try {
    ctx.exit_code = body();
  } catch (const CommandError& e) {
    ctx.exit_code = e.exit_code;
    if (ctx.json) {
      Emit(ctx, "", json{{"error", e.status.code()}, {"message", e.status.message()}});
    } else {
      std::fprintf(stderr, "cryftteectl bls: %s (%s)\n", e.status.message().c_str(),
                   e.status.code().c_str());
    }
  }
}

// A verification verdict: exit 0 when valid, 1 when not; `reason` says why when known.
int EmitVerdict(const CtlContext& ctx, bool valid, const std::string& reason) {
  json j = {{"valid", valid}};
  if (!reason.empty()) j["reason"] = reason;
  Emit(ctx, valid ? "valid" : "invalid", j);
  if (!valid && !reason.empty() && !ctx.json) std::fprintf(stderr, "reason: %s\n", reason.c_str());
  return valid ? kExitOk : kExitError;
}

struct Options {
  std::string sk, ikm, pk, msg, sig, pop, dst = "sig", seed, path;
  std::vector<std::string> sigs;
};

void AddKeygen(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = bls.add_subcommand("keygen", "New secret key (IETF KeyGen); random unless --ikm");
  CLI::Option* ikm_opt =
      c->add_option("--ikm", o->ikm, "input keying material, hex, at least 32 bytes");
  c->callback([&ctx, o, ikm_opt] {
    Run(ctx, [&] {
      std::optional<Result<bls::SecretKey>> sk;
      if (ikm_opt->count() == 0) {
        sk = bls::SecretKey::Generate();
      } else {
        SecretBytes ikm(DecodeHexArg("--ikm", o->ikm));
        SecureWipe(o->ikm.data(), o->ikm.size());
        if (ikm.size() < 32) throw Usage("invalid_ikm", "--ikm must be at least 32 bytes");
        sk = bls::SecretKey::KeyGen(ikm.span());
      }
      if (!sk->ok()) throw CommandError{kExitError, sk->status()};
      auto raw = (*sk)->ToBytes();
      std::string sk_hex = Hex(raw);
      SecureWipe(raw.data(), raw.size());
      Emit(ctx, sk_hex,
           json{{"secret_key", sk_hex}, {"public_key", Hex((*sk)->GetPublicKey().ToBytes())}});
      SecureWipe(sk_hex.data(), sk_hex.size());
      return kExitOk;
    });
  });
}

void AddPubkey(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = bls.add_subcommand("pubkey", "Public key (48-byte compressed G1) of a secret key");
  c->add_option("--sk", o->sk, "secret key, 32 bytes hex")->required();
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      std::string pk = Hex(SecretKeyArg(o->sk).GetPublicKey().ToBytes());
      Emit(ctx, pk, json{{"public_key", pk}});
      return kExitOk;
    });
  });
}

void AddSign(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = bls.add_subcommand("sign", "Sign a message (96-byte compressed G2 signature)");
  c->add_option("--sk", o->sk, "secret key, 32 bytes hex")->required();
  c->add_option("--msg", o->msg, "message, hex (may be empty)")->required();
  c->add_option("--dst", o->dst, "sig (default), pop, or a literal DST string");
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      std::string dst = DstArg(o->dst);
      Bytes msg = DecodeHexArg("--msg", o->msg);
      std::string sig = Hex(SecretKeyArg(o->sk).Sign(msg, dst).ToBytes());
      Emit(ctx, sig, json{{"signature", sig}, {"dst", dst}});
      return kExitOk;
    });
  });
}

void AddVerify(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = bls.add_subcommand("verify", "Verify a signature: exit 0 if valid, 1 if not");
  c->add_option("--pk", o->pk, "public key, hex")->required();
  c->add_option("--msg", o->msg, "message, hex (may be empty)")->required();
  c->add_option("--sig", o->sig, "signature, hex")->required();
  c->add_option("--dst", o->dst, "sig (default), pop, or a literal DST string");
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      std::string dst = DstArg(o->dst);
      Bytes msg = DecodeHexArg("--msg", o->msg);
      auto pk = bls::PublicKey::FromBytes(DecodeHexArg("--pk", o->pk));
      if (!pk.ok()) return EmitVerdict(ctx, false, pk.status().code());
      auto sig = bls::Signature::FromBytes(DecodeHexArg("--sig", o->sig));
      if (!sig.ok()) return EmitVerdict(ctx, false, sig.status().code());
      return EmitVerdict(ctx, bls::Verify(*pk, msg, *sig, dst), "");
    });
  });
}

void AddAggregate(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = bls.add_subcommand("aggregate", "Aggregate signatures into one");
  c->add_option("--sig", o->sigs, "signatures, hex (repeat or list)")->required();
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      std::vector<bls::Signature> sigs;
      for (size_t i = 0; i < o->sigs.size(); ++i) {
        auto sig = bls::Signature::FromBytes(DecodeHexArg("--sig", o->sigs[i]));
        if (!sig.ok()) {
          throw CommandError{kExitError,
                             sig.status().WithContext("signature " + std::to_string(i + 1))};
        }
        sigs.push_back(std::move(sig).value());
      }
      auto agg = bls::Aggregate(sigs);
      if (!agg.ok()) throw CommandError{kExitError, agg.status()};
      std::string hex = Hex(agg->ToBytes());
      Emit(ctx, hex, json{{"signature", hex}, {"count", sigs.size()}});
      return kExitOk;
    });
  });
}

void AddPop(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* prove = bls.add_subcommand("pop-prove", "Proof of possession (AvalancheGo / IETF POP)");
  prove->add_option("--sk", o->sk, "secret key, 32 bytes hex")->required();
  prove->callback([&ctx, o] {
    Run(ctx, [&] {
      bls::SecretKey sk = SecretKeyArg(o->sk);
      std::string pop = Hex(sk.PopProve().ToBytes());
      Emit(ctx, pop,
           json{{"public_key", Hex(sk.GetPublicKey().ToBytes())}, {"proof_of_possession", pop}});
      return kExitOk;
    });
  });
  auto* verify = bls.add_subcommand("pop-verify", "Verify a proof of possession: exit 0 if valid");
  verify->add_option("--pk", o->pk, "public key, hex")->required();
  verify->add_option("--pop", o->pop, "proof of possession, hex")->required();
  verify->callback([&ctx, o] {
    Run(ctx, [&] {
      auto pk = bls::PublicKey::FromBytes(DecodeHexArg("--pk", o->pk));
      if (!pk.ok()) return EmitVerdict(ctx, false, pk.status().code());
      auto pop = bls::Signature::FromBytes(DecodeHexArg("--pop", o->pop));
      if (!pop.ok()) return EmitVerdict(ctx, false, pop.status().code());
      return EmitVerdict(ctx, bls::PopVerify(*pk, *pop), "");
    });
  });
}

void AddDerive(CLI::App& bls, CtlContext& ctx, std::shared_ptr<Options> o) {
  auto* c = bls.add_subcommand("derive", "EIP-2333 key derivation from a seed");
  c->add_option("--seed", o->seed, "seed, hex, at least 32 bytes")->required();
  c->add_option("--path", o->path, "derivation path, e.g. m/12381/3600/0/0/0")->required();
  c->callback([&ctx, o] {
    Run(ctx, [&] {
      SecretBytes seed(DecodeHexArg("--seed", o->seed));
      SecureWipe(o->seed.data(), o->seed.size());
      if (seed.size() < 32) throw Usage("invalid_seed", "--seed must be at least 32 bytes");
      auto sk = bls::DerivePath(seed.span(), o->path);
      if (!sk.ok()) throw Usage(sk.status().code(), sk.status().message());
      auto raw = sk->ToBytes();
      std::string sk_hex = Hex(raw);
      SecureWipe(raw.data(), raw.size());
      Emit(ctx, sk_hex,
           json{{"path", o->path},
                {"secret_key", sk_hex},
                {"public_key", Hex(sk->GetPublicKey().ToBytes())}});
      SecureWipe(sk_hex.data(), sk_hex.size());
      return kExitOk;
    });
  });
}

}  // namespace

void RegisterBlsCommands(CLI::App& app, CtlContext& ctx) {
  auto* bls = app.add_subcommand("bls", "BLS12-381 keys and signatures (offline)");
  bls->require_subcommand(1);
  auto o = std::make_shared<Options>();
  AddKeygen(*bls, ctx, o);
  AddPubkey(*bls, ctx, o);
  AddSign(*bls, ctx, o);
  AddVerify(*bls, ctx, o);
  AddAggregate(*bls, ctx, o);
  AddPop(*bls, ctx, o);
  AddDerive(*bls, ctx, o);
}

}  // namespace cryfttee::ctl
