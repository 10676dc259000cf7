// libFuzzer target for the KMS protocol's message decoder (kms/authenticated_message.h): any
// input gives a DecodedMessage or a Status with one of the documented codes, never a crash, hang
// or escaping exception; a decoded message's hash always matches its payload.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/sha256.h"
#include "kms/authenticated_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cryfttee;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto m = kms::DecodeMessage(input);
  if (m.ok()) {
    Sha256Digest h = Sha256(m->payload);
    if (m->hash.size() != h.size() || !std::equal(h.begin(), h.end(), m->hash.begin())) {
      __builtin_trap();
    }
    if (!m->body.is_object() || m->header.from.empty()) __builtin_trap();
    (void)m->body.dump();  // bounded depth: serialising cannot overflow the stack
  } else {
    const std::string& code = m.status().code();
    if (code != "malformed_message" && code != "hash_mismatch" && code != "message_too_large") {
      __builtin_trap();
    }
  }
  return 0;
}
