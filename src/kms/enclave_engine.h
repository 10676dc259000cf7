// The parent's kms::Engine when the engine runs in cryfttee-enclave (issue 15; the enclave side is
// kms/enclave_host.h). Every call is one kKms* op (kms/enclave_wire.h) over the enclave wire
// protocol; the messages the engine sends come back in the answer and are handed to the real
// Transport (the daemon's HttpTransport) here. Node signing: PrepareNodeSign in the enclave,
// the peers' partials and their combination here (kms/node_sign.h: public data only). This
// process holds no share, polynomial or private key: only the operator's public keys.
//
// Enclave restarts: an op answered "kms_not_started" makes this engine send kKmsStart again
// (same options) and retry the op once, so an enclave that came back picks up where its share
// store is before anything is relayed to it.
//
// Failures: while the enclave is down every call fails with "enclave_unavailable" (503):
// Receive / ReceiveCall / AppSign / NodeSign return it; OnBoundary and Tick log it (once per
// outage) and drop the call (the protocol tolerates lost boundaries and ticks); Pubkey,
// StatusJson and EvidenceJson answer {"error": "enclave_unavailable", ...}; GroupKey nullopt.
// Thread-safe (the call function must be).
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "kms/engine.h"
#include "tee/wire.h"

namespace cryfttee::kms {

// One kKms* request to the enclave: its answer payload or its error (tee::RemoteClient::CallKms).
using EnclaveCall = std::function<Result<Bytes>(tee::wire::Op op, ByteSpan payload)>;

class EnclaveEngine final : public Engine {
 public:
  // Starts the engine in the enclave (kKmsStart with `options`; its data_dir is ignored, the
  // enclave keeps its own) and learns the operator's id and public keys. `transport` must
  // outlive the engine. Codes: those of the enclave's start ("enclave_unavailable" when it is
  // down, the enclave's operator-key and share-store codes).
  static Result<std::unique_ptr<EnclaveEngine>> Open(NodeOptions options, EnclaveCall call,
                                                     Transport* transport);

  const std::string& operator_id() const { return self_id_; }

  void OnBoundary(uint64_t boundary_unix_ms, std::vector<OperatorSetPeer> operators) override;
  void Tick(uint64_t now_unix_ms) override;
  Status Receive(std::string_view route, std::string_view wire) override;
  Result<std::string> ReceiveCall(std::string_view route, std::string_view wire) override;
  nlohmann::json Pubkey() const override;
  Result<nlohmann::json> AppSign(std::string_view app_id,
                                 std::optional<uint64_t> attestation_time) override;
  Result<NodeSignPlan> PrepareNodeSign(ByteSpan message, std::string_view dst) override;
  Result<Bytes> NodeSign(ByteSpan message, std::string_view dst) override;
  std::optional<GroupKeyInfo> GroupKey() const override;
  nlohmann::json StatusJson() const override;
  nlohmann::json EvidenceJson() const override;
  OperatorPublicKeys PublicKeys() const override { return keys_; }

 private:
  EnclaveEngine(Bytes start, EnclaveCall call, Transport* transport)
      : start_(std::move(start)), call_(std::move(call)), transport_(transport) {}
  // One op, restarting the engine once when the enclave says it is not started.
  Result<Bytes> Call(tee::wire::Op op, ByteSpan payload) const;
  // Relays the sends of a kKmsBoundary / kKmsTick / kKmsReceive answer; its engine status.
  Status Relay(const Result<Bytes>& answer, const char* what);
  Result<nlohmann::json> Query(uint8_t what) const;

  const Bytes start_;  // the kKmsStart payload
  const EnclaveCall call_;
  Transport* const transport_;
  std::string self_id_;
  OperatorPublicKeys keys_;
  std::atomic<bool> down_{false};  // logged once per outage
};

}  // namespace cryfttee::kms
