// Internal: EC keys as OpenSSL EVP_PKEY objects, for P-256 signing and for X.509 on both curves.
#pragma once

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/ecdsa.h"
#include "crypto/openssl_util.h"

namespace cryfttee::crypto::internal {

// OpenSSL group name: "secp256k1" or "prime256v1".
const char* EcGroupName(EcCurve curve);
Result<EcGroupPtr> NewEcGroup(EcCurve curve);

// Key pair from a 32-byte secret (validated to be in [1, n-1]).
Result<EvpPkeyPtr> EcPrivateKeyToEvp(EcCurve curve, ByteSpan secret);
// Public key from a compressed or uncompressed SEC1 point (validated to be on the curve).
Result<EvpPkeyPtr> EcPublicKeyToEvp(EcCurve curve, ByteSpan point);

// Validates a SEC1 point (compressed or not, on the curve, not infinity) and compresses it.
Result<Bytes> CompressPoint(EcCurve curve, ByteSpan point);

struct EcPublicKeyInfo {
  EcCurve curve;
  Bytes compressed;  // 33 bytes
};
// The curve and compressed point of an EC public key. Code "unsupported_key_type" for any key
// that is not ECDSA on secp256k1 or P-256.
Result<EcPublicKeyInfo> EcPublicKeyFromEvp(const EVP_PKEY* pkey);

}  // namespace cryfttee::crypto::internal
