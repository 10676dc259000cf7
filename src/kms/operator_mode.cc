#include "kms/operator_mode.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "api/responses.h"
#include "core/atomic_file.h"
#include "core/file_util.h"
#include "core/sha256.h"
#include "crypto/random.h"
#include "kms/enclave_engine.h"
#include "kms/group_key_client.h"
#include "kms/http_transport.h"
#include "kms/operator_keys.h"
#include "kms/protocol_api.h"
#include "kms/scheduler.h"
#include "tee/remote_client.h"

namespace cryfttee::kms {
namespace {

using nlohmann::json;

// The bearer token of GET /evidence: generated once, kept private to the daemon's user.
Result<std::string> LoadOrCreateEvidenceToken(const std::string& dir) {
  const std::string path = dir + "/evidence-token";
  ReadFileOptions read;
  read.require_private = true;
  read.max_size = 1024;
  auto existing = ReadFileChecked(path, read);
  if (existing.ok()) {
    std::string token(existing->begin(), existing->end());
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    if (token.size() >= 32) return token;
    return Status::InvalidArgument("invalid_evidence_token",
                                   path + " holds fewer than 32 characters");
  }
  if (existing.status().code() != "not_found") return existing.status();
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes random, crypto::RandomBytes(32));
  std::string token = HexEncode(random);
  std::string text = token + "\n";
  CRYFTTEE_RETURN_IF_ERROR(WriteFileAtomically(path, AsBytes(text)));
  return token;
}

// The engine in this process: keys in <data_dir>/kms/operator-keys.json, shares beside them.
Result<std::unique_ptr<Engine>> OpenLocalEngine(NodeOptions node_options,
                                                const keys::SealOptions& seal,
                                                Transport* transport) {
  CRYFTTEE_ASSIGN_OR_RETURN(OperatorKeys keys,
                            LoadOrCreateOperatorKeys(node_options.data_dir, seal));
  if (keys.created) {
    spdlog::info("kms: generated this operator's identity and encryption keys in {}",
                 node_options.data_dir);
  }
  if (node_options.self_id.empty())
    node_options.self_id = DerivedOperatorId(keys.identity_public_key);
  CRYFTTEE_ASSIGN_OR_RETURN(std::unique_ptr<IdentitySigner> signer,
                            NewBls12381Signer(keys.identity_secret.span()));
  Bytes encryption_secret(keys.encryption_secret.span().begin(),
                          keys.encryption_secret.span().end());
  auto node = Node::Open(std::move(node_options), std::move(signer), std::move(encryption_secret),
                         transport);
  // Node::Open took a copy it owns; this one is wiped now.
  SecureWipe(encryption_secret.data(), encryption_secret.size());
  if (!node.ok()) return node.status();
  return std::unique_ptr<Engine>(std::move(node).value());
}

// The engine in the enclave. A daemon and its enclave often start together: the enclave gets a
// few seconds to come up before operator mode gives up.
Result<std::unique_ptr<Engine>> OpenEnclaveEngine(const NodeOptions& node_options,
                                                  std::shared_ptr<tee::RemoteClient> enclave,
                                                  Transport* transport) {
  EnclaveCall call = [enclave](tee::wire::Op op, ByteSpan payload) {
    return enclave->CallKms(op, payload);
  };
  constexpr auto kPatience = std::chrono::seconds(10);
  const auto give_up = std::chrono::steady_clock::now() + kPatience;
  for (;;) {
    auto engine = EnclaveEngine::Open(node_options, call, transport);
    if (engine.ok()) {
      spdlog::info("kms: the protocol engine, operator keys and shares are in the enclave");
      return std::unique_ptr<Engine>(std::move(engine).value());
    }
    if (engine.status().code() != "enclave_unavailable" ||
        std::chrono::steady_clock::now() >= give_up)
      return engine.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace

struct OperatorMode::Impl {
  OperatorModeOptions options;
  std::string id;
  Bytes identity_public_key, encryption_public_key;
  std::string evidence_token;
  std::unique_ptr<HttpTransport> transport;
  std::unique_ptr<Engine> node;  // kms::Node here, or EnclaveEngine in remote-enclave mode
  std::string engine_location = "process";
  std::shared_ptr<GroupKeyClient> keys;
  ProtocolCounters counters;
  api::Router router;
  std::unique_ptr<Scheduler> scheduler;
  mutable Mutex mu;
  std::string address GUARDED_BY(mu);
};

OperatorMode::OperatorMode(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OperatorMode::~OperatorMode() { Stop(); }

Result<std::unique_ptr<OperatorMode>> OperatorMode::Open(OperatorModeOptions options,
                                                         std::shared_ptr<tee::Client> inner_keys) {
  auto impl = std::make_unique<Impl>();
  const std::string dir = options.data_dir + "/kms";
  HttpTransportOptions transport_options;
  // A message not delivered within one interval belongs to a session that is over.
  transport_options.delivery_deadline = options.interval;
  transport_options.attempt_timeout =
      std::min(options.interval / 2, std::chrono::milliseconds(5000));
  impl->transport = std::make_unique<HttpTransport>(transport_options);

  NodeOptions node_options;
  node_options.self_id = options.operator_id;  // "": derived from the identity key below
  node_options.data_dir = dir;
  node_options.scheme = options.scheme;
  node_options.interval = options.interval;
  node_options.threshold_numerator = options.threshold_numerator;
  node_options.threshold_denominator = options.threshold_denominator;
  node_options.test_misbehaviour = options.test_misbehaviour;
  if (!options.test_misbehaviour.empty()) {
    spdlog::critical(
        "kms: TEST-ONLY MISBEHAVIOUR \"{}\" IS ON: this operator deals dishonestly on purpose "
        "(kms_test_misbehaviour). Never run this outside a test.",
        options.test_misbehaviour);
  }
  if (auto enclave = std::dynamic_pointer_cast<tee::RemoteClient>(inner_keys)) {
    // Remote-enclave mode: the engine, the operator keys and the shares live in the enclave;
    // this process relays its messages and holds only public keys.
    CRYFTTEE_ASSIGN_OR_RETURN(impl->node,
                              OpenEnclaveEngine(node_options, enclave, impl->transport.get()));
    impl->engine_location = "enclave";
  } else {
    CRYFTTEE_ASSIGN_OR_RETURN(impl->node,
                              OpenLocalEngine(node_options, options.seal, impl->transport.get()));
  }
  OperatorPublicKeys public_keys = impl->node->PublicKeys();
  impl->identity_public_key = public_keys.identity_public_key;
  impl->encryption_public_key = public_keys.encryption_public_key;
  impl->id = options.operator_id.empty() ? DerivedOperatorId(impl->identity_public_key)
                                         : options.operator_id;
  CRYFTTEE_RETURN_IF_ERROR(CreatePrivateDirectories(dir));  // the evidence token only
  CRYFTTEE_ASSIGN_OR_RETURN(impl->evidence_token, LoadOrCreateEvidenceToken(dir));

  impl->keys = std::make_shared<GroupKeyClient>(std::move(inner_keys), impl->node.get());

  ProtocolApiOptions api_options;
  api_options.node = impl->node.get();
  api_options.evidence_token = impl->evidence_token;
  api_options.counters = &impl->counters;
  HttpTransport* transport = impl->transport.get();
  api_options.extra_metrics = [transport] {
    HttpTransportStats s = transport->Stats();
    std::string out =
        "# HELP kms_transport_messages_total Outbound protocol messages by final outcome\n"
        "# TYPE kms_transport_messages_total counter\n";
    for (const auto& [outcome, n] : {std::pair<const char*, uint64_t>{"delivered", s.delivered},
                                     {"refused", s.refused},
                                     {"expired", s.expired},
                                     {"dropped", s.dropped}}) {
      out += "kms_transport_messages_total{outcome=\"" + std::string(outcome) + "\"} " +
             std::to_string(n) + "\n";
    }
    out +=
        "# HELP kms_transport_retries_total Delivery attempts retried after a failure\n"
        "# TYPE kms_transport_retries_total counter\nkms_transport_retries_total " +
        std::to_string(s.retries) + "\n";
    return out;
  };
  AddProtocolRoutes(impl->router, std::move(api_options));
  impl->scheduler = std::make_unique<Scheduler>(
      impl->node.get(), NewFilePeeringSource(options.peering_file), options.interval);
  impl->options = std::move(options);
  return std::unique_ptr<OperatorMode>(new OperatorMode(std::move(impl)));
}

std::shared_ptr<tee::Client> OperatorMode::keys() const { return impl_->keys; }
const api::Router& OperatorMode::router() const { return impl_->router; }
const std::string& OperatorMode::operator_id() const { return impl_->id; }

void OperatorMode::SetAdvertisedAddress(std::string url) {
  MutexLock lock(&impl_->mu);
  impl_->address = std::move(url);
}

void OperatorMode::Start() {
  spdlog::info("kms: operator {} (identity 0x{}), interval {} ms, peering file {}", impl_->id,
               HexEncode(impl_->identity_public_key), impl_->options.interval.count(),
               impl_->options.peering_file);
  impl_->scheduler->Start();
}

void OperatorMode::Stop() {
  if (impl_ && impl_->scheduler) impl_->scheduler->Stop();
}

json OperatorMode::PeeringEntry() const {
  MutexLock lock(&impl_->mu);
  return {{"id", impl_->id},
          {"identity_public_key", "0x" + HexEncode(impl_->identity_public_key)},
          {"encryption_public_key", "0x" + HexEncode(impl_->encryption_public_key)},
          {"address", impl_->address}};
}

json OperatorMode::EvidenceJson() const { return impl_->node->EvidenceJson(); }

json OperatorMode::StatusJson() const {
  SchedulerState sched = impl_->scheduler->State();
  HttpTransportStats t = impl_->transport->Stats();
  size_t fraud = CountEvidenceRecords(impl_->node->EvidenceJson());
  json body = {
      {"enabled", true},
      {"operator", PeeringEntry()},
      {"engine", impl_->engine_location},
      {"interval_ms", impl_->options.interval.count()},
      {"scheme", impl_->options.scheme == VssScheme::kPedersen ? "pedersen" : "feldman"},
      {"threshold_rule", std::to_string(impl_->options.threshold_numerator) + "/" +
                             std::to_string(impl_->options.threshold_denominator)},
      {"peering_file", impl_->options.peering_file},
      {"scheduler",
       {{"last_boundary", sched.last_boundary_ms / 1000},
        {"next_boundary", sched.next_boundary_ms / 1000},
        {"operators_read", sched.last_operator_count},
        {"peering_error", sched.last_peering_error}}},
      {"fraud_records", fraud},
      {"transport",
       {{"delivered", t.delivered},
        {"refused", t.refused},
        {"expired", t.expired},
        {"dropped", t.dropped},
        {"retries", t.retries}}},
      {"node", impl_->node->StatusJson()},
  };
  if (auto key = impl_->node->GroupKey()) {
    body["group_key"] = {{"public_key", "0x" + HexEncode(key->public_key)},
                         {"key_handle", key->handle},
                         {"t", key->t},
                         {"n", key->n},
                         {"version", key->version}};
  }
  if (!impl_->options.test_misbehaviour.empty()) {
    body["test_misbehaviour"] = impl_->options.test_misbehaviour;
  }
  return body;
}

std::vector<ops::LiveValue> OperatorMode::LiveValues() const {
  std::vector<ops::LiveValue> out;
  auto key = impl_->node->GroupKey();
  out.push_back({"cryfttee_kms_group_key_present",
                 "1 when this KMS operator holds a share of a group key",
                 {},
                 key ? 1.0 : 0.0});
  out.push_back({"cryfttee_kms_share_version",
                 "Active KMS share version (session boundary, Unix seconds; 0 = none)",
                 {},
                 key ? static_cast<double>(key->version) : 0.0});
  json status = StatusJson();
  out.push_back({"cryfttee_kms_fraud_records",
                 "KMS fraud evidence records held",
                 {},
                 static_cast<double>(status["fraud_records"].get<size_t>())});
  return out;
}

void AddOperatorApiRoutes(api::Router& router, const OperatorMode* mode) {
  router.Add("GET", "/v1/kms/identity", [mode](const api::HttpRequest&) {
    json body = mode->PeeringEntry();
    body["success"] = true;
    return api::JsonResponse(body);
  });
  router.Add("GET", "/v1/kms/status", [mode](const api::HttpRequest&) {
    json body = mode->StatusJson();
    body["success"] = true;
    return api::JsonResponse(body);
  });
  router.Add("GET", "/v1/kms/evidence", [mode](const api::HttpRequest&) {
    return api::JsonResponse(EvidenceBody(mode->EvidenceJson()));
  });
}

}  // namespace cryfttee::kms
