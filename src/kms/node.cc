// Node: opening and persistence, the scheduler and HTTP entry points, application and node
// signing. The session state machine is in session.cc.
#include "kms/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/atomic_file.h"
#include "core/sha256.h"
#include "crypto/threshold/partial.h"
#include "crypto/x25519_envelope.h"
#include "kms/authenticated_message.h"
#include "kms/node_internal.h"
#include "kms/node_sign.h"

namespace cryfttee::kms {
namespace {

using threshold::G1Group;
using threshold::G2Group;

// The only DSTs peers sign node partials under: the staking signature and its proof of
// possession (node scheme). Anything else would make the operators a signing oracle for other
// protocols.
constexpr std::string_view kPopDst = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

std::string VersionPath(const std::string& dir, uint64_t version) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(version));
  return dir + "/versions/" + name + ".json";
}

std::string Handle(ByteSpan public_key) {
  Sha256Digest d = Sha256(public_key);
  return "kms-" + HexEncode(ByteSpan(d.data(), 8));
}

template <class G>
nlohmann::json HexPoints(const std::vector<typename G::Point>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : v) out.push_back(Hex0x(G::Encode(p)));
  return out;
}

bool IsPartialDst(std::string_view dst) {
  return dst == threshold::NodeScheme::kDefaultDst || dst == kPopDst;
}

}  // namespace

uint32_t ThresholdFor(uint32_t n, uint32_t numerator, uint32_t denominator) {
  if (n < 2 || denominator == 0) return 0;
  uint64_t t = uint64_t(n) * numerator / denominator + 1;
  return uint32_t(std::clamp<uint64_t>(t, 2, n));
}

// --- VersionMeta, SeenMessages -------------------------------------------------------------

nlohmann::json VersionMeta::ToJson() const {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& [id, i] : this->members) members.push_back({{"id", id}, {"index", i}});
  return {{"version", version},
          {"session", session_ms},
          {"t", t},
          {"n", n},
          {"index", index},
          {"scheme", scheme},
          {"members", members},
          {"verification_g1", HexPoints<G1Group>(verification_g1)},
          {"verification_g2", HexPoints<G2Group>(verification_g2)}};
}

Result<VersionMeta> VersionMeta::FromJson(const nlohmann::json& j) {
  try {
    VersionMeta m;
    m.version = j.at("version").get<uint64_t>();
    m.session_ms = j.at("session").get<uint64_t>();
    m.t = j.at("t").get<uint32_t>();
    m.n = j.at("n").get<uint32_t>();
    m.index = j.at("index").get<uint32_t>();
    m.scheme = j.at("scheme").get<std::string>();
    for (const auto& e : j.at("members"))
      m.members.emplace_back(e.at("id").get<std::string>(), e.at("index").get<uint32_t>());
    for (const auto& h : j.at("verification_g1")) {
      CRYFTTEE_ASSIGN_OR_RETURN(Bytes b, ParseHex0x(h, "verification_g1", kG1Bytes));
      CRYFTTEE_ASSIGN_OR_RETURN(auto p, G1Group::Decode(b));
      m.verification_g1.push_back(p);
    }
    for (const auto& h : j.at("verification_g2")) {
      CRYFTTEE_ASSIGN_OR_RETURN(Bytes b, ParseHex0x(h, "verification_g2", kG2Bytes));
      CRYFTTEE_ASSIGN_OR_RETURN(auto p, G2Group::Decode(b));
      m.verification_g2.push_back(p);
    }
    if (m.t < 1 || m.verification_g1.size() != m.t || m.verification_g2.size() != m.t)
      return Status::Internal("corrupt_share_file", "version metadata: vector sizes");
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal("corrupt_share_file", std::string("version metadata: ") + e.what());
  }
}

bool SeenMessages::Accept(uint64_t session, const std::string& from, uint64_t seq) {
  Seen& s = seen_[{session, from}];
  if ((s.floor != 0 && seq <= s.floor) || !s.seqs.insert(seq).second) return false;
  if (s.seqs.size() > kWindow) {
    s.floor = *s.seqs.begin();
    s.seqs.erase(s.seqs.begin());
  }
  return true;
}

void SeenMessages::ForgetSessionsBefore(uint64_t session) {
  // Session 0 holds node-signing calls and is kept.
  auto first = seen_.lower_bound({1, std::string()});
  seen_.erase(first, seen_.lower_bound({session, std::string()}));
}

// --- Impl helpers ---------------------------------------------------------------------------

void Node::Impl::Flush(std::vector<Outgoing> out) {
  std::deque<Outgoing> queue(std::make_move_iterator(out.begin()),
                             std::make_move_iterator(out.end()));
  while (!queue.empty()) {
    Outgoing o = std::move(queue.front());
    queue.pop_front();
    if (o.peer.id != options.self_id) {
      transport->Send(o.peer, o.route, std::move(o.wire));
      continue;
    }
    std::vector<Outgoing> more;
    Status st;
    {
      MutexLock lock(&mu);
      st = ReceiveLocked(o.route, o.wire, more);
    }
    if (!st.ok()) spdlog::warn("kms: own message on {} refused: {}", o.route, st.ToString());
    for (auto& m : more) queue.push_back(std::move(m));
  }
}

const VersionMeta* Node::Impl::Active() const {
  return versions.empty() ? nullptr : &versions.rbegin()->second;
}

Status Node::Impl::StoreVersion(const keys::ShareVersion& v, const VersionMeta& meta) {
  std::string text = meta.ToJson().dump(2);
  CRYFTTEE_RETURN_IF_ERROR(WriteFileAtomically(VersionPath(options.data_dir, meta.version),
                                               AsBytes(text), {.mode = 0644}));
  CRYFTTEE_RETURN_IF_ERROR(store->Store(v));
  versions[meta.version] = meta;
  // Versions superseded for longer than the retention (30 days) go, with their public side.
  auto pruned = store->Prune(meta.version);
  if (!pruned.ok()) {
    spdlog::warn("kms: pruning old share versions: {}", pruned.status().ToString());
  } else if (*pruned > 0) {
    std::set<uint64_t> kept;
    for (const auto& info : store->List()) kept.insert(info.version);
    for (auto it = versions.begin(); it != versions.end();) {
      if (kept.count(it->first)) {
        ++it;
        continue;
      }
      std::error_code ec;
      std::filesystem::remove(VersionPath(options.data_dir, it->first), ec);
      it = versions.erase(it);
    }
  }
  return Status::Ok();
}

void Node::Impl::RecordEvidence(const EvidenceRecord& e) {
  std::string name = std::to_string(e.session) + "-" + e.dealer + "-" + e.kind;
  if (!evidence_names.insert(name).second) return;
  nlohmann::json j = e.ToJson();
  evidence.push_back(j);
  std::string text = j.dump(2);
  Status st = WriteFileAtomically(options.data_dir + "/evidence/" + name + ".json", AsBytes(text),
                                  {.mode = 0644});
  spdlog::warn("kms session {}: fraud evidence against {}: {} (stored: {})", e.session, e.dealer,
               e.kind, st.ok() ? "yes" : st.ToString());
}

Result<std::string> Node::Impl::Encode(const std::string& type, uint64_t session, uint64_t seq,
                                       const std::string& to, const nlohmann::json& body) const {
  MessageHeader h{type, session, seq, options.self_id, to};
  return EncodeMessage(h, body, *identity);
}

// --- Node -----------------------------------------------------------------------------------

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::Open(NodeOptions options,
                                         std::unique_ptr<IdentitySigner> identity,
                                         Bytes encryption_secret_key, Transport* transport) {
  if (!IsValidOperatorId(options.self_id))
    return Status::InvalidArgument("invalid_argument", "self_id is not an operator id");
  if (!identity || !transport || options.data_dir.empty() || options.interval.count() <= 0 ||
      options.threshold_denominator == 0 ||
      options.threshold_numerator > options.threshold_denominator)
    return Status::InvalidArgument("invalid_argument", "incomplete node options");
  const std::string& m = options.test_misbehaviour;
  if (!m.empty() && m != "invalid_share" && m != "equivocate")
    return Status::InvalidArgument("invalid_argument", "unknown test misbehaviour \"" + m + "\"");
  auto impl = std::make_unique<Impl>();
  impl->encryption_key = SecretBytes(encryption_secret_key);
  SecureWipe(encryption_secret_key.data(), encryption_secret_key.size());
  CRYFTTEE_ASSIGN_OR_RETURN(impl->encryption_public_key,
                            crypto::X25519PublicKey(impl->encryption_key));
  std::error_code ec;
  for (const char* sub : {"", "/versions", "/evidence"}) {
    std::filesystem::create_directories(options.data_dir + sub, ec);
    if (ec)
      return Status::Internal("io_error",
                              "cannot create " + options.data_dir + sub + ": " + ec.message());
  }
  CRYFTTEE_ASSIGN_OR_RETURN(
      keys::ShareStore store,
      keys::ShareStore::Open(options.data_dir + "/shares", impl->encryption_key.span()));
  MutexLock lock(&impl->mu);
  for (const auto& info : store.List()) {
    auto text = ReadFileChecked(VersionPath(options.data_dir, info.version));
    if (!text.ok()) return text.status().WithContext("version " + std::to_string(info.version));
    auto j = nlohmann::json::parse(text->begin(), text->end(), nullptr, false);
    CRYFTTEE_ASSIGN_OR_RETURN(VersionMeta meta, VersionMeta::FromJson(j));
    impl->versions[meta.version] = std::move(meta);
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(options.data_dir + "/evidence", ec)) {
    if (entry.path().extension() != ".json") continue;
    auto text = ReadFileChecked(entry.path().string());
    if (!text.ok()) continue;
    auto j = nlohmann::json::parse(text->begin(), text->end(), nullptr, false);
    if (!EvidenceRecord::FromJson(j).ok()) continue;
    impl->evidence_names.insert(entry.path().stem().string());
    impl->evidence.push_back(std::move(j));
  }
  impl->store.emplace(std::move(store));
  impl->options = std::move(options);
  impl->identity = std::move(identity);
  impl->transport = transport;
  spdlog::info("kms node {}: {} share versions, {} evidence records, scheme {}{}",
               impl->options.self_id, impl->versions.size(), impl->evidence.size(),
               impl->options.scheme == VssScheme::kPedersen ? "pedersen" : "feldman",
               impl->options.test_misbehaviour.empty()
                   ? ""
                   : " -- TEST MISBEHAVIOUR " + impl->options.test_misbehaviour);
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

void Node::OnBoundary(uint64_t boundary_unix_ms, std::vector<OperatorSetPeer> operators) {
  std::vector<Outgoing> out;
  std::deque<std::pair<std::string, std::string>> replay;
  {
    Impl& impl = *impl_;
    MutexLock lock(&impl.mu);
    impl.now_ms = std::max(impl.now_ms, boundary_unix_ms);
    if (impl.session && boundary_unix_ms <= impl.session->id) return;  // not a new boundary
    if (impl.session) {
      if (impl.session->phase != SessionPhase::kDone &&
          impl.session->phase != SessionPhase::kAborted)
        impl.Abort("superseded by session " + std::to_string(boundary_unix_ms));
      impl.seen.ForgetSessionsBefore(boundary_unix_ms);
    }
    impl.operators = std::move(operators);
    const OperatorSetPeer* self = FindPeer(impl.operators, impl.options.self_id);
    if (!self) {
      spdlog::info("kms node {}: not in the operator set at {}", impl.options.self_id,
                   boundary_unix_ms);
      impl.session.reset();
      return;
    }
    if (self->encryption_public_key != impl.encryption_public_key) {
      spdlog::error("kms node {}: the peering file's encryption key is not ours; no session",
                    impl.options.self_id);
      impl.session.reset();
      return;
    }
    impl.StartSession(boundary_unix_ms, out);
    // Messages that arrived early for this session.
    for (auto& f : impl.future) replay.push_back(std::move(f));
    impl.future.clear();
    impl.future_bytes = 0;
  }
  impl_->Flush(std::move(out));
  for (auto& [route, wire] : replay) (void)Receive(route, wire);
}

void Node::Tick(uint64_t now_unix_ms) {
  std::vector<Outgoing> out;
  {
    MutexLock lock(&impl_->mu);
    impl_->now_ms = std::max(impl_->now_ms, now_unix_ms);
    impl_->Advance(out);
  }
  impl_->Flush(std::move(out));
}

Status Node::Receive(std::string_view route, std::string_view wire) {
  std::vector<Outgoing> out;
  Status st;
  {
    MutexLock lock(&impl_->mu);
    st = impl_->ReceiveLocked(route, wire, out);
  }
  impl_->Flush(std::move(out));
  return st;
}

Result<std::string> Node::ReceiveCall(std::string_view route, std::string_view wire) {
  if (route != kRouteNodePartial)
    return Status::InvalidArgument("wrong_route", "calls go to " + std::string(kRouteNodePartial));
  CRYFTTEE_ASSIGN_OR_RETURN(DecodedMessage m, DecodeMessage(wire));
  if (m.header.type != "partial_request")
    return Status::InvalidArgument("wrong_route", "expected a partial_request");
  Impl& impl = *impl_;
  MutexLock lock(&impl.mu);
  CRYFTTEE_RETURN_IF_ERROR(
      Authenticate(m, impl.operators, impl.options.self_id, Bls12381Identity()));
  if (m.header.session != 0)
    return Status::InvalidArgument("unknown_session", "node partial requests use session 0");
  if (!impl.seen.Accept(0, m.header.from, m.header.sequence))
    return Status::Error(StatusCategory::kUnauthenticated, "replayed_message",
                         "partial request already answered");
  CRYFTTEE_ASSIGN_OR_RETURN(PartialRequestBody b, DecodePartialRequestBody(m.body));
  if (!IsPartialDst(b.dst))
    return Status::InvalidArgument("invalid_argument", "DST not allowed for node signing");
  auto meta = impl.versions.find(b.version);
  if (meta == impl.versions.end())
    return Status::NotFound("unknown_version", "no share version " + std::to_string(b.version));
  CRYFTTEE_ASSIGN_OR_RETURN(keys::ShareVersion v, impl.store->AtTime(b.version));
  if (v.version != b.version)
    return Status::NotFound("unknown_version", "no share version " + std::to_string(b.version));
  CRYFTTEE_ASSIGN_OR_RETURN(
      auto partial, threshold::PartialSign<threshold::NodeScheme>(v.share, b.message, b.dst));
  auto enc = G2Group::Encode(partial);
  PartialBody answer{b.version, v.share.index, Bytes(enc.begin(), enc.end())};
  return impl.Encode("partial", 0, ++impl.call_seq, m.header.from, ToJson(answer));
}

nlohmann::json Node::Pubkey() const {
  const Impl& impl = *impl_;
  MutexLock lock(&impl.mu);
  const VersionMeta* v = impl.Active();
  nlohmann::json j = {{"operatorAddress", impl.options.self_id},
                      {"commitments", nlohmann::json::array()},
                      {"commitments_g1", nlohmann::json::array()},
                      {"version", 0},
                      {"isActive", false},
                      {"index", 0}};
  if (!v) return j;
  j["commitments"] = HexPoints<G2Group>(v->verification_g2);
  j["commitments_g1"] = HexPoints<G1Group>(v->verification_g1);
  j["version"] = v->version;
  j["index"] = v->index;
  j["isActive"] = FindPeer(impl.operators, impl.options.self_id) != nullptr;
  return j;
}

Result<nlohmann::json> Node::AppSign(std::string_view app_id,
                                     std::optional<uint64_t> attestation_time) {
  if (app_id.empty() || app_id.size() > 1024)
    return Status::InvalidArgument("invalid_argument", "appID must be 1..1024 bytes");
  Impl& impl = *impl_;
  MutexLock lock(&impl.mu);
  const VersionMeta* active = impl.Active();
  if (!active) return Status::NotFound("no_group_key", "no DKG has completed yet");
  auto v = impl.store->AtTime(attestation_time.value_or(active->version));
  if (!v.ok()) {
    if (v.status().code() == "not_found")
      return Status::NotFound("no_group_key", "no share version at that attestation time");
    return v.status();
  }
  CRYFTTEE_ASSIGN_OR_RETURN(
      auto partial, threshold::PartialSign<threshold::MinSigScheme>(v->share, AsBytes(app_id)));
  return nlohmann::json{{"operatorAddress", impl.options.self_id},
                        {"partialSignature", Hex0x(G1Group::Encode(partial))},
                        {"version", v->version},
                        {"index", v->share.index}};
}

Result<NodeSignPlan> Node::PrepareNodeSign(ByteSpan message, std::string_view dst) {
  NodeSignPlan plan;
  std::optional<keys::ShareVersion> v;
  VersionMeta meta;
  uint64_t seq_base = 0;
  {
    MutexLock lock(&impl_->mu);
    const VersionMeta* active = impl_->Active();
    if (!active) return Status::NotFound("no_group_key", "no DKG has completed yet");
    meta = *active;
    CRYFTTEE_ASSIGN_OR_RETURN(v, impl_->store->AtTime(meta.version));
    plan.operators = impl_->operators;
    // Sequence numbers of calls: above every earlier one, also across restarts (clock-based).
    seq_base = std::max(impl_->call_seq, impl_->now_ms * 1000);
    impl_->call_seq = seq_base + meta.members.size() + 1;
  }
  CRYFTTEE_ASSIGN_OR_RETURN(auto own,
                            threshold::PartialSign<threshold::NodeScheme>(v->share, message, dst));
  auto own_enc = G2Group::Encode(own);
  plan.self_id = impl_->options.self_id;
  plan.version = meta.version;
  plan.t = meta.t;
  plan.own_index = v->share.index;
  plan.own_partial.assign(own_enc.begin(), own_enc.end());
  for (const auto& p : meta.verification_g1) {
    auto enc = G1Group::Encode(p);
    plan.verification_g1.emplace_back(enc.begin(), enc.end());
  }
  PartialRequestBody request{meta.version, Bytes(message.begin(), message.end()), std::string(dst)};
  for (const auto& [id, index] : meta.members) {
    if (id == impl_->options.self_id) continue;
    const OperatorSetPeer* peer = FindPeer(plan.operators, id);
    if (!peer) continue;  // removed from the operator set: it no longer contributes
    CRYFTTEE_ASSIGN_OR_RETURN(std::string wire,
                              impl_->Encode("partial_request", 0, ++seq_base, id, ToJson(request)));
    plan.requests.push_back({*peer, index, std::move(wire)});
  }
  return plan;
}

Result<Bytes> Node::NodeSign(ByteSpan message, std::string_view dst) {
  CRYFTTEE_ASSIGN_OR_RETURN(NodeSignPlan plan, PrepareNodeSign(message, dst));
  return CombineNodeSign(plan, message, dst, *impl_->transport);
}

OperatorPublicKeys Node::PublicKeys() const {
  return {impl_->identity->PublicKey(), impl_->encryption_public_key};
}

std::optional<GroupKeyInfo> Node::GroupKey() const {
  MutexLock lock(&impl_->mu);
  const VersionMeta* v = impl_->Active();
  if (!v) return std::nullopt;
  GroupKeyInfo info;
  auto g1 = G1Group::Encode(v->verification_g1[0]);
  auto g2 = G2Group::Encode(v->verification_g2[0]);
  info.public_key.assign(g1.begin(), g1.end());
  info.public_key_g2.assign(g2.begin(), g2.end());
  info.t = v->t;
  info.n = v->n;
  info.version = v->version;
  info.handle = Handle(info.public_key);
  return info;
}

nlohmann::json Node::StatusJson() const {
  const Impl& impl = *impl_;
  MutexLock lock(&impl.mu);
  nlohmann::json ops = nlohmann::json::array();
  for (const auto& p : impl.operators) ops.push_back(p.id);
  nlohmann::json j = {
      {"operator", impl.options.self_id},
      {"scheme", impl.options.scheme == VssScheme::kPedersen ? "pedersen" : "feldman"},
      {"operators", ops},
      {"evidence_count", impl.evidence.size()},
      {"active_version", nullptr},
      {"session", nullptr}};
  if (const VersionMeta* v = impl.Active()) {
    j["active_version"] = {{"version", v->version},
                           {"t", v->t},
                           {"n", v->n},
                           {"index", v->index},
                           {"group_key", Hex0x(G1Group::Encode(v->verification_g1[0]))}};
  }
  if (impl.session) {
    const Session& s = *impl.session;
    nlohmann::json excluded = nlohmann::json::object();
    nlohmann::json deals = nlohmann::json::object();
    for (const auto& [id, d] : s.dealers) {
      if (d.disqualified) excluded[id] = d.reason;
      deals[id] = {{"deal", !d.deal_ok   ? "missing"
                            : *d.deal_ok ? "ok"
                                         : "invalid"},
                   {"answers", d.responded.size()},
                   {"revealed", d.reveal.has_value()}};
    }
    j["session"] = {{"id", s.id},
                    {"protocol", s.protocol == Protocol::kDkg ? "dkg" : "reshare"},
                    {"t", s.t},
                    {"n", s.n},
                    {"outcome", s.outcome},
                    {"qualified", s.qualified},
                    {"excluded", excluded},
                    {"dealers", deals},
                    {"acked", s.acks_sent},
                    {"completed_by", s.completed_by}};
  }
  return j;
}

nlohmann::json Node::EvidenceJson() const {
  MutexLock lock(&impl_->mu);
  return {{"evidence", impl_->evidence}};
}

}  // namespace cryfttee::kms
