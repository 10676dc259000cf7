// Base58 (Bitcoin alphabet) and Avalanche's cb58: base58(payload || last 4 bytes of SHA-256).
// Note cb58's checksum is a single SHA-256 and takes the tail, unlike Bitcoin's Base58Check.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

std::string Base58Encode(ByteSpan data);
// Code "invalid_base58" for an empty string or a character outside the alphabet.
Result<Bytes> Base58Decode(std::string_view text);

std::string Cb58Encode(ByteSpan payload);
// Codes: "invalid_base58", "cb58_missing_checksum" (< 4 bytes), "cb58_bad_checksum".
Result<Bytes> Cb58Decode(std::string_view text);

}  // namespace cryfttee::crypto
