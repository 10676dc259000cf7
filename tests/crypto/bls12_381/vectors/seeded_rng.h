// Deterministic byte stream for reproducible random test cases: SHA-256(seed || counter).
// Not a CSPRNG for keys in production; only test inputs come from here.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/sha256.h"

namespace cryfttee::bls::testing {

class SeededRng {
 public:
  explicit SeededRng(uint64_t seed) : seed_(seed) {}

  Bytes Take(size_t n) {
    Bytes out;
    out.reserve(n);
    while (out.size() < n) {
      if (pos_ == block_.size()) Refill();
      out.push_back(block_[pos_++]);
    }
    return out;
  }

  uint64_t Next64() {
    Bytes b = Take(8);
    uint64_t v = 0;
    for (uint8_t x : b) v = (v << 8) | x;
    return v;
  }

  // Uniform enough for test-case selection; the modulo bias is irrelevant here.
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next64() % n; }

 private:
  void Refill() {
    uint8_t in[16];
    for (int i = 0; i < 8; ++i) in[i] = static_cast<uint8_t>(seed_ >> (56 - 8 * i));
    for (int i = 0; i < 8; ++i) in[8 + i] = static_cast<uint8_t>(counter_ >> (56 - 8 * i));
    ++counter_;
    block_ = Sha256(ByteSpan(in, sizeof(in)));
    pos_ = 0;
  }

  uint64_t seed_;
  uint64_t counter_ = 0;
  Sha256Digest block_{};
  size_t pos_ = block_.size();
};

}  // namespace cryfttee::bls::testing
