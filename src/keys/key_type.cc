#include "keys/key_type.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace cryfttee::keys {

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kBls:
      return "bls";
    case KeyType::kSecp256k1:
      return "secp256k1";
    case KeyType::kP256:
      return "p256";
  }
  return "unknown";
}

std::optional<KeyType> ParseKeyType(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "bls" || lower == "bls12-381" || lower == "bls12_381") return KeyType::kBls;
  if (lower == "secp256k1") return KeyType::kSecp256k1;
  if (lower == "p256" || lower == "p-256" || lower == "secp256r1" || lower == "prime256v1") {
    return KeyType::kP256;
  }
  return std::nullopt;
}

}  // namespace cryfttee::keys
