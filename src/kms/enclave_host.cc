#include "kms/enclave_host.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "kms/enclave_wire.h"
#include "kms/operator_keys.h"

namespace cryfttee::kms {
namespace {

using tee::wire::Op;
namespace ew = enclave_wire;

// The sends of the op being answered on this thread. Node calls Transport::Send from the thread
// that called it (after releasing its lock), so one thread-local list per op is exact even with
// concurrent ops on other connections.
thread_local std::vector<ew::Send>* current_sends = nullptr;

class CollectScope {
 public:
  CollectScope() { current_sends = &sends_; }
  ~CollectScope() { current_sends = nullptr; }
  std::vector<ew::Send>& sends() { return sends_; }

 private:
  std::vector<ew::Send> sends_;
};

Bytes Relay(CollectScope& scope, Status status) {
  ew::SendsAnswer a;
  a.sends = std::move(scope.sends());
  if (a.sends.size() > ew::kMaxSends) {
    // Cannot happen with kMaxSessionOperators peers; the protocol resends what is dropped.
    spdlog::warn("kms enclave: {} sends in one call, relaying {}", a.sends.size(), ew::kMaxSends);
    a.sends.resize(ew::kMaxSends);
  }
  a.status = std::move(status);
  return ew::EncodeSends(a);
}

}  // namespace

class EnclaveHost::Collector final : public Transport {
 public:
  void Send(const OperatorSetPeer& peer, std::string_view route, std::string wire) override {
    if (!current_sends) {
      spdlog::warn("kms enclave: a send to {} outside an op, dropped", peer.id);
      return;
    }
    current_sends->push_back({peer, std::string(route), std::move(wire)});
  }
  Result<std::string> Call(const OperatorSetPeer&, std::string_view, std::string,
                           std::chrono::milliseconds) override {
    return Status::FailedPrecondition("internal",
                                      "the enclave makes no calls (node signing is "
                                      "prepared here and combined in the parent)");
  }
};

EnclaveHost::EnclaveHost(EnclaveHostOptions options)
    : options_(std::move(options)), collector_(std::make_unique<Collector>()) {}

EnclaveHost::~EnclaveHost() {
  MutexLock lock(&mu_);
  node_.reset();  // before the collector it sends through
}

Result<Bytes> EnclaveHost::Start(ByteSpan payload) {
  CRYFTTEE_ASSIGN_OR_RETURN(NodeOptions node_options, ew::DecodeStart(payload));
  MutexLock lock(&mu_);
  if (node_ && started_with_ == Bytes(payload.begin(), payload.end())) return start_answer_;
  CRYFTTEE_ASSIGN_OR_RETURN(OperatorKeys keys,
                            LoadOrCreateOperatorKeys(options_.data_dir, options_.seal));
  if (keys.created) {
    spdlog::info("kms enclave: generated the operator's identity and encryption keys in {}",
                 options_.data_dir);
  }
  if (node_options.self_id.empty())
    node_options.self_id = DerivedOperatorId(keys.identity_public_key);
  node_options.data_dir = options_.data_dir;
  ew::StartAnswer answer{node_options.self_id,
                         {keys.identity_public_key, keys.encryption_public_key}};
  CRYFTTEE_ASSIGN_OR_RETURN(std::unique_ptr<IdentitySigner> signer,
                            NewBls12381Signer(keys.identity_secret.span()));
  Bytes encryption_secret(keys.encryption_secret.span().begin(),
                          keys.encryption_secret.span().end());
  // One Node per share store: the old one closes before the new one opens it.
  node_.reset();
  auto node = Node::Open(std::move(node_options), std::move(signer), std::move(encryption_secret),
                         collector_.get());
  SecureWipe(encryption_secret.data(), encryption_secret.size());
  if (!node.ok()) return node.status();
  node_ = std::move(node).value();
  started_with_.assign(payload.begin(), payload.end());
  start_answer_ = ew::EncodeStartAnswer(answer);
  spdlog::info("kms enclave: engine started for operator {}", answer.self_id);
  return start_answer_;
}

Result<std::shared_ptr<Node>> EnclaveHost::Started() {
  MutexLock lock(&mu_);
  if (!node_) {
    return Status::FailedPrecondition("kms_not_started",
                                      "the KMS engine in this enclave has not been started");
  }
  return node_;
}

Result<Bytes> EnclaveHost::Handle(Op op, ByteSpan payload) {
  if (op == Op::kKmsStart) return Start(payload);
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Node> node, Started());
  switch (op) {
    case Op::kKmsBoundary: {
      CRYFTTEE_ASSIGN_OR_RETURN(ew::BoundaryRequest b, ew::DecodeBoundary(payload));
      CollectScope scope;
      node->OnBoundary(b.boundary_ms, std::move(b.operators));
      return Relay(scope, Status::Ok());
    }
    case Op::kKmsTick: {
      CRYFTTEE_ASSIGN_OR_RETURN(uint64_t now, ew::DecodeU64(payload));
      CollectScope scope;
      node->Tick(now);
      return Relay(scope, Status::Ok());
    }
    case Op::kKmsReceive: {
      CRYFTTEE_ASSIGN_OR_RETURN(ew::Message m, ew::DecodeRouted(payload));
      CollectScope scope;
      Status st = node->Receive(m.route, m.wire);
      return Relay(scope, std::move(st));
    }
    case Op::kKmsReceiveCall: {
      CRYFTTEE_ASSIGN_OR_RETURN(ew::Message m, ew::DecodeRouted(payload));
      CRYFTTEE_ASSIGN_OR_RETURN(std::string answer, node->ReceiveCall(m.route, m.wire));
      return ew::EncodeBytes(AsBytes(answer));
    }
    case Op::kKmsAppSign: {
      CRYFTTEE_ASSIGN_OR_RETURN(ew::AppSignRequest a, ew::DecodeAppSign(payload));
      CRYFTTEE_ASSIGN_OR_RETURN(nlohmann::json j, node->AppSign(a.app_id, a.attestation_time));
      return ew::EncodeJson(j);
    }
    case Op::kKmsPrepareNodeSign: {
      CRYFTTEE_ASSIGN_OR_RETURN(ew::SignRequest s, ew::DecodeSign(payload));
      CRYFTTEE_ASSIGN_OR_RETURN(NodeSignPlan plan, node->PrepareNodeSign(s.message, s.dst));
      return ew::EncodePlan(plan);
    }
    case Op::kKmsQuery: {
      CRYFTTEE_ASSIGN_OR_RETURN(ew::Query what, ew::DecodeQuery(payload));
      switch (what) {
        case ew::Query::kPubkey:
          return ew::EncodeJson(node->Pubkey());
        case ew::Query::kStatus:
          return ew::EncodeJson(node->StatusJson());
        case ew::Query::kEvidence:
          return ew::EncodeJson(node->EvidenceJson());
        case ew::Query::kGroupKey: {
          auto key = node->GroupKey();
          if (!key) return ew::EncodeJson(nullptr);
          return ew::EncodeJson({{"public_key", HexEncode(key->public_key)},
                                 {"public_key_g2", HexEncode(key->public_key_g2)},
                                 {"t", key->t},
                                 {"n", key->n},
                                 {"version", key->version},
                                 {"handle", key->handle}});
        }
      }
      return tee::wire::ProtocolError("unknown query");
    }
    default:
      return tee::wire::ProtocolError("not a KMS op");
  }
}

}  // namespace cryfttee::kms
