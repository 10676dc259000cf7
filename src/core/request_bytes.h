// How bytes arrive in a JSON request (design.md §4): Go's []byte is standard base64 with
// padding; "0x"-prefixed hex is also accepted, but only when the text is NOT valid padded base64,
// because a base64 text may itself begin with "0x" (about 1 in 2,048 random messages does, and
// "0xabcdef1234" is valid base64 for 9 bytes). An explicit encoding ("base64" or "hex") in the
// request overrides the rule. This is the one place the rule lives; every signing path uses it.
#pragma once

#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee {

enum class ByteEncoding { kAuto, kBase64, kHex };

// "" -> kAuto, "base64", "hex" (case-insensitive). Code "invalid_message_encoding".
Result<ByteEncoding> ParseByteEncoding(std::string_view name);

// True for standard-alphabet base64 whose length is a multiple of 4, with "=" only as the last
// one or two characters and zero padding bits: exactly what Go's base64.StdEncoding produces.
// "" is valid (the empty message); "====" is not.
bool IsPaddedBase64(std::string_view text);

// Decodes `text` under the rule above. `field` names the request field in errors.
// Codes: "invalid_base64" (not padded base64, and not written as 0x hex), "invalid_hex" (0x text
// that is neither base64 nor hex, or bad hex under an explicit "hex").
Result<Bytes> DecodeRequestBytes(std::string_view text, ByteEncoding encoding,
                                 std::string_view field);

// A public key named in a request ("pubkey"): keys have fixed sizes (33/65 ECDSA, 48/96 BLS), so
// the encoding that yields a valid size wins: hex (with or without 0x), else padded base64.
// Code "invalid_public_key".
Result<Bytes> DecodePublicKeyText(std::string_view text);

}  // namespace cryfttee
