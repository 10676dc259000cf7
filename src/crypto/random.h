// Cryptographically secure random bytes from the OS-seeded OpenSSL DRBG.
#pragma once

#include <cstdint>
#include <span>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

// Fills out with random bytes. Code "rng_failure" when the DRBG cannot deliver.
Status RandomBytes(std::span<uint8_t> out);
Result<Bytes> RandomBytes(size_t n);

}  // namespace cryfttee::crypto
