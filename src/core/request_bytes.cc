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

Status Invalid(std::string_view field, const std::string& why) {
  return Status::InvalidArgument("invalid_encoding", "field \"" + std::string(field) + "\" " + why);
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
      if (!IsPaddedBase64(text)) return Invalid(field, "is not valid padded base64");
      return Base64Decode(text);
    case ByteEncoding::kHex: {
      auto bytes = HexDecode(text);
      if (!bytes.ok()) return Invalid(field, "is not valid hex");
      return bytes;
    }
    case ByteEncoding::kAuto:
      break;
  }
  if (IsPaddedBase64(text)) return Base64Decode(text);
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    auto bytes = HexDecode(text);
    if (bytes.ok()) return bytes;
  }
  return Invalid(field,
                 "is neither padded base64 (Go's []byte) nor 0x-prefixed hex; set "
                 "\"message_encoding\" to say which");
}

}  // namespace cryfttee
