// SHA-256 helpers and the project-wide hash text format "sha256:<64 lower-case hex>".
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace cryfttee {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(ByteSpan data);

// Incremental hashing for files and streams.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(ByteSpan data);
  Sha256Digest Finish();

 private:
  void* ctx_;
};

// "sha256:" + hex.
std::string FormatSha256(const Sha256Digest& digest);
// True when text is exactly "sha256:" followed by 64 lower-case hex digits.
bool IsSha256Text(std::string_view text);
// Hash of a whole file, as "sha256:<hex>". Reads in 1 MiB chunks; fails with "io_error".
Result<std::string> Sha256File(const std::string& path);

}  // namespace cryfttee
