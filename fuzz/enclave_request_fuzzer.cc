// libFuzzer target for the enclave's request decoder: the input is a byte stream as a parent
// (or anyone who got past the peer check) would send it, cut into frames exactly as the
// enclave's connection loop does (tee/enclave_server.cc: header, bounded payload, session
// rules, request decoder). Every frame is accepted or refused with a documented code, never a
// crash, hang or oversized allocation; an accepted request re-encodes to the bytes it came from.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tee/wire.h"
#include "tee/wire_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cryfttee;
  using namespace cryfttee::tee::wire;
  ServerSession session;
  size_t pos = 0;
  while (size - pos >= kHeaderSize) {
    auto header = DecodeHeader(ByteSpan(data + pos, kHeaderSize));
    pos += kHeaderSize;
    if (!header.ok()) {
      const std::string& code = header.status().code();
      if (code != "enclave_protocol" && code != "enclave_protocol_version" &&
          code != "enclave_frame_too_large") {
        __builtin_trap();
      }
      return 0;  // the enclave answers once and closes
    }
    if (header->payload_size > MaxPayload(header->kind, header->op)) __builtin_trap();
    if (size - pos < header->payload_size) return 0;  // the peer would still be sending
    ByteSpan payload(data + pos, header->payload_size);
    pos += header->payload_size;
    auto request = session.Accept(*header, payload);
    if (!request.ok()) {
      const std::string& code = request.status().code();
      if (code != "enclave_protocol" && code != "enclave_out_of_order") __builtin_trap();
      (void)EncodeError(request.status());
      return 0;
    }
    if (request->op != header->op) __builtin_trap();
    Bytes again = EncodeRequest(*request);
    if (again.size() != payload.size() ||
        !std::equal(again.begin(), again.end(), payload.begin())) {
      __builtin_trap();
    }
  }
  return 0;
}
