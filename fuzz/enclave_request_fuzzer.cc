// libFuzzer target for the enclave's request decoder: the input is a byte stream as a parent
// (or anyone who got past the peer check) would send it, cut into frames exactly as the
// enclave's connection loop does (tee/enclave_server.cc: header, bounded payload, session
// rules, request decoder). Every frame is accepted or refused with a documented code, never a
// crash, hang or oversized allocation; an accepted request re-encodes to the bytes it came from.
// A KMS op's payload (opaque to tee) is then fed to the KMS payload decoders of that op, both its
// request and its answer layout (kms/enclave_wire.h: the enclave decodes the first, the parent
// the second): refused with "enclave_protocol" or decoded, and then, except for JSON text,
// re-encoded to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kms/enclave_wire.h"
#include "tee/wire.h"
#include "tee/wire_messages.h"

namespace {

using namespace cryfttee;
namespace ew = cryfttee::kms::enclave_wire;

bool Same(const Bytes& a, ByteSpan b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Decodes `payload`; a refusal must carry the documented code, an acceptance must re-encode to
// the same bytes (when `encode` is given).
template <typename T, typename Decode, typename Encode>
void Check(ByteSpan payload, Decode decode, Encode encode) {
  Result<T> r = decode(payload);
  if (!r.ok()) {
    if (r.status().code() != "enclave_protocol") __builtin_trap();
    return;
  }
  if (!Same(encode(*r), payload)) __builtin_trap();
}

void CheckJson(ByteSpan payload) {
  auto r = ew::DecodeJson(payload);
  if (!r.ok() && r.status().code() != "enclave_protocol") __builtin_trap();
}

void CheckKms(tee::wire::Op op, ByteSpan p) {
  using tee::wire::Op;
  switch (op) {
    case Op::kKmsStart:
      Check<kms::NodeOptions>(p, ew::DecodeStart, ew::EncodeStart);
      Check<ew::StartAnswer>(p, ew::DecodeStartAnswer, ew::EncodeStartAnswer);
      break;
    case Op::kKmsBoundary:
      Check<ew::BoundaryRequest>(p, ew::DecodeBoundary, ew::EncodeBoundary);
      Check<ew::SendsAnswer>(p, ew::DecodeSends, ew::EncodeSends);
      break;
    case Op::kKmsTick:
      Check<uint64_t>(p, ew::DecodeU64, ew::EncodeU64);
      Check<ew::SendsAnswer>(p, ew::DecodeSends, ew::EncodeSends);
      break;
    case Op::kKmsReceive:
    case Op::kKmsReceiveCall:
      Check<ew::Message>(p, ew::DecodeRouted, ew::EncodeRouted);
      Check<ew::SendsAnswer>(p, ew::DecodeSends, ew::EncodeSends);
      Check<Bytes>(p, ew::DecodeBytes, [](const Bytes& b) { return ew::EncodeBytes(b); });
      break;
    case Op::kKmsAppSign:
      Check<ew::AppSignRequest>(p, ew::DecodeAppSign, ew::EncodeAppSign);
      CheckJson(p);
      break;
    case Op::kKmsPrepareNodeSign:
      Check<ew::SignRequest>(p, ew::DecodeSign, ew::EncodeSign);
      Check<kms::NodeSignPlan>(p, ew::DecodePlan, ew::EncodePlan);
      break;
    case Op::kKmsQuery:
      Check<ew::Query>(p, ew::DecodeQuery, ew::EncodeQuery);
      CheckJson(p);
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
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
    if (IsKmsOp(request->op)) CheckKms(request->op, request->data);
  }
  return 0;
}
