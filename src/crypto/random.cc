#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>

namespace cryfttee::crypto {

Status RandomBytes(std::span<uint8_t> out) {
  // RAND_priv_bytes keeps key material on a DRBG separate from public randomness (nonces, salts
  // visible on disk), so a leaked public stream says nothing about keys.
  if (out.size() > INT_MAX || RAND_priv_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return Status::Internal("rng_failure", "the random number generator failed");
  }
  return Status::Ok();
}

Result<Bytes> RandomBytes(size_t n) {
  Bytes out(n);
  CRYFTTEE_RETURN_IF_ERROR(RandomBytes(std::span<uint8_t>(out)));
  return out;
}

}  // namespace cryfttee::crypto
