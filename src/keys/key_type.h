// The kinds of key the vault holds and their text names.
#pragma once

#include <optional>
#include <string_view>

#include "crypto/ecdsa.h"

namespace cryfttee::keys {

enum class KeyType { kBls, kSecp256k1, kP256 };

// "bls", "secp256k1", "p256": used in key files, handles and the API.
std::string_view KeyTypeName(KeyType type);
// Case-insensitive; also accepts "bls12-381", "bls12_381", "secp256r1", "prime256v1", "p-256".
std::optional<KeyType> ParseKeyType(std::string_view text);

inline bool IsEcdsa(KeyType type) { return type != KeyType::kBls; }
// Only meaningful when IsEcdsa(type).
inline crypto::EcCurve CurveOf(KeyType type) {
  return type == KeyType::kSecp256k1 ? crypto::EcCurve::kSecp256k1 : crypto::EcCurve::kP256;
}

}  // namespace cryfttee::keys
