// Emits seeded random BLS cases as JSON lines, each carrying OUR library's outputs, for
// tests/js/bls_differential.mjs to recompute with blst and noble. Usage:
//   bls_diff_tool [--seed N] [--cases N] [--noble-every N]
// Every line is self-contained so that a mismatch can be reported with its inputs.
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/bls12_381/bls.h"
#include "malformed_encoding.h"
#include "seeded_rng.h"

namespace cryfttee::bls::testing {
namespace {

using nlohmann::json;

template <size_t N>
std::string Hex(const std::array<uint8_t, N>& a) {
  return HexEncode(ByteSpan(a.data(), a.size()));
}
std::string Hex(const Bytes& b) { return HexEncode(b); }
template <size_t N>
Bytes ToVec(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

struct Signer {
  SecretKey sk;
  PublicKey pk;
  Bytes msg;
  Signature sig;
};

// Decodes as a public key (with KeyValidate) and records verdict and re-encoding.
json DecodePk(const Malformed& m) {
  json j = {{"kind", m.kind}, {"bytes", Hex(m.bytes)}};
  auto pk = PublicKey::FromBytes(m.bytes);
  j["ok"] = pk.ok();
  if (pk.ok()) j["reenc"] = Hex(pk->ToBytes());
  return j;
}

json DecodeSig(const Malformed& m) {
  json j = {{"kind", m.kind}, {"bytes", Hex(m.bytes)}};
  auto sig = Signature::FromBytes(m.bytes);
  j["ok"] = sig.ok();
  if (sig.ok()) j["reenc"] = Hex(sig->ToBytes());
  return j;
}

// Verify over raw bytes: a signature that does not decode is simply invalid.
bool VerifyBytes(const PublicKey& pk, const Bytes& msg, const Bytes& sig_bytes,
                 std::string_view dst = kDstSig) {
  auto sig = Signature::FromBytes(sig_bytes);
  return sig.ok() && Verify(pk, msg, *sig, dst);
}

Bytes RandomMessage(SeededRng& rng) {
  // Mostly short messages, sometimes empty, sometimes longer than one SHA-256 block.
  size_t len = rng.Below(8) == 0 ? rng.Below(300) : rng.Below(48);
  return rng.Take(len);
}

// One negative verification, rotating through the kinds so each appears ~N/5 times.
json NegativeVerify(uint64_t i, const Signer& s, const Signer& prev, SeededRng& rng) {
  Bytes msg = s.msg, pk = ToVec(s.pk.ToBytes()), sig = ToVec(s.sig.ToBytes());
  std::string kind;
  switch (i % 5) {
    case 0:
      kind = "tampered_msg";
      if (msg.empty()) {
        msg.push_back(0);
      } else {
        size_t bit = rng.Below(msg.size() * 8);
        msg[bit / 8] ^= uint8_t(1u << (bit % 8));
      }
      break;
    case 1: {
      kind = "tampered_sig";
      size_t bit = 3 + rng.Below(sig.size() * 8 - 3);
      sig[bit / 8] ^= uint8_t(0x80 >> (bit % 8));
      break;
    }
    case 2:
      kind = "other_sig";  // a valid signature, but over another message
      sig = ToVec(prev.sig.ToBytes());
      break;
    case 3:
      kind = "wrong_key";
      pk = ToVec(prev.pk.ToBytes());
      break;
    default:
      kind = "infinity_sig";
      sig.assign(sig.size(), 0);
      sig[0] = 0xc0;
      break;
  }
  auto pk_obj = PublicKey::FromBytes(pk);
  bool result = pk_obj.ok() && VerifyBytes(*pk_obj, msg, sig);
  return {
      {"kind", kind}, {"pk", Hex(pk)}, {"msg", Hex(msg)}, {"sig", Hex(sig)}, {"result", result}};
}

// Aggregates over the last three signers: AggregateVerify (distinct messages), BatchVerify
// (three separate triples) and FastAggregateVerify (one message signed by all three).
json AggregateCase(const std::deque<Signer>& last) {
  std::vector<PublicKey> pks;
  std::vector<Signature> sigs;
  std::vector<ByteSpan> msgs;
  json j;
  for (const Signer& s : last) {
    pks.push_back(s.pk);
    sigs.push_back(s.sig);
    msgs.push_back(s.msg);
    j["pks"].push_back(Hex(s.pk.ToBytes()));
    j["msgs"].push_back(Hex(s.msg));
    j["sigs"].push_back(Hex(s.sig.ToBytes()));
  }
  auto agg = Aggregate(sigs);
  j["agg_ok"] = agg.ok();
  if (!agg.ok()) return j;
  j["agg"] = Hex(agg->ToBytes());
  j["agg_verify"] = AggregateVerify(pks, msgs, *agg);
  j["batch_verify"] = BatchVerify(pks, msgs, sigs);
  std::swap(sigs[0], sigs[1]);
  j["batch_verify_swapped_sigs"] = BatchVerify(pks, msgs, sigs);
  std::swap(msgs[0], msgs[1]);  // pairs no longer match unless the messages are equal
  j["agg_verify_swapped"] = AggregateVerify(pks, msgs, *agg);

  const Bytes& common = last.back().msg;
  std::vector<Signature> fast_sigs;
  for (const Signer& s : last) fast_sigs.push_back(s.sk.Sign(common));
  auto fast = Aggregate(fast_sigs);
  j["fast_msg"] = Hex(common);
  j["fast_agg"] = fast.ok() ? Hex(fast->ToBytes()) : "";
  j["fast_verify"] = fast.ok() && FastAggregateVerify(pks, common, *fast);
  std::span<const PublicKey> fewer(pks.data(), pks.size() - 1);
  j["fast_verify_missing_key"] = fast.ok() && FastAggregateVerify(fewer, common, *fast);
  return j;
}

json Eip2333Case(SeededRng& rng) {
  Bytes seed = rng.Take(32 + rng.Below(33));
  uint32_t index = static_cast<uint32_t>(rng.Next64());
  json j = {{"seed", Hex(seed)}, {"index", index}};
  auto master = DeriveMasterSK(seed);
  j["master_ok"] = master.ok();
  if (!master.ok()) return j;
  j["master"] = Hex(master->ToBytes());
  auto child = DeriveChildSK(*master, index);
  j["child"] = child.ok() ? Hex(child->ToBytes()) : "";
  std::string path = "m/12381/3600/" + std::to_string(rng.Below(5)) + "/0/0";
  auto derived = DerivePath(seed, path);
  j["path"] = path;
  j["path_sk"] = derived.ok() ? Hex(derived->ToBytes()) : "";
  return j;
}

json FromBytesCase(SeededRng& rng) {
  // Random 32 bytes are >= r a little over half the time; also the edge values 0 and r.
  static const Bytes kR =
      *HexDecode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
  Bytes b;
  switch (rng.Below(8)) {
    case 0:
      b.assign(32, 0);
      break;
    case 1:
      b = kR;
      break;
    case 2:
      b = kR;
      b.back() = 0;  // r - 1
      break;
    default:
      b = rng.Take(32);
  }
  json j = {{"bytes", Hex(b)}};
  auto sk = SecretKey::FromBytes(b);
  j["ok"] = sk.ok();
  if (sk.ok()) j["pk"] = Hex(sk->GetPublicKey().ToBytes());
  return j;
}

// Fields only noble can recompute (blst's binding has no DST parameter): PoP and a custom DST.
json NobleOnlyCase(const Signer& s, SeededRng& rng) {
  json j;
  Signature pop = s.sk.PopProve();
  j["pop"] = Hex(pop.ToBytes());
  j["pop_verify"] = PopVerify(s.pk, pop);
  // A signature over the same bytes under the SIG DST must not pass as a PoP.
  Signature not_pop = s.sk.Sign(ToVec(s.pk.ToBytes()));
  j["not_pop"] = Hex(not_pop.ToBytes());
  j["not_pop_verify"] = PopVerify(s.pk, not_pop);
  std::string dst = "CRYFTTEE-DIFF-V01-" + HexEncode(rng.Take(4)) + "_";
  Signature custom = s.sk.Sign(s.msg, dst);
  j["dst"] = dst;
  j["dst_sig"] = Hex(custom.ToBytes());
  j["dst_verify"] = Verify(s.pk, s.msg, custom, dst);
  j["dst_verify_sig_dst"] = Verify(s.pk, s.msg, custom);  // wrong DST: must be false
  return j;
}

int Run(uint64_t seed, uint64_t cases, uint64_t noble_every) {
  SeededRng rng(seed);
  std::deque<Signer> last;  // the previous signers, for wrong-key and aggregate cases
  uint64_t emitted = 0;
  for (uint64_t i = 0; i < cases; ++i) {
    json j = {{"i", i}};
    Bytes ikm = rng.Take(32 + rng.Below(4) * 8);
    Bytes key_info = rng.Below(5) == 0 ? rng.Take(1 + rng.Below(16)) : Bytes{};
    j["ikm"] = Hex(ikm);
    j["key_info"] = Hex(key_info);
    auto sk = SecretKey::KeyGen(ikm, key_info);
    if (!sk.ok()) {
      // KeyGen cannot fail on >= 32 bytes of IKM; the checker reports this as a mismatch.
      j["keygen_error"] = sk.status().ToString();
      std::puts(j.dump().c_str());
      continue;
    }
    PublicKey pk = sk->GetPublicKey();
    Bytes msg = RandomMessage(rng);
    Signature sig = sk->Sign(msg);
    Signer s{std::move(*sk), pk, msg, sig};
    j["sk"] = Hex(s.sk.ToBytes());
    j["pk"] = Hex(pk.ToBytes());
    j["msg"] = Hex(msg);
    j["sig"] = Hex(sig.ToBytes());
    j["verify"] = Verify(pk, msg, sig);
    if (!last.empty()) j["neg"] = NegativeVerify(i, s, last.back(), rng);

    j["pk_malformed"] = DecodePk(Malform(ToVec(pk.ToBytes()), int(i % kMalformKinds), rng));
    j["sig_malformed"] =
        DecodeSig(Malform(ToVec(sig.ToBytes()), int((i / kMalformKinds + i) % kMalformKinds), rng));
    if (i % 16 == 5) j["sk_from_bytes"] = FromBytesCase(rng);
    if (i % 10 == 3) j["eip2333"] = Eip2333Case(rng);
    if (noble_every != 0 && i % noble_every == 0) j["noble_only"] = NobleOnlyCase(s, rng);

    last.push_back(std::move(s));
    if (last.size() > 3) last.pop_front();
    if (i % 8 == 7 && last.size() == 3) j["aggregate"] = AggregateCase(last);

    std::puts(j.dump().c_str());
    ++emitted;
  }
  std::printf("{\"summary\":{\"seed\":%llu,\"cases\":%llu}}\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(emitted));
  return std::fflush(stdout) == 0 ? 0 : 1;
}

uint64_t ParseU64(const char* s) { return std::strtoull(s, nullptr, 10); }

}  // namespace
}  // namespace cryfttee::bls::testing

int main(int argc, char** argv) {
  uint64_t seed = 1, cases = 10000, noble_every = 100;
  for (int a = 1; a + 1 < argc; a += 2) {
    std::string_view flag = argv[a];
    if (flag == "--seed") {
      seed = cryfttee::bls::testing::ParseU64(argv[a + 1]);
    } else if (flag == "--cases") {
      cases = cryfttee::bls::testing::ParseU64(argv[a + 1]);
    } else if (flag == "--noble-every") {
      noble_every = cryfttee::bls::testing::ParseU64(argv[a + 1]);
    } else {
      std::fprintf(stderr, "usage: bls_diff_tool [--seed N] [--cases N] [--noble-every N]\n");
      return 2;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: bls_diff_tool [--seed N] [--cases N] [--noble-every N]\n");
    return 2;
  }
  return cryfttee::bls::testing::Run(seed, cases, noble_every);
}
