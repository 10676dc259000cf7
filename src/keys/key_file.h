// The on-disk form of one sealed key: <keys dir>/<handle>.key, a JSON document
//   {"format": "cryfttee-sealed-key", "version": 1, "handle", "key_type", "public_key" (hex),
//    "label", "created_at" (unix seconds), "salt" (32 bytes hex), "nonce" (12 bytes hex),
//    "ciphertext" (hex of AES-256-GCM ciphertext || tag), "certificate"? (hex DER)}
// "certificate" is present only for an ECDSA key registered as a TLS identity (KeyVault::
// RegisterTls): the key's own self-signed certificate, created before the file is written.
// The metadata stays readable (listing keys needs no secret) but is authenticated: the AAD is a
// length-prefixed encoding of the format name, version, handle, key type, public key, label and
// creation time (and the certificate, when there is one), so editing any of them makes unsealing
// fail.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/status.h"
#include "keys/key_type.h"

namespace cryfttee::keys {

inline constexpr uint32_t kKeyFileVersion = 1;
inline constexpr std::string_view kKeyFileSuffix = ".key";

struct KeyFile {
  std::string handle;
  KeyType type = KeyType::kBls;
  Bytes public_key;
  std::string label;
  int64_t created_at = 0;
  Bytes salt;
  Bytes nonce;
  Bytes ciphertext;
  Bytes certificate;  // DER; empty when the key has none
};

std::string EncodeKeyFile(const KeyFile& file);
// Structure only (code "key_file_invalid"); authentication happens when unsealing.
Result<KeyFile> DecodeKeyFile(ByteSpan text);
// The additional authenticated data for this file's metadata.
Bytes KeyFileAad(const KeyFile& file);

}  // namespace cryfttee::keys
