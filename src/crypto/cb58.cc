#include "crypto/cb58.h"

#include <algorithm>

#include "core/sha256.h"

namespace cryfttee::crypto {
namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int DigitValue(char c) {
  const char* pos = std::find(kAlphabet, kAlphabet + 58, c);
  return pos == kAlphabet + 58 ? -1 : static_cast<int>(pos - kAlphabet);
}

}  // namespace

std::string Base58Encode(ByteSpan data) {
  size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  // Big-number base conversion, little-endian base-58 digits; log(256)/log(58) < 1.37.
  std::vector<uint8_t> digits;
  digits.reserve(data.size() * 138 / 100 + 1);
  for (size_t i = zeros; i < data.size(); ++i) {
    uint32_t carry = data[i];
    for (auto& d : digits) {
      carry += static_cast<uint32_t>(d) << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<Bytes> Base58Decode(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("invalid_base58", "empty base58 string");
  size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  std::vector<uint8_t> bytes;  // little-endian base-256
  bytes.reserve(text.size());
  for (size_t i = ones; i < text.size(); ++i) {
    int value = DigitValue(text[i]);
    if (value < 0) {
      return Status::InvalidArgument("invalid_base58", "character outside the base58 alphabet");
    }
    uint32_t carry = static_cast<uint32_t>(value);
    for (auto& b : bytes) {
      carry += static_cast<uint32_t>(b) * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  Bytes out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

std::string Cb58Encode(ByteSpan payload) {
  Sha256Digest digest = Sha256(payload);
  Bytes buf(payload.begin(), payload.end());
  buf.insert(buf.end(), digest.end() - 4, digest.end());
  return Base58Encode(buf);
}

Result<Bytes> Cb58Decode(std::string_view text) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes raw, Base58Decode(text));
  if (raw.size() < 4) {
    return Status::InvalidArgument("cb58_missing_checksum", "cb58 input shorter than a checksum");
  }
  Bytes payload(raw.begin(), raw.end() - 4);
  Sha256Digest digest = Sha256(payload);
  if (!std::equal(digest.end() - 4, digest.end(), raw.end() - 4)) {
    return Status::InvalidArgument("cb58_bad_checksum", "cb58 checksum mismatch");
  }
  return payload;
}

}  // namespace cryfttee::crypto
