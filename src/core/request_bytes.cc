#include "core/request_bytes.h"

#include <string>

namespace cryfttee {
namespace {

bool IsStdBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

Status Invalid(const char* code, std::string_view field, const std::string& why) {
  return Status::InvalidArgument(code, "field \"" + std::string(field) + "\" " + why);
}

}  // namespace

Result<ByteEncoding> ParseByteEncoding(std::string_view name) {
  if (name.empty()) return ByteEncoding::kAuto;
  if (EqualsIgnoreCase(name, "base64")) return ByteEncoding::kBase64;
  if (EqualsIgnoreCase(name, "hex")) return ByteEncoding::kHex;
  return Status::InvalidArgument("invalid_message_encoding",
                                 "message_encoding must be \"base64\" or \"hex\"");
}

bool IsPaddedBase64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  size_t pad = 0;
  while (pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  if (pad > 2) return false;
  for (size_t i = 0; i < text.size() - pad; ++i) {
    if (!IsStdBase64Char(text[i])) return false;
  }
  // Base64Decode checks that the padding bits are zero (one encoding per byte string).
  return Base64Decode(text).ok();
}

Result<Bytes> DecodeRequestBytes(std::string_view text, ByteEncoding encoding,
                                 std::string_view field) {
  switch (encoding) {
    case ByteEncoding::kBase64:
      if (!IsPaddedBase64(text)) return Invalid("invalid_base64", field, "is not padded base64");
      return Base64Decode(text);
    case ByteEncoding::kHex: {
      auto bytes = HexDecode(text);
      if (!bytes.ok()) return Invalid("invalid_hex", field, "is not valid hex");
      return bytes;
    }
    case ByteEncoding::kAuto:
      break;
  }
  if (IsPaddedBase64(text)) return Base64Decode(text);
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    auto bytes = HexDecode(text);
    if (bytes.ok()) return bytes;
    return Invalid("invalid_hex", field,
                   "is neither padded base64 nor valid 0x hex; set \"message_encoding\"");
  }
  return Invalid("invalid_base64", field,
                 "is not padded base64 (Go's []byte encoding) and not 0x-prefixed hex");
}

Result<Bytes> DecodePublicKeyText(std::string_view text) {
  auto valid_length = [](size_t n) { return n == 33 || n == 48 || n == 65 || n == 96; };
  // Hex (with or without 0x) first: a key's hex form is never also base64 of a valid key length
  // (64/44/88/128 characters of base64 are 0x-hex of 31/21/43/63 bytes), so no key is ambiguous.
  if (auto hex = HexDecode(text); hex.ok() && valid_length(hex->size())) return hex;
  if (IsPaddedBase64(text)) {
    auto b64 = Base64Decode(text);
    if (b64.ok() && valid_length(b64->size())) return b64;
  }
  return Status::InvalidArgument("invalid_public_key",
                                 "pubkey must be a public key (33, 48, 65 or 96 bytes) in hex, "
                                 "0x hex or padded base64");
}

}  // namespace cryfttee
