#include "kms/identity.h"

#include "crypto/bls12_381/bls.h"

namespace cryfttee::kms {
namespace {

class Bls12381Verifier final : public IdentityVerifier {
 public:
  std::string_view scheme() const override { return "bls12-381"; }
  Status CheckPublicKey(ByteSpan public_key) const override {
    if (public_key.size() != bls::kPublicKeySize) {
      return Status::InvalidArgument("invalid_identity_key",
                                     "a BLS12-381 identity key is 48 bytes (compressed G1)");
    }
    if (!bls::PublicKey::FromBytes(public_key).ok()) {
      return Status::InvalidArgument("invalid_identity_key",
                                     "not a valid G1 point in the prime-order subgroup");
    }
    return Status::Ok();
  }
  bool Verify(ByteSpan public_key, ByteSpan message, ByteSpan signature) const override {
    if (public_key.size() != bls::kPublicKeySize || signature.size() != bls::kSignatureSize) {
      return false;
    }
    auto pk = bls::PublicKey::FromBytes(public_key);
    auto sig = bls::Signature::FromBytes(signature);
    return pk.ok() && sig.ok() && bls::Verify(*pk, message, *sig, kMessageDst);
  }
};

class Bls12381Signer final : public IdentitySigner {
 public:
  explicit Bls12381Signer(bls::SecretKey sk) : sk_(std::move(sk)) {}
  Bytes PublicKey() const override {
    auto pk = sk_.GetPublicKey().ToBytes();
    return Bytes(pk.begin(), pk.end());
  }
  Result<Bytes> Sign(ByteSpan message) const override {
    auto sig = sk_.Sign(message, kMessageDst).ToBytes();
    return Bytes(sig.begin(), sig.end());
  }

 private:
  bls::SecretKey sk_;
};

}  // namespace

const IdentityVerifier& Bls12381Identity() {
  static const Bls12381Verifier verifier;
  return verifier;
}

Result<std::unique_ptr<IdentitySigner>> NewBls12381Signer(ByteSpan secret_key) {
  CRYFTTEE_ASSIGN_OR_RETURN(bls::SecretKey sk, bls::SecretKey::FromBytes(secret_key));
  return std::unique_ptr<IdentitySigner>(std::make_unique<Bls12381Signer>(std::move(sk)));
}

}  // namespace cryfttee::kms
