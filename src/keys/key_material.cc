#include "keys/key_material.h"

#include "core/sha256.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/ecdsa.h"

namespace cryfttee::keys {

Result<SecretBytes> GenerateSecret(KeyType type) {
  if (IsEcdsa(type)) return crypto::EcGenerateSecretKey(CurveOf(type));
  CRYFTTEE_ASSIGN_OR_RETURN(bls::SecretKey sk, bls::SecretKey::Generate());
  auto raw = sk.ToBytes();
  SecretBytes out(raw);
  SecureWipe(raw.data(), raw.size());
  return out;
}

Result<Bytes> PublicKeyOf(KeyType type, ByteSpan secret) {
  if (IsEcdsa(type)) return crypto::EcPublicKey(CurveOf(type), secret);
  if (secret.size() != bls::kSecretKeySize) {
    return Status::InvalidArgument("invalid_secret_key", "a BLS secret key is 32 bytes");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(bls::SecretKey sk, bls::SecretKey::FromBytes(secret));
  auto pk = sk.GetPublicKey().ToBytes();
  return Bytes(pk.begin(), pk.end());
}

std::string HandleFor(KeyType type, ByteSpan public_key) {
  Sha256Digest digest = Sha256(public_key);
  return std::string(KeyTypeName(type)) + "-" + HexEncode(ByteSpan(digest.data(), 8));
}

}  // namespace cryfttee::keys
