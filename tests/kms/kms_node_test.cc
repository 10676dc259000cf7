// kms/node.h: N in-process operators wired by an in-memory transport (a queue the test pumps,
// so every message crosses the real encode / decode / authenticate / envelope path). DKG,
// reshare, joining and leaving, cheating dealers with evidence checked offline, a dropped
// operator, and the results cross-checked with @noble/curves and @chainsafe/blst
// (tests/js/kms_cross_check.mjs). Time is the test's: Tick(now) drives the deadlines. Operators
// added with in_enclave run the engine behind the enclave seam (EnclaveEngine -> the kKms* payload
// codecs -> EnclaveHost, the wire framing itself is tests/tee's), mixed with in-process ones.
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "core/bytes.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/threshold/partial.h"
#include "crypto/x25519_envelope.h"
#include "kms/authenticated_message.h"
#include "kms/enclave_engine.h"
#include "kms/enclave_host.h"
#include "kms/envelope.h"
#include "kms/evidence.h"
#include "kms/node.h"
#include "kms/operator_keys.h"
#include "support/daemon_process.h"

namespace cryfttee::kms {
namespace {

constexpr uint64_t kInterval = 10'000;
constexpr uint64_t kB0 = 1'700'000'000'000;  // a boundary (multiple of the interval)

struct Delivery {
  std::string to;
  std::string route;
  std::string wire;
};

// Queues every Send; Pump() delivers until quiet. Operators in `down` receive nothing.
class Network final : public Transport {
 public:
  void Send(const OperatorSetPeer& peer, std::string_view route, std::string wire) override {
    queue_.push_back({peer.id, std::string(route), std::move(wire)});
  }
  Result<std::string> Call(const OperatorSetPeer& peer, std::string_view route, std::string wire,
                           std::chrono::milliseconds) override {
    ++calls;
    auto it = nodes.find(peer.id);
    if (it == nodes.end() || down.count(peer.id))
      return Status::Unavailable("unreachable", peer.id + " is down");
    return it->second->ReceiveCall(route, wire);
  }
  void Pump() {
    while (!queue_.empty()) {
      Delivery d = std::move(queue_.front());
      queue_.pop_front();
      auto it = nodes.find(d.to);
      if (it == nodes.end() || down.count(d.to)) continue;
      Status st = it->second->Receive(d.route, d.wire);
      if (!st.ok()) refusals.push_back(d.to + " " + d.route + ": " + st.ToString());
    }
  }
  std::map<std::string, Engine*> nodes;
  std::set<std::string> down;
  std::vector<std::string> refusals;
  int calls = 0;

 private:
  std::deque<Delivery> queue_;
};

struct Operator {
  std::string id;
  Bytes identity_secret;
  Bytes encryption_secret;
  OperatorSetPeer peer;
  std::shared_ptr<EnclaveHost> host;  // in_enclave: the enclave's side (keys, shares, Node)
  std::unique_ptr<Engine> node;
};

class KmsNode : public ::testing::Test {
 protected:
  Operator& Add(const std::string& id, const std::string& misbehaviour = "",
                VssScheme scheme = VssScheme::kPedersen, bool in_enclave = false) {
    auto op = std::make_unique<Operator>();
    op->id = id;
    auto sk = bls::SecretKey::Generate().value().ToBytes();
    op->identity_secret.assign(sk.begin(), sk.end());
    SecureWipe(sk.data(), sk.size());
    auto x = crypto::X25519Generate().value();
    op->encryption_secret.assign(x.private_key.data(), x.private_key.data() + 32);
    op->peer.id = id;
    op->peer.identity_public_key = NewBls12381Signer(op->identity_secret).value()->PublicKey();
    op->peer.encryption_public_key = x.public_key;
    op->peer.address = "http://127.0.0.1:1";
    NodeOptions o;
    o.self_id = id;
    o.data_dir = dir_.path() + "/" + id;
    o.scheme = scheme;
    o.interval = std::chrono::milliseconds(kInterval);
    o.threshold_numerator = 1;  // t = floor(n/2) + 1: n = 5 -> t = 3
    o.threshold_denominator = 2;
    o.test_misbehaviour = misbehaviour;
    if (in_enclave) {
      // The keys are the enclave's own; the test learns only the public ones, as a parent does.
      op->host = std::make_shared<EnclaveHost>(EnclaveHostOptions{EnclaveDir(id), {}});
      EnclaveCall call = [op = op.get()](tee::wire::Op code, ByteSpan payload) -> Result<Bytes> {
        if (!op->host) return Status::Unavailable("enclave_unavailable", "test: enclave down");
        return op->host->Handle(code, payload);
      };
      o.data_dir = dir_.path() + "/" + id + "-parent";  // ignored: the enclave keeps its own
      auto engine = EnclaveEngine::Open(o, call, &net_);
      EXPECT_TRUE(engine.ok()) << engine.status().ToString();
      op->peer.identity_public_key = (*engine)->PublicKeys().identity_public_key;
      op->peer.encryption_public_key = (*engine)->PublicKeys().encryption_public_key;
      op->node = std::move(engine).value();
    } else {
      op->node = Node::Open(o, NewBls12381Signer(op->identity_secret).value(),
                            op->encryption_secret, &net_)
                     .value();
    }
    net_.nodes[id] = op->node.get();
    ops_.push_back(std::move(op));
    return *ops_.back();
  }
  std::string EnclaveDir(const std::string& id) { return dir_.path() + "/" + id + "-enclave"; }
  Operator& Op(const std::string& id) {
    for (auto& o : ops_)
      if (o->id == id) return *o;
    ADD_FAILURE() << "no operator " << id;
    return *ops_.front();
  }
  std::vector<OperatorSetPeer> Set(const std::vector<std::string>& ids) {
    std::vector<OperatorSetPeer> out;
    for (const auto& id : ids) out.push_back(Op(id).peer);
    return out;
  }
  // One session: boundary for every live member, deliver, then tick through the deadlines.
  void RunSession(uint64_t boundary, const std::vector<std::string>& ids) {
    // Every operator reads the peering file; those not in it see that they are out.
    auto set = Set(ids);
    for (auto& op : ops_)
      if (!net_.down.count(op->id)) op->node->OnBoundary(boundary, set);
    net_.Pump();
    for (double f : {0.31, 0.51, 0.81, 0.91}) {
      for (auto& op : ops_)
        if (!net_.down.count(op->id)) op->node->Tick(boundary + uint64_t(f * kInterval));
      net_.Pump();
    }
  }
  std::string Outcome(const std::string& id) {
    return Op(id).node->StatusJson()["session"]["outcome"].get<std::string>();
  }
  nlohmann::json AppSign(const std::string& id, const std::string& app,
                         std::optional<uint64_t> at = std::nullopt) {
    return Op(id).node->AppSign(app, at).value();
  }

  testing::TempDir dir_;
  Network net_;
  std::vector<std::unique_ptr<Operator>> ops_;
};

// Runs tests/js/kms_cross_check.mjs on `input`; returns its JSON answer (ok=false on failure).
nlohmann::json CrossCheck(const nlohmann::json& input, const std::string& tmp) {
  std::string in = tmp + "/cross.json";
  FILE* f = std::fopen(in.c_str(), "w");
  std::string text = input.dump();
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  std::string cmd =
      "cd " + testing::SourceDir() + " && node tests/js/kms_cross_check.mjs < " + in + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (pipe && (n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  if (pipe) ::pclose(pipe);
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) return {{"ok", false}, {"output", out}};
  return j;
}

using MinSig = threshold::MinSigScheme;

// Recombines /app/sign answers in C++ (Lagrange over `index`) and verifies under commitments[0].
bool AppSignatureVerifies(const std::vector<nlohmann::json>& answers, const nlohmann::json& pubkey,
                          const std::string& app) {
  std::vector<threshold::G2Group::Point> vv;
  for (const auto& h : pubkey["commitments"])
    vv.push_back(
        threshold::G2Group::Decode(HexDecode(h.get<std::string>().substr(2)).value()).value());
  std::vector<threshold::PartialSignature<MinSig>> partials;
  for (const auto& a : answers)
    partials.push_back({a["index"].get<uint32_t>(),
                        threshold::G1Group::Decode(
                            HexDecode(a["partialSignature"].get<std::string>().substr(2)).value())
                            .value()});
  auto c = threshold::Combine<MinSig>(uint32_t(vv.size()), vv, AsBytes(app), partials);
  return c.ok() && c->invalid.empty();
}

TEST_F(KmsNode, DkgAgreesOnOneKeyAndSignsLikeOrdinaryBls) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id);
  RunSession(kB0, ids);
  EXPECT_TRUE(net_.refusals.empty()) << net_.refusals.front();
  auto key = Op("op1").node->GroupKey();
  ASSERT_TRUE(key.has_value()) << Op("op1").node->StatusJson().dump();
  EXPECT_EQ(key->t, 3u);
  EXPECT_EQ(key->n, 5u);
  EXPECT_EQ(key->version, kB0 / 1000);
  std::set<uint32_t> indices;
  for (const auto& id : ids) {
    EXPECT_EQ(Outcome(id), "completed");
    auto k = Op(id).node->GroupKey();
    ASSERT_TRUE(k);
    EXPECT_EQ(k->public_key, key->public_key) << id;
    EXPECT_EQ(k->handle, key->handle);
    auto pub = Op(id).node->Pubkey();
    EXPECT_EQ(pub["commitments"], Op("op1").node->Pubkey()["commitments"]);
    EXPECT_TRUE(pub["isActive"].get<bool>());
    indices.insert(pub["index"].get<uint32_t>());
  }
  EXPECT_EQ(indices.size(), 5u);

  // /app/sign from any 3 operators recombines to one signature under commitments[0].
  const std::string app = "app-1234";
  std::vector<nlohmann::json> a = {AppSign("op1", app), AppSign("op3", app), AppSign("op5", app)};
  std::vector<nlohmann::json> b = {AppSign("op2", app), AppSign("op4", app), AppSign("op5", app)};
  auto pub = Op("op1").node->Pubkey();
  EXPECT_TRUE(AppSignatureVerifies(a, pub, app));
  EXPECT_TRUE(AppSignatureVerifies(b, pub, app));
  EXPECT_FALSE(AppSignatureVerifies({a[0], a[1]}, pub, app));  // t-1 is not enough
  EXPECT_FALSE(AppSignatureVerifies(a, pub, "another app"));

  // Node signing: own partial + calls to peers, verified under the G1 group key.
  Bytes msg = {1, 2, 3, 4};
  auto sig = Op("op2").node->NodeSign(msg, threshold::NodeScheme::kDefaultDst);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  auto pk = bls::PublicKey::FromBytes(key->public_key).value();
  EXPECT_TRUE(bls::Verify(pk, msg, bls::Signature::FromBytes(*sig).value()));
  EXPECT_FALSE(Op("op2").node->NodeSign(msg, "SOME_OTHER_DST_").ok());  // peers refuse it

  // Independent implementations: pairing consistency of every G1/G2 commitment pair, each
  // partial, the recombination (noble), the node signature (blst).
  nlohmann::json input = pub;
  input["appID"] = app;
  input["partials"] = a;
  input["node"] = {{"message", "0x01020304"},
                   {"public_key", "0x" + HexEncode(key->public_key)},
                   {"signature", "0x" + HexEncode(*sig)}};
  auto check = CrossCheck(input, dir_.path());
  EXPECT_TRUE(check["ok"].get<bool>()) << check.dump();
}

// Issue 15: two operators whose engine, keys and shares live behind the enclave seam take part in
// DKG, node signing (prepared in the enclave, combined by the parent) and a reshare with three
// in-process ones; an enclave restart is picked up by restarting its engine.
TEST_F(KmsNode, EnclaveOperatorsTakePartLikeAnyOther) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id, "", VssScheme::kPedersen, id == "op2" || id == "op4");
  RunSession(kB0, ids);
  EXPECT_TRUE(net_.refusals.empty()) << net_.refusals.front();
  auto key = Op("op1").node->GroupKey();
  ASSERT_TRUE(key.has_value());
  for (const auto& id : ids) {
    EXPECT_EQ(Outcome(id), "completed") << id;
    auto k = Op(id).node->GroupKey();
    ASSERT_TRUE(k) << id;
    EXPECT_EQ(k->public_key, key->public_key) << id;
    EXPECT_EQ(k->public_key_g2, key->public_key_g2) << id;
  }
  // The parent side holds nothing; the enclave's directory has the keys and the shares.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/op2-parent"));
  EXPECT_TRUE(std::filesystem::exists(EnclaveDir("op2") + "/" + std::string(kOperatorKeysFile)));
  EXPECT_FALSE(std::filesystem::is_empty(EnclaveDir("op2") + "/versions"));

  Bytes msg = {5, 6, 7};
  auto pk = bls::PublicKey::FromBytes(key->public_key).value();
  for (const auto& signer : {"op2", "op1"}) {  // enclave-prepared, and in-process with enclaves
    net_.down = {signer == std::string("op2") ? "op1" : "op2"};  // the other one is not asked
    auto sig = Op(signer).node->NodeSign(msg, threshold::NodeScheme::kDefaultDst);
    ASSERT_TRUE(sig.ok()) << signer << ": " << sig.status().ToString();
    EXPECT_TRUE(bls::Verify(pk, msg, bls::Signature::FromBytes(*sig).value())) << signer;
  }
  net_.down.clear();
  std::vector<nlohmann::json> parts = {AppSign("op2", "app"), AppSign("op3", "app"),
                                       AppSign("op4", "app")};
  EXPECT_TRUE(AppSignatureVerifies(parts, Op("op1").node->Pubkey(), "app"));

  // op4's enclave restarts (a new host on the same directory): its engine is started again on
  // the next call, with the same identity and the share it had.
  auto& op4 = Op("op4");
  op4.host = std::make_shared<EnclaveHost>(EnclaveHostOptions{EnclaveDir("op4"), {}});
  auto k4 = op4.node->GroupKey();
  ASSERT_TRUE(k4);
  EXPECT_EQ(k4->public_key, key->public_key);

  RunSession(kB0 + kInterval, ids);  // reshare: same key, every operator completes
  for (const auto& id : ids) EXPECT_EQ(Outcome(id), "completed") << id;
  EXPECT_EQ(Op("op4").node->GroupKey()->public_key, key->public_key);
  EXPECT_EQ(Op("op4").node->GroupKey()->version, (kB0 + kInterval) / 1000);
  net_.down = {"op1", "op3"};  // t = 3 from op2, op4 (enclaves) and op5
  auto sig = Op("op4").node->NodeSign(msg, threshold::NodeScheme::kDefaultDst);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(bls::Verify(pk, msg, bls::Signature::FromBytes(*sig).value()));
}

// An engine whose enclave is gone answers enclave_unavailable and does not crash.
TEST_F(KmsNode, EnclaveEngineWithoutItsEnclave) {
  Add("op1", "", VssScheme::kPedersen, true);
  auto& op = Op("op1");
  op.host.reset();  // the call below now answers like a RemoteClient to a dead enclave
  Status down = Status::Unavailable("enclave_unavailable", "test: the enclave is down");
  auto dead = EnclaveEngine::Open(
      {}, [down](tee::wire::Op, ByteSpan) -> Result<Bytes> { return down; }, &net_);
  EXPECT_EQ(dead.status().code(), "enclave_unavailable");
  EXPECT_EQ(op.node->Receive(kRouteDkgShare, "x").code(), "enclave_unavailable");
  EXPECT_EQ(op.node->NodeSign(Bytes{1}, "X").status().code(), "enclave_unavailable");
  EXPECT_EQ(op.node->AppSign("a", std::nullopt).status().code(), "enclave_unavailable");
  EXPECT_FALSE(op.node->GroupKey().has_value());
  EXPECT_EQ(op.node->StatusJson()["error"], "enclave_unavailable");
  op.node->Tick(kB0);
  op.node->OnBoundary(kB0, {});
}

TEST_F(KmsNode, ReshareKeepsTheKeyAndChangesEveryShare) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id);
  RunSession(kB0, ids);
  auto key = Op("op1").node->GroupKey().value();
  std::map<std::string, std::string> before;
  for (const auto& id : ids) before[id] = AppSign(id, "app")["partialSignature"];

  RunSession(kB0 + kInterval, ids);
  for (const auto& id : ids) {
    EXPECT_EQ(Outcome(id), "completed") << id;
    auto k = Op(id).node->GroupKey().value();
    EXPECT_EQ(k.public_key, key.public_key);
    EXPECT_EQ(k.version, (kB0 + kInterval) / 1000);
    auto now = AppSign(id, "app");
    EXPECT_NE(now["partialSignature"], before[id]) << id << ": share unchanged";
    EXPECT_EQ(now["version"], k.version);
    // The old version still answers for an attestation time inside its interval.
    EXPECT_EQ(AppSign(id, "app", kB0 / 1000 + 5)["partialSignature"], before[id]);
    EXPECT_EQ(Op(id).node->StatusJson()["session"]["completed_by"].size(), ids.size());
  }
  std::vector<nlohmann::json> a = {AppSign("op1", "app"), AppSign("op2", "app"),
                                   AppSign("op4", "app")};
  EXPECT_TRUE(AppSignatureVerifies(a, Op("op3").node->Pubkey(), "app"));
  EXPECT_TRUE(Op("op5").node->NodeSign(Bytes{9}, threshold::NodeScheme::kDefaultDst).ok());
}

TEST_F(KmsNode, AddedOperatorJoinsAsReceiverAndRemovedOneNoLongerContributes) {
  for (const char* id : {"op1", "op2", "op3", "op4", "op5", "op6"}) Add(id);
  RunSession(kB0, {"op1", "op2", "op3", "op4", "op5"});
  auto key = Op("op1").node->GroupKey().value();
  EXPECT_FALSE(Op("op6").node->GroupKey().has_value());

  std::vector<std::string> next = {"op2", "op3", "op4", "op5", "op6"};
  RunSession(kB0 + kInterval, next);
  for (const auto& id : next) EXPECT_EQ(Outcome(id), "completed") << id;
  auto joined = Op("op6").node->GroupKey();
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(joined->public_key, key.public_key);
  auto sig = Op("op6").node->NodeSign(Bytes{7, 7}, threshold::NodeScheme::kDefaultDst);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(bls::Verify(bls::PublicKey::FromBytes(key.public_key).value(), Bytes{7, 7},
                          bls::Signature::FromBytes(*sig).value()));
  std::vector<nlohmann::json> a = {AppSign("op6", "x"), AppSign("op2", "x"), AppSign("op3", "x")};
  EXPECT_TRUE(AppSignatureVerifies(a, Op("op6").node->Pubkey(), "x"));
  // op1 kept only its old share: its partial does not fit the new sharing.
  EXPECT_FALSE(Op("op1").node->Pubkey()["isActive"].get<bool>());
  std::vector<nlohmann::json> with_removed = {AppSign("op1", "x"), AppSign("op2", "x"),
                                              AppSign("op3", "x")};
  EXPECT_FALSE(AppSignatureVerifies(with_removed, Op("op6").node->Pubkey(), "x"));
}

// The evidence every honest operator stored against `dealer`, each checked offline.
void ExpectVerifiedEvidence(Engine& node, const std::string& dealer, const std::string& kind) {
  auto records = node.EvidenceJson()["evidence"];
  bool found = false;
  for (const auto& j : records) {
    auto e = EvidenceRecord::FromJson(j).value();
    EXPECT_TRUE(VerifyEvidence(e, Bls12381Identity()).ok()) << j.dump();
    if (e.dealer == dealer && e.kind == kind) found = true;
  }
  EXPECT_TRUE(found) << records.dump();
}

void CheckFraudRun(const std::vector<std::string>& honest, const std::string& cheat,
                   const std::string& kind, std::vector<std::unique_ptr<Operator>>& ops) {
  std::optional<Bytes> key;
  for (auto& op : ops) {
    if (op->id == cheat) continue;
    auto status = op->node->StatusJson();
    EXPECT_EQ(status["session"]["outcome"], "completed") << status.dump();
    auto qualified = status["session"]["qualified"];
    EXPECT_EQ(std::find(qualified.begin(), qualified.end(), cheat), qualified.end());
    auto k = op->node->GroupKey();
    ASSERT_TRUE(k);
    if (key) {
      EXPECT_EQ(*key, k->public_key);
    }
    key = k->public_key;
  }
  for (const auto& id : honest) {
    for (auto& op : ops)
      if (op->id == id) ExpectVerifiedEvidence(*op->node, cheat, kind);
  }
}

TEST_F(KmsNode, DealerWithAnInvalidShareIsExcludedWithEvidence) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id, id == "op3" ? "invalid_share" : "");
  RunSession(kB0, ids);
  CheckFraudRun({"op1", "op2", "op4", "op5"}, "op3", "invalid_share", ops_);
  // Tampering with the record breaks it: the dealer's signature no longer covers it.
  auto j = Op("op1").node->EvidenceJson()["evidence"][0];
  auto e = EvidenceRecord::FromJson(j).value();
  e.share->record.back() ^= 1;
  EXPECT_EQ(VerifyEvidence(e, Bls12381Identity()).code(), "bad_evidence_signature");
  // A "fraud record" against an honest dealer does not verify.
  auto honest = EvidenceRecord::FromJson(j).value();
  honest.dealer = "op1";
  EXPECT_FALSE(VerifyEvidence(honest, Bls12381Identity()).ok());
  // Stored in data_dir: a reopened node still has it.
  EXPECT_EQ(Op("op1").node->StatusJson()["evidence_count"].get<size_t>(), 1u);
}

TEST_F(KmsNode, EquivocatingDealerIsCaughtThroughTheAcks) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id, id == "op4" ? "equivocate" : "");
  RunSession(kB0, ids);
  CheckFraudRun({"op1", "op2", "op3", "op5"}, "op4", "equivocation", ops_);
}

TEST_F(KmsNode, FeldmanSchemeCompletesAndCatchesAnInvalidShare) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4"};
  for (const auto& id : ids) Add(id, id == "op2" ? "invalid_share" : "", VssScheme::kFeldman);
  RunSession(kB0, ids);
  CheckFraudRun({"op1", "op3", "op4"}, "op2", "invalid_share", ops_);
  std::vector<nlohmann::json> a = {AppSign("op1", "f"), AppSign("op3", "f"), AppSign("op4", "f")};
  EXPECT_TRUE(AppSignatureVerifies(a, Op("op1").node->Pubkey(), "f"));
  // A Feldman reshare: op2 (a holder) cheats again and is excluded again; the key stays.
  auto key = Op("op1").node->GroupKey()->public_key;
  RunSession(kB0 + kInterval, ids);
  EXPECT_EQ(Outcome("op1"), "completed");
  EXPECT_EQ(Op("op4").node->GroupKey()->public_key, key);
}

TEST_F(KmsNode, DroppedOperatorCostsTheDeadlinesNotTheSession) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id);
  net_.down.insert("op5");
  RunSession(kB0, ids);
  for (const char* id : {"op1", "op2", "op3", "op4"}) EXPECT_EQ(Outcome(id), "completed") << id;
  auto status = Op("op1").node->StatusJson();
  EXPECT_EQ(status["session"]["qualified"].size(), 4u);
  EXPECT_TRUE(status["session"]["excluded"].contains("op5"));
  // The next interval reshares among the four (t = 3 of n = 5 still holds).
  RunSession(kB0 + kInterval, ids);
  EXPECT_EQ(Outcome("op2"), "completed");
  EXPECT_TRUE(Op("op3").node->NodeSign(Bytes{1}, threshold::NodeScheme::kDefaultDst).ok());
  // Too many down: the session aborts cleanly and the key stays.
  net_.down.insert("op4");
  net_.down.insert("op3");
  RunSession(kB0 + 2 * kInterval, ids);
  EXPECT_EQ(Outcome("op1").rfind("aborted", 0), 0u) << Outcome("op1");
  EXPECT_EQ(Op("op1").node->GroupKey()->version, (kB0 + kInterval) / 1000);
  EXPECT_EQ(Op("op1").node->NodeSign(Bytes{1}, threshold::NodeScheme::kDefaultDst).status().code(),
            "threshold_unavailable");
}

TEST_F(KmsNode, AnOperatorBehindItsPeersLosesNothing) {
  std::vector<std::string> ids = {"op1", "op2", "op3"};
  for (const auto& id : ids) Add(id);
  auto set = Set(ids);
  // op1's scheduler fires late: the others' messages reach it first and are kept.
  Op("op2").node->OnBoundary(kB0, set);
  Op("op3").node->OnBoundary(kB0, set);
  net_.Pump();
  EXPECT_TRUE(net_.refusals.empty()) << net_.refusals.front();
  Op("op1").node->OnBoundary(kB0, set);
  net_.Pump();
  for (const auto& id : ids) EXPECT_EQ(Outcome(id), "completed") << id;
  // Now op1 is ahead: its reshare messages wait at the others until their boundary.
  Op("op1").node->OnBoundary(kB0 + kInterval, set);
  net_.Pump();
  Op("op2").node->OnBoundary(kB0 + kInterval, set);
  Op("op3").node->OnBoundary(kB0 + kInterval, set);
  net_.Pump();
  for (const auto& id : ids) {
    EXPECT_EQ(Outcome(id), "completed") << id;
    EXPECT_EQ(Op(id).node->StatusJson()["session"]["protocol"], "reshare");
  }
  EXPECT_TRUE(net_.refusals.empty()) << net_.refusals.front();
}

TEST_F(KmsNode, AnOperatorThatMissedAReshareCatchesUp) {
  std::vector<std::string> ids = {"op1", "op2", "op3", "op4", "op5"};
  for (const auto& id : ids) Add(id);
  RunSession(kB0, ids);
  auto key = Op("op1").node->GroupKey().value();
  net_.down.insert("op5");
  RunSession(kB0 + kInterval, ids);  // op5 stays in the set but hears nothing
  EXPECT_EQ(Outcome("op1"), "completed");
  EXPECT_EQ(Op("op5").node->GroupKey()->version, kB0 / 1000);  // stale
  net_.down.clear();
  const uint64_t b = kB0 + 2 * kInterval;
  for (const auto& id : ids) Op(id).node->OnBoundary(b, Set(ids));
  net_.Pump();  // no deadline needed: everyone answers
  for (const auto& id : ids) EXPECT_EQ(Outcome(id), "completed") << id;
  auto caught_up = Op("op5").node->GroupKey().value();
  EXPECT_EQ(caught_up.public_key, key.public_key);
  EXPECT_EQ(caught_up.version, b / 1000);
  EXPECT_TRUE(Op("op5").node->NodeSign(Bytes{5}, threshold::NodeScheme::kDefaultDst).ok());
  std::vector<nlohmann::json> a = {AppSign("op5", "z"), AppSign("op1", "z"), AppSign("op2", "z")};
  EXPECT_TRUE(AppSignatureVerifies(a, Op("op1").node->Pubkey(), "z"));
}

TEST_F(KmsNode, TooFewOperatorsAbort) {
  Add("op1");
  Op("op1").node->OnBoundary(kB0, Set({"op1"}));
  EXPECT_EQ(Outcome("op1"), "aborted: too_few_operators");
  EXPECT_EQ(Op("op1").node->AppSign("a", std::nullopt).status().code(), "no_group_key");
  EXPECT_EQ(Op("op1").node->NodeSign(Bytes{1}, "X").status().code(), "no_group_key");
}

TEST_F(KmsNode, ProtocolEndpointsRejectBadMessages) {
  std::vector<std::string> ids = {"op1", "op2", "op3"};
  for (const auto& id : ids) Add(id);
  auto set = Set(ids);
  for (const auto& id : ids) Op(id).node->OnBoundary(kB0, set);
  auto signer = NewBls12381Signer(Op("op2").identity_secret).value();
  MessageHeader h{"dkg_ack", kB0, 1000, "op2", ""};
  nlohmann::json body = {{"dealer", "op1"}, {"commitments_hash", "0x00"}, {"commitments", {}}};
  std::string wire = EncodeMessage(h, body, *signer).value();
  Engine& n1 = *Op("op1").node;
  EXPECT_EQ(n1.Receive("/dkg/share", wire).code(), "wrong_route");
  EXPECT_EQ(n1.Receive("/dkg/ack", wire).code(), "malformed_message");
  EXPECT_EQ(n1.Receive("/dkg/ack", wire).code(), "replayed_message");
  EXPECT_EQ(n1.Receive("/dkg/ack", "{not json").code(), "malformed_message");
  h.session = kB0 - kInterval;
  h.sequence = 1;
  EXPECT_EQ(n1.Receive("/dkg/ack", EncodeMessage(h, body, *signer).value()).code(),
            "unknown_session");
  h.session = kB0;
  h.from = "op3";  // signed by op2's key
  EXPECT_EQ(n1.Receive("/dkg/ack", EncodeMessage(h, body, *signer).value()).code(),
            "bad_signature");
  h.type = "reshare_ack";  // a DKG session does not take reshare messages
  h.from = "op2";
  h.sequence = 2000;
  EXPECT_EQ(n1.Receive("/reshare/ack", EncodeMessage(h, body, *signer).value()).code(),
            "unknown_session");
  h.type = "partial_request";
  EXPECT_EQ(
      n1.ReceiveCall("/node/partial", EncodeMessage(h, body, *signer).value()).status().code(),
      "unknown_session");
  EXPECT_EQ(n1.ReceiveCall("/dkg/ack", wire).status().code(), "wrong_route");
  net_.Pump();  // the honest session still completes
  for (double f : {0.51, 0.81}) {
    for (const auto& id : ids) Op(id).node->Tick(kB0 + uint64_t(f * kInterval));
    net_.Pump();
  }
  EXPECT_EQ(Outcome("op1"), "completed");
}

TEST(KmsEnvelope, BindsSessionTypeSenderAndRecipient) {
  auto r = crypto::X25519Generate().value();
  auto other = crypto::X25519Generate().value();
  ShareEnvelopeContext ctx{kB0, "dkg_share", "op1", "op2"};
  Bytes secret = {1, 2, 3, 4, 5};
  Bytes env = SealShare(r.public_key, ctx, secret).value();
  EXPECT_EQ(OpenShare(r.private_key, ctx, env).value().span().size(), secret.size());
  EXPECT_EQ(OpenShare(other.private_key, ctx, env).status().code(), "decryption_failed");
  for (auto changed : {ShareEnvelopeContext{kB0 + 1, "dkg_share", "op1", "op2"},
                       ShareEnvelopeContext{kB0, "reshare_share", "op1", "op2"},
                       ShareEnvelopeContext{kB0, "dkg_share", "op3", "op2"},
                       ShareEnvelopeContext{kB0, "dkg_share", "op1", "op3"}})
    EXPECT_EQ(OpenShare(r.private_key, changed, env).status().code(), "decryption_failed");
  Bytes tampered = env;
  tampered[40] ^= 1;
  EXPECT_EQ(OpenShare(r.private_key, ctx, tampered).status().code(), "decryption_failed");
  ShareEnvelopeContext long_id{kB0, "dkg_share", std::string(300, 'a'), "op2"};
  EXPECT_EQ(SealShare(r.public_key, long_id, secret).status().code(), "invalid_argument");

  // node:crypto opens it with the AAD computed here (tests/js/x25519_envelope.mjs).
  std::string aad = HexEncode(ShareEnvelopeAad(ctx).value());
  std::string cmd = "cd " + testing::SourceDir() + " && node tests/js/x25519_envelope.mjs open " +
                    HexEncode(r.private_key.span()) + " " + aad + " " + HexEncode(env);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  char buf[256] = {};
  size_t n = pipe ? fread(buf, 1, sizeof buf - 1, pipe) : 0;
  int rc = pipe ? ::pclose(pipe) : -1;
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(std::string(buf, n), HexEncode(secret));
}

TEST(KmsThreshold, Rule) {
  EXPECT_EQ(ThresholdFor(5, 2, 3), 4u);
  EXPECT_EQ(ThresholdFor(5, 1, 2), 3u);
  EXPECT_EQ(ThresholdFor(2, 2, 3), 2u);
  EXPECT_EQ(ThresholdFor(3, 2, 3), 3u);
  EXPECT_EQ(ThresholdFor(1, 2, 3), 0u);
  EXPECT_EQ(ThresholdFor(15, 2, 3), 11u);
}

}  // namespace
}  // namespace cryfttee::kms
