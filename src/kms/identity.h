// An operator's identity key: what signs and verifies the KMS protocol's authenticated messages.
//
// The seed (kms-tdd-plan.md) uses BN254 because its operator keys sit on an EigenLayer contract;
// cryfttee operators use BLS12-381 keys from our own library (pk in G1, signature in G2) under a
// KMS-specific domain-separation tag, so a message signature can never be replayed as a staking
// signature or a proof of possession. The scheme is an interface so BN254 can be added beside it.
//
// Threading: implementations are immutable after construction and safe to share.
#pragma once

#include <memory>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::kms {

// Domain-separation tag of message signatures (RFC 9380 style, distinct from every staking DST).
inline constexpr std::string_view kMessageDst =
    "CRYFTTEE_KMS_MSG_V1_BLS12381G2_XMD:SHA-256_SSWU_RO_";

class IdentityVerifier {
 public:
  virtual ~IdentityVerifier() = default;
  virtual std::string_view scheme() const = 0;  // "bls12-381"
  // Validates an encoded public key (length, curve, subgroup). Code "invalid_identity_key".
  virtual Status CheckPublicKey(ByteSpan public_key) const = 0;
  virtual bool Verify(ByteSpan public_key, ByteSpan message, ByteSpan signature) const = 0;
};

class IdentitySigner {
 public:
  virtual ~IdentitySigner() = default;
  virtual Bytes PublicKey() const = 0;
  virtual Result<Bytes> Sign(ByteSpan message) const = 0;
};

const IdentityVerifier& Bls12381Identity();
// A signer over a 32-byte BLS secret key (copied and wiped on destruction).
Result<std::unique_ptr<IdentitySigner>> NewBls12381Signer(ByteSpan secret_key);

}  // namespace cryfttee::kms
