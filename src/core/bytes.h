// Byte buffers, encodings (hex, base64) and secret wiping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cryfttee {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Lower-case hex, no prefix.
std::string HexEncode(ByteSpan data);
// Accepts upper or lower case, with or without a "0x" prefix. Code: "invalid_hex".
Result<Bytes> HexDecode(std::string_view text);

// Standard base64 with padding (Go's encoding/json form of []byte).
std::string Base64Encode(ByteSpan data);
// Accepts standard or URL alphabet, padded or not. Code: "invalid_base64".
Result<Bytes> Base64Decode(std::string_view text);

// Overwrites memory in a way the compiler may not elide.
void SecureWipe(void* data, size_t size);

inline ByteSpan AsBytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// A byte vector that wipes itself when destroyed or cleared. Use for key material.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : data_(n) {}
  explicit SecretBytes(ByteSpan b) : data_(b.begin(), b.end()) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept : data_(std::move(o.data_)) {}
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      Wipe();
      data_ = std::move(o.data_);
    }
    return *this;
  }
  ~SecretBytes() { Wipe(); }

  uint8_t* data() { return data_.data(); }
  const uint8_t* data() const { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  ByteSpan span() const { return ByteSpan(data_.data(), data_.size()); }
  void resize(size_t n);  // wipes the old storage if it must move
  void Wipe() {
    if (!data_.empty()) SecureWipe(data_.data(), data_.size());
    data_.clear();
  }

 private:
  Bytes data_;
};

}  // namespace cryfttee
