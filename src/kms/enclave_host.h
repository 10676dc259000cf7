// The enclave side of the KMS engine (issue 15): cryfttee-enclave registers one EnclaveHost as
// its EnclaveServer's extension handler. It owns what the parent must never hold: the operator's
// identity and X25519 encryption keys (<data_dir>/operator-keys.json, sealed with the enclave's
// own seal options) and the kms::Node with its dealer polynomials, decrypted shares and share
// store (<data_dir>/versions, shares/...). The parent drives it with the kKms* ops
// (kms/enclave_wire.h) and relays what it sends: a collecting Transport gathers the
// Transport::Send calls of one op and they go back in the answer. Transport::Call is never made
// here: node signing is split (PrepareNodeSign here, the peers' partials and the combination in
// the parent, kms/node_sign.h).
//
// kKmsStart opens the keys (creating them on first start) and the Node; it is idempotent, and a
// start with other options reopens the Node with them (the share store is on disk). Every other
// op before a start fails with "kms_not_started" (kFailedPrecondition): the parent starts again
// (after an enclave restart) and retries.
//
// Codes: those of LoadOrCreateOperatorKeys and Node::Open (start), "kms_not_started",
// "enclave_protocol" (a malformed payload), and the engine's own.
// Thread-safe: the server's connection threads call Handle concurrently; the Node is.
#pragma once

#include <memory>
#include <string>

#include "core/mutex.h"
#include "keys/seal.h"
#include "kms/node.h"
#include "tee/extension.h"

namespace cryfttee::kms {

struct EnclaveHostOptions {
  std::string data_dir;  // the enclave's <data-dir>/kms
  keys::SealOptions seal;
};

class EnclaveHost final : public tee::ExtensionHandler {
 public:
  explicit EnclaveHost(EnclaveHostOptions options);
  ~EnclaveHost() override;

  Result<Bytes> Handle(tee::wire::Op op, ByteSpan payload) override;

  class Collector;  // the Transport handed to the Node (enclave_host.cc)

 private:
  Result<Bytes> Start(ByteSpan payload);
  Result<std::shared_ptr<Node>> Started();

  const EnclaveHostOptions options_;
  std::unique_ptr<Collector> collector_;
  Mutex mu_;
  std::shared_ptr<Node> node_ GUARDED_BY(mu_);
  Bytes started_with_ GUARDED_BY(mu_);  // the kKmsStart payload node_ was opened with
  Bytes start_answer_ GUARDED_BY(mu_);
};

}  // namespace cryfttee::kms
