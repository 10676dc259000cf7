// Emits vault-made signatures as JSON lines for tests/js/vault_signatures.mjs, which checks them
// with independent implementations (@chainsafe/blst, @noble/curves). Usage:
//   vault_sign_tool <empty data dir> <signatures per key>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/sha256.h"
#include "crypto/random.h"
#include "keys/vault.h"

namespace {

using cryfttee::Bytes;
using cryfttee::HexEncode;
using nlohmann::json;
namespace keys = cryfttee::keys;

void Emit(const json& line) { std::printf("%s\n", line.dump().c_str()); }

int Fail(const cryfttee::Status& st) {
  std::fprintf(stderr, "vault_sign_tool: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <data dir> <signatures per key>\n", argv[0]);
    return 2;
  }
  spdlog::set_level(spdlog::level::err);
  int per_key = std::atoi(argv[2]);
  keys::VaultOptions options;
  options.data_dir = argv[1];
  options.seal.use_environment = false;
  auto vault = keys::KeyVault::Open(options);
  if (!vault.ok()) return Fail(vault.status());

  for (keys::KeyType type :
       {keys::KeyType::kBls, keys::KeyType::kSecp256k1, keys::KeyType::kP256}) {
    auto key = (*vault)->Generate(type, "differential");
    if (!key.ok()) return Fail(key.status());
    std::string pk = HexEncode(key->public_key);
    if (type == keys::KeyType::kBls) {
      auto pop = (*vault)->ProveBlsPossession(key->handle);
      if (!pop.ok()) return Fail(pop.status());
      Emit({{"kind", "bls_pop"}, {"pk", pk}, {"msg", pk}, {"sig", HexEncode(*pop)}});
    }
    for (int i = 0; i < per_key; ++i) {
      auto msg = cryfttee::crypto::RandomBytes(static_cast<size_t>(i % 97));
      if (!msg.ok()) return Fail(msg.status());
      if (type == keys::KeyType::kBls) {
        bool pop_dst = i % 4 == 3;
        auto sig = (*vault)->SignBls(
            key->handle, *msg,
            pop_dst ? keys::BlsDst::kProofOfPossession : keys::BlsDst::kSignature);
        if (!sig.ok()) return Fail(sig.status());
        Emit({{"kind", pop_dst ? "bls_pop" : "bls_sig"},
              {"pk", pk},
              {"msg", HexEncode(*msg)},
              {"sig", HexEncode(*sig)}});
      } else {
        cryfttee::Sha256Digest digest = cryfttee::Sha256(*msg);
        auto sig = (*vault)->SignEcdsaDigest(key->handle, digest);
        if (!sig.ok()) return Fail(sig.status());
        Emit({{"kind", "ecdsa"},
              {"curve", std::string(keys::KeyTypeName(type))},
              {"pk", pk},
              {"msg", HexEncode(*msg)},
              {"digest", HexEncode(digest)},
              {"der", HexEncode(sig->der)},
              {"compact", HexEncode(sig->compact)}});
      }
    }
  }
  return 0;
}
