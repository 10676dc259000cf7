// EIP-2335 password normalisation through ICU (full Unicode NFKD tables).
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <vector>

#include "crypto/eip2335.h"

namespace cryfttee::crypto {
namespace {

// UChar buffers that hold password text are wiped before they are freed.
class WipedUChars {
 public:
  explicit WipedUChars(size_t n) : data_(n) {}
  ~WipedUChars() {
    if (!data_.empty()) SecureWipe(data_.data(), data_.size() * sizeof(UChar));
  }
  UChar* data() { return data_.data(); }
  int32_t capacity() const { return static_cast<int32_t>(data_.size()); }

 private:
  std::vector<UChar> data_;
};

bool IsControl(UChar c) { return c <= 0x1F || (c >= 0x7F && c <= 0x9F); }

}  // namespace

Result<SecretBytes> Eip2335NormalizePassword(std::string_view password) {
  if (password.size() > 4096) {
    return Status::InvalidArgument("invalid_password", "password longer than 4096 bytes");
  }
  const Status invalid = Status::InvalidArgument("invalid_password", "password is not UTF-8");
  // UTF-8 -> UTF-16 never needs more code units than bytes.
  WipedUChars utf16(password.size() + 1);
  int32_t utf16_len = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strFromUTF8(utf16.data(), utf16.capacity(), &utf16_len, password.data(),
                static_cast<int32_t>(password.size()), &err);
  if (U_FAILURE(err)) return invalid;

  err = U_ZERO_ERROR;
  const UNormalizer2* nfkd = unorm2_getNFKDInstance(&err);
  if (U_FAILURE(err)) return Status::Internal("icu_failure", "ICU has no NFKD data");
  // Compatibility decomposition expands a code unit into at most 18 (Unicode's stated bound).
  WipedUChars normalized(static_cast<size_t>(utf16_len) * 18 + 1);
  int32_t norm_len = unorm2_normalize(nfkd, utf16.data(), utf16_len, normalized.data(),
                                      normalized.capacity(), &err);
  if (U_FAILURE(err)) return Status::Internal("icu_failure", "NFKD normalisation failed");

  // All stripped characters are in the BMP and never part of a surrogate pair.
  int32_t kept = 0;
  for (int32_t i = 0; i < norm_len; ++i) {
    if (!IsControl(normalized.data()[i])) normalized.data()[kept++] = normalized.data()[i];
  }

  err = U_ZERO_ERROR;
  int32_t utf8_len = 0;
  u_strToUTF8(nullptr, 0, &utf8_len, normalized.data(), kept, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return invalid;
  SecretBytes out(static_cast<size_t>(utf8_len) + 1);  // room for ICU's terminator
  err = U_ZERO_ERROR;
  u_strToUTF8(reinterpret_cast<char*>(out.data()), static_cast<int32_t>(out.size()), &utf8_len,
              normalized.data(), kept, &err);
  if (U_FAILURE(err)) return invalid;
  out.resize(static_cast<size_t>(utf8_len));
  return out;
}

}  // namespace cryfttee::crypto
