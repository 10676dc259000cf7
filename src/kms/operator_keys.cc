#include "kms/operator_keys.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/sha256.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/random.h"
#include "crypto/x25519_envelope.h"

namespace cryfttee::kms {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "cryfttee-kms-operator-keys";
constexpr int kVersion = 1;

Status Invalid(const std::string& path, const std::string& why) {
  return Status::InvalidArgument("operator_keys_invalid", path + ": " + why);
}

// Length-prefixed, so no two different (format, version, pk, pk) tuples encode alike.
Bytes Aad(ByteSpan identity_pk, ByteSpan encryption_pk) {
  Bytes aad;
  auto put = [&aad](ByteSpan b) {
    uint32_t n = static_cast<uint32_t>(b.size());
    for (int shift = 24; shift >= 0; shift -= 8) aad.push_back(static_cast<uint8_t>(n >> shift));
    aad.insert(aad.end(), b.begin(), b.end());
  };
  put(AsBytes(kFormat));
  aad.push_back(static_cast<uint8_t>(kVersion));
  put(identity_pk);
  put(encryption_pk);
  return aad;
}

Result<Bytes> HexField(const json& doc, const char* name, size_t size, const std::string& path) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) return Invalid(path, std::string("no ") + name);
  std::string text = it->get<std::string>();
  if (text.rfind("0x", 0) == 0) text = text.substr(2);
  auto bytes = HexDecode(text);
  if (!bytes.ok() || (size && bytes->size() != size)) {
    return Invalid(path, std::string(name) + " is not " + std::to_string(size) + " bytes of hex");
  }
  return std::move(bytes).value();
}

// The public keys of the two secrets (re-derived on every open: the file's copies are only
// there so tools can read them without the seal secret).
Status DerivePublic(OperatorKeys* keys) {
  CRYFTTEE_ASSIGN_OR_RETURN(bls::SecretKey sk,
                            bls::SecretKey::FromBytes(keys->identity_secret.span()));
  auto pk = sk.GetPublicKey().ToBytes();
  keys->identity_public_key.assign(pk.begin(), pk.end());
  CRYFTTEE_ASSIGN_OR_RETURN(keys->encryption_public_key,
                            crypto::X25519PublicKey(keys->encryption_secret));
  return Status::Ok();
}

Result<OperatorKeys> Open(const std::string& path, const keys::SealRoot& root, ByteSpan text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_object()) return Invalid(path, "not a JSON object");
  if (doc.value("format", "") != kFormat || doc.value("version", 0) != kVersion) {
    return Invalid(path, "not a version 1 operator key file");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes identity_pk, HexField(doc, "identity_public_key", 48, path));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes encryption_pk, HexField(doc, "encryption_public_key", 32, path));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes salt, HexField(doc, "salt", 32, path));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes nonce, HexField(doc, "nonce", 12, path));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes sealed, HexField(doc, "ciphertext", 64 + 16, path));
  auto opened = root.Unseal(salt, nonce, Aad(identity_pk, encryption_pk), sealed);
  if (!opened.ok()) {
    return Status::Error(StatusCategory::kInternal, "operator_keys_corrupt",
                         path + " does not open under the seal secret (wrong secret or altered)");
  }
  OperatorKeys keys;
  keys.identity_secret = SecretBytes(opened->span().subspan(0, 32));
  keys.encryption_secret = SecretBytes(opened->span().subspan(32, 32));
  CRYFTTEE_RETURN_IF_ERROR(DerivePublic(&keys));
  if (keys.identity_public_key != identity_pk || keys.encryption_public_key != encryption_pk) {
    return Status::Error(StatusCategory::kInternal, "operator_keys_corrupt",
                         path + ": the public keys do not match the sealed secrets");
  }
  return keys;
}

Result<OperatorKeys> Create(const std::string& path, const keys::SealRoot& root) {
  OperatorKeys keys;
  CRYFTTEE_ASSIGN_OR_RETURN(bls::SecretKey sk, bls::SecretKey::Generate());
  auto sk_bytes = sk.ToBytes();
  keys.identity_secret = SecretBytes(ByteSpan(sk_bytes.data(), sk_bytes.size()));
  SecureWipe(sk_bytes.data(), sk_bytes.size());
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::X25519KeyPair x, crypto::X25519Generate());
  keys.encryption_secret = std::move(x.private_key);
  CRYFTTEE_RETURN_IF_ERROR(DerivePublic(&keys));

  SecretBytes plain(64);
  std::copy(keys.identity_secret.span().begin(), keys.identity_secret.span().end(), plain.data());
  std::copy(keys.encryption_secret.span().begin(), keys.encryption_secret.span().end(),
            plain.data() + 32);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes salt, crypto::RandomBytes(32));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes nonce, crypto::RandomBytes(12));
  CRYFTTEE_ASSIGN_OR_RETURN(
      Bytes sealed,
      root.Seal(salt, nonce, Aad(keys.identity_public_key, keys.encryption_public_key),
                plain.span()));
  json doc = {{"format", kFormat},
              {"version", kVersion},
              {"identity_public_key", "0x" + HexEncode(keys.identity_public_key)},
              {"encryption_public_key", "0x" + HexEncode(keys.encryption_public_key)},
              {"salt", HexEncode(salt)},
              {"nonce", HexEncode(nonce)},
              {"ciphertext", HexEncode(sealed)}};
  std::string text = doc.dump(2) + "\n";
  AtomicWriteOptions options;
  options.no_replace = true;  // two starts racing must not each create a different identity
  CRYFTTEE_RETURN_IF_ERROR(WriteFileAtomically(path, AsBytes(text), options));
  keys.created = true;
  return keys;
}

}  // namespace

Result<OperatorKeys> LoadOrCreateOperatorKeys(const std::string& dir,
                                              const keys::SealOptions& seal) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Internal("io_error", "cannot create " + dir + ": " + std::strerror(errno));
  }
  const std::string path = dir + "/" + std::string(kOperatorKeysFile);
  ReadFileOptions read;
  read.require_private = true;
  read.max_size = 64 << 10;
  auto text = ReadFileChecked(path, read);
  const bool exists = text.ok();
  if (!exists && text.status().code() != "not_found") return text.status();
  CRYFTTEE_ASSIGN_OR_RETURN(keys::SealRoot root,
                            keys::SealRoot::Open(dir, seal, /*may_initialize=*/!exists));
  if (exists) return Open(path, root, *text);
  return Create(path, root);
}

std::string DerivedOperatorId(ByteSpan identity_public_key) {
  Sha256Digest digest = Sha256(identity_public_key);
  return "op-" + HexEncode(ByteSpan(digest.data(), 6));
}

}  // namespace cryfttee::kms
