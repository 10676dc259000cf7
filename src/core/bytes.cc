#include "core/bytes.h"

#include <openssl/crypto.h>

namespace cryfttee {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Base64Value for every byte (0xff = not base64), so the decoder's inner loop is four loads.
struct Base64Table {
  uint8_t value[256];
  constexpr Base64Table() : value() {
    for (int c = 0; c < 256; ++c) {
      int v = Base64Value(static_cast<char>(c));
      value[c] = v < 0 ? 0xff : static_cast<uint8_t>(v);
    }
  }
};
constexpr Base64Table kBase64Table;

}  // namespace

std::string HexEncode(ByteSpan data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(data.size() * 2, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.size() % 2 != 0) {
    return Status::InvalidArgument("invalid_hex", "hex string has an odd number of digits");
  }
  Bytes out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(text[2 * i]);
    int lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("invalid_hex", "hex string has a non-hex character");
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(ByteSpan data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size_t rest = data.size() - i; rest > 0) {
    uint32_t v = data[i] << 16 | (rest == 2 ? data[i + 1] << 8 : 0);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) {
    return Status::InvalidArgument("invalid_base64", "base64 string has an impossible length");
  }
  // A request's message may be most of a megabyte: whole 4-character groups go through the
  // table into a buffer sized up front; the tail (2 or 3 characters) goes bit by bit.
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const size_t groups = text.size() / 4;
  Bytes out(groups * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1));
  uint8_t* o = out.data();
  for (size_t g = 0; g < groups; ++g, in += 4, o += 3) {
    const uint32_t a = kBase64Table.value[in[0]], b = kBase64Table.value[in[1]],
                   c = kBase64Table.value[in[2]], d = kBase64Table.value[in[3]];
    if (((a | b | c | d) & 0xc0) != 0) {  // 0xff in any of them
      return Status::InvalidArgument("invalid_base64", "base64 string has an invalid character");
    }
    const uint32_t v = a << 18 | b << 12 | c << 6 | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
  }
  uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char* end = reinterpret_cast<const unsigned char*>(text.data()) + text.size();
       in < end; ++in) {
    const uint32_t v = kBase64Table.value[*in];
    if (v == 0xff) {
      return Status::InvalidArgument("invalid_base64", "base64 string has an invalid character");
    }
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<uint8_t>(acc >> bits);
    }
  }
  // Leftover bits must be zero, otherwise two strings would decode to the same bytes.
  if ((acc & ((1u << bits) - 1)) != 0) {
    return Status::InvalidArgument("invalid_base64", "base64 string has non-zero padding bits");
  }
  return out;
}

void SecureWipe(void* data, size_t size) { OPENSSL_cleanse(data, size); }

void SecretBytes::resize(size_t n) {
  if (n <= data_.capacity()) {
    if (n < data_.size()) SecureWipe(data_.data() + n, data_.size() - n);
    data_.resize(n);
    return;
  }
  Bytes bigger(n);
  std::copy(data_.begin(), data_.end(), bigger.begin());
  Wipe();
  data_ = std::move(bigger);
}

}  // namespace cryfttee
