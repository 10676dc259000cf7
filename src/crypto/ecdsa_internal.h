// Per-curve ECDSA backends behind crypto/ecdsa.h. Inputs are already length-checked.
#pragma once

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/ecdsa.h"

namespace cryfttee::crypto::internal {

Status Secp256k1ValidateSecretKey(ByteSpan secret);
Result<Bytes> Secp256k1PublicKey(ByteSpan secret);
Result<Bytes> Secp256k1NormalizePublicKey(ByteSpan public_key);
Result<EcdsaSignature> Secp256k1Sign(ByteSpan secret, ByteSpan digest);
bool Secp256k1Verify(ByteSpan public_key, ByteSpan digest, ByteSpan compact);

Status P256ValidateSecretKey(ByteSpan secret);
Result<Bytes> P256PublicKey(ByteSpan secret);
Result<Bytes> P256NormalizePublicKey(ByteSpan public_key);
Result<EcdsaSignature> P256Sign(ByteSpan secret, ByteSpan digest);
bool P256Verify(ByteSpan public_key, ByteSpan digest, ByteSpan compact);

}  // namespace cryfttee::crypto::internal
