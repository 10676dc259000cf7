// The enclave's extension point for engines that live beside the key vault (issue 15: the KMS
// protocol engine with its threshold shares). tee carries the kKms* ops (wire.h) opaquely: the
// parent sends RemoteClient::CallKms(op, payload), the enclave's EnclaveServer hands the payload
// to its ExtensionHandler and returns the handler's answer bytes (or its error, encoded like every
// other op's). The handler defines, bounds and decodes the fields (kms/enclave_wire.h), because
// tee sits below kms and must not know its types.
//
// Failure codes the server adds: "kms_not_enabled" (kFailedPrecondition) when no handler is
// registered.
// Threading: Handle is called from the server's connection threads concurrently.
#pragma once

#include "core/bytes.h"
#include "core/status.h"
#include "tee/wire.h"

namespace cryfttee::tee {

class ExtensionHandler {
 public:
  virtual ~ExtensionHandler() = default;
  // One request of a kKms* op: its answer payload, or an error answered with its code.
  virtual Result<Bytes> Handle(wire::Op op, ByteSpan payload) = 0;
};

}  // namespace cryfttee::tee
