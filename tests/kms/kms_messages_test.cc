// kms/: the operator set file and the authenticated message envelope. Every rejection the
// protocol API must make (malformed, oversized, unknown sender, forged, replayed, misaddressed)
// is produced here with its code and category; signatures are real BLS12-381 over the KMS DST.
#include <gtest/gtest.h>

#include <string>

#include "core/bytes.h"
#include "core/sha256.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/x25519_envelope.h"
#include "kms/authenticated_message.h"
#include "kms/enclave_wire.h"
#include "kms/identity.h"
#include "kms/operator_set.h"
#include "tee/wire.h"

namespace cryfttee::kms {
namespace {

struct Operator {
  std::string id;
  std::unique_ptr<IdentitySigner> signer;
  OperatorSetPeer peer;
};

Operator MakeOperator(const std::string& id) {
  auto sk = bls::SecretKey::Generate().value();
  auto raw = sk.ToBytes();
  Operator op{id, NewBls12381Signer(raw).value(), {}};
  SecureWipe(raw.data(), raw.size());
  op.peer.id = id;
  op.peer.identity_public_key = op.signer->PublicKey();
  op.peer.encryption_public_key = crypto::X25519Generate().value().public_key;
  op.peer.address = "http://127.0.0.1:9400";
  return op;
}

std::string PeeringJson(const std::vector<OperatorSetPeer>& peers) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : peers) {
    list.push_back({{"id", p.id},
                    {"identity_public_key", "0x" + HexEncode(p.identity_public_key)},
                    {"encryption_public_key", "0x" + HexEncode(p.encryption_public_key)},
                    {"address", p.address}});
  }
  return nlohmann::json{{"operators", list}}.dump();
}

class KmsMessages : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"op1", "op2", "op3"}) ops_.push_back(MakeOperator(id));
    for (const auto& o : ops_) peers_.push_back(o.peer);
  }
  MessageHeader Header(uint64_t seq, std::string to = "op2") {
    return MessageHeader{"dkg_share", 1700000000, seq, "op1", std::move(to)};
  }
  std::vector<Operator> ops_;
  std::vector<OperatorSetPeer> peers_;
};

TEST_F(KmsMessages, OperatorSetRoundTripsAndValidates) {
  auto parsed = ParseOperatorSet(PeeringJson(peers_), "peers.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, peers_);

  auto twice = peers_;
  twice.push_back(peers_[0]);
  EXPECT_EQ(ParseOperatorSet(PeeringJson(twice), "p").status().code(), "invalid_peering");
  auto bad_key = peers_;
  bad_key[1].identity_public_key[5] ^= 1;  // off the curve or out of the subgroup
  auto r = ParseOperatorSet(PeeringJson(bad_key), "p");
  EXPECT_EQ(r.status().code(), "invalid_peering");
  EXPECT_NE(r.status().message().find("operators[1]"), std::string::npos) << r.status().message();
  auto bad_url = peers_;
  bad_url[0].address = "ftp://x";
  EXPECT_FALSE(ParseOperatorSet(PeeringJson(bad_url), "p").ok());
  EXPECT_FALSE(ParseOperatorSet("{\"operators\":[{\"id\":\"x\"}]}", "p").ok());
  EXPECT_FALSE(ParseOperatorSet("{\"operators\":{}}", "p").ok());
  EXPECT_FALSE(ParseOperatorSet("{\"operators\":[], \"extra\":1}", "p").ok());
}

TEST_F(KmsMessages, HonestMessageAuthenticatesOnceOnly) {
  nlohmann::json body = {{"share", "0x00"}};
  std::string wire = EncodeMessage(Header(1), body, *ops_[0].signer).value();
  auto m = DecodeMessage(wire);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->header.type, "dkg_share");
  EXPECT_EQ(m->header.session, 1700000000u);
  EXPECT_EQ(m->body, body);
  EXPECT_TRUE(Authenticate(*m, peers_, "op2", Bls12381Identity()).ok());

  ReplayGuard guard;
  EXPECT_TRUE(guard.Accept(m->header).ok());
  Status replay = guard.Accept(m->header);
  EXPECT_EQ(replay.code(), "replayed_message");
  EXPECT_EQ(replay.category(), StatusCategory::kUnauthenticated);
  EXPECT_TRUE(guard.Accept(Header(2)).ok());
  EXPECT_EQ(guard.Accept(Header(1)).code(), "replayed_message");  // older than the newest
  guard.ForgetSessionsBefore(1700000001);
  EXPECT_TRUE(guard.Accept(Header(1)).ok());  // state of a finished session is dropped
}

TEST_F(KmsMessages, RejectsForgeriesAndStrangers) {
  std::string wire = EncodeMessage(Header(1), {{"k", 1}}, *ops_[0].signer).value();
  auto m = DecodeMessage(wire).value();

  // Signed by op3 but claiming to come from op1.
  std::string forged = EncodeMessage(Header(1), {{"k", 1}}, *ops_[2].signer).value();
  auto f = DecodeMessage(forged).value();
  EXPECT_EQ(Authenticate(f, peers_, "op2", Bls12381Identity()).code(), "bad_signature");

  // A sender outside the operator set (removed operator).
  std::vector<OperatorSetPeer> without_op1(peers_.begin() + 1, peers_.end());
  EXPECT_EQ(Authenticate(m, without_op1, "op2", Bls12381Identity()).code(), "unknown_sender");

  // Addressed to someone else; broadcast ("") is for everyone.
  EXPECT_EQ(Authenticate(m, peers_, "op3", Bls12381Identity()).code(), "wrong_recipient");
  auto b =
      DecodeMessage(EncodeMessage(Header(2, ""), nlohmann::json::object(), *ops_[0].signer).value())
          .value();
  EXPECT_TRUE(Authenticate(b, peers_, "op3", Bls12381Identity()).ok());

  // A staking-DST signature over the same hash must not pass as a message signature.
  auto sk = bls::SecretKey::Generate().value();
  auto raw = sk.ToBytes();
  auto signer = NewBls12381Signer(raw).value();
  auto pk = sk.GetPublicKey().ToBytes();
  auto staking_sig = sk.Sign(m.hash).ToBytes();
  EXPECT_FALSE(Bls12381Identity().Verify(pk, m.hash, staking_sig));
  EXPECT_TRUE(Bls12381Identity().Verify(pk, m.hash, signer->Sign(m.hash).value()));
}

TEST_F(KmsMessages, DecoderRefusesMalformedInput) {
  std::string wire = EncodeMessage(Header(1), {{"k", 1}}, *ops_[0].signer).value();
  nlohmann::json w = nlohmann::json::parse(wire);
  auto with = [&](const char* field, nlohmann::json v) {
    nlohmann::json c = w;
    c[field] = std::move(v);
    return c.dump();
  };
  EXPECT_EQ(DecodeMessage(with("hash", "0x" + std::string(64, '0'))).status().code(),
            "hash_mismatch");
  EXPECT_EQ(DecodeMessage(with("payload", "!!")).status().code(), "malformed_message");
  EXPECT_EQ(DecodeMessage(with("signature", 5)).status().code(), "malformed_message");
  EXPECT_EQ(DecodeMessage("not json").status().code(), "malformed_message");
  EXPECT_EQ(DecodeMessage("{\"payload\":[[[[]]]]}").status().code(), "malformed_message");
  EXPECT_EQ(DecodeMessage(std::string(kMaxMessageBytes + 1, ' ')).status().code(),
            "message_too_large");

  // A payload whose hash is right but whose content is wrong: each field checked.
  auto payload_with = [&](nlohmann::json p) {
    std::string text = p.dump();
    Sha256Digest h = Sha256(AsBytes(text));
    return nlohmann::json{{"payload", Base64Encode(AsBytes(text))},
                          {"hash", "0x" + HexEncode(h)},
                          {"signature", "0x00"}}
        .dump();
  };
  nlohmann::json good = {{"v", 1},
                         {"type", "dkg_ack"},
                         {"session", 1},
                         {"seq", 1},
                         {"from", "a"},
                         {"to", ""},
                         {"body", nlohmann::json::object()}};
  EXPECT_TRUE(DecodeMessage(payload_with(good)).ok());
  for (auto [field, value] :
       std::vector<std::pair<const char*, nlohmann::json>>{{"v", 2},
                                                           {"type", "DKG"},
                                                           {"session", -1},
                                                           {"seq", 9007199254740992.0},
                                                           {"seq", uint64_t{1} << 60},
                                                           {"from", ""},
                                                           {"to", "bad id"},
                                                           {"body", "x"}}) {
    nlohmann::json p = good;
    p[field] = value;
    EXPECT_EQ(DecodeMessage(payload_with(p)).status().code(), "malformed_message")
        << field << "=" << value.dump();
  }
  nlohmann::json extra = good;
  extra["extra"] = 1;
  EXPECT_FALSE(DecodeMessage(payload_with(extra)).ok());
}

// kms/enclave_wire.h: every payload of the KMS enclave ops round-trips, and truncated, trailing,
// oversized and out-of-range input is refused with "enclave_protocol".
namespace ew = enclave_wire;

OperatorSetPeer Peer(const std::string& id) {
  return {id, Bytes(48, 1), Bytes(32, 2), "http://127.0.0.1:9/"};
}

// Every strict prefix and every one-byte extension of `payload` fails to decode.
template <typename F>
void ExpectExact(const Bytes& payload, F decode, const char* what) {
  for (size_t n = 0; n < payload.size(); ++n) {
    auto r = decode(ByteSpan(payload.data(), n));
    EXPECT_EQ(r.status().code(), "enclave_protocol") << what << " truncated to " << n;
  }
  Bytes longer = payload;
  longer.push_back(0);
  EXPECT_EQ(decode(longer).status().code(), "enclave_protocol") << what << " with a trailing byte";
}

TEST(KmsEnclaveWire, EveryPayloadRoundTripsExactly) {
  NodeOptions o;
  o.self_id = "op7";
  o.scheme = VssScheme::kFeldman;
  o.interval = std::chrono::milliseconds(3000);
  o.threshold_numerator = 1;
  o.threshold_denominator = 2;
  o.test_misbehaviour = "equivocate";
  Bytes start = ew::EncodeStart(o);
  auto so = ew::DecodeStart(start);
  ASSERT_TRUE(so.ok()) << so.status().ToString();
  EXPECT_EQ(so->self_id, "op7");
  EXPECT_EQ(so->scheme, VssScheme::kFeldman);
  EXPECT_EQ(so->interval.count(), 3000);
  EXPECT_EQ(so->threshold_denominator, 2u);
  EXPECT_EQ(so->test_misbehaviour, "equivocate");
  ExpectExact(start, ew::DecodeStart, "start");

  ew::StartAnswer sa{"op7", {Bytes(48, 3), Bytes(32, 4)}};
  auto sa2 = ew::DecodeStartAnswer(ew::EncodeStartAnswer(sa)).value();
  EXPECT_EQ(sa2.self_id, "op7");
  EXPECT_EQ(sa2.keys.encryption_public_key, Bytes(32, 4));

  ew::BoundaryRequest b{1'700'000'000'000, {Peer("op1"), Peer("op2")}};
  Bytes boundary = ew::EncodeBoundary(b);
  auto b2 = ew::DecodeBoundary(boundary).value();
  EXPECT_EQ(b2.boundary_ms, b.boundary_ms);
  EXPECT_EQ(b2.operators, b.operators);
  ExpectExact(boundary, ew::DecodeBoundary, "boundary");

  ew::SendsAnswer sends;
  sends.sends.push_back({Peer("op2"), "/dkg/share", "{\"x\":1}"});
  sends.status = Status::Error(StatusCategory::kUnauthenticated, "replayed_message", "again");
  Bytes sends_bytes = ew::EncodeSends(sends);
  auto s2 = ew::DecodeSends(sends_bytes).value();
  ASSERT_EQ(s2.sends.size(), 1u);
  EXPECT_EQ(s2.sends[0].peer, Peer("op2"));
  EXPECT_EQ(s2.sends[0].wire, "{\"x\":1}");
  EXPECT_EQ(s2.status.code(), "replayed_message");
  EXPECT_EQ(s2.status.category(), StatusCategory::kUnauthenticated);
  ExpectExact(sends_bytes, ew::DecodeSends, "sends");
  EXPECT_TRUE(ew::DecodeSends(ew::EncodeSends({})).value().status.ok());

  auto m = ew::DecodeRouted(ew::EncodeRouted({"/node/partial", "wire"})).value();
  EXPECT_EQ(m.route, "/node/partial");
  EXPECT_EQ(m.wire, "wire");
  auto a = ew::DecodeAppSign(ew::EncodeAppSign({"app", 17})).value();
  EXPECT_EQ(a.attestation_time, 17u);
  ew::AppSignRequest no_time{"app", std::nullopt};
  EXPECT_FALSE(ew::DecodeAppSign(ew::EncodeAppSign(no_time)).value().attestation_time);
  auto sign = ew::DecodeSign(ew::EncodeSign({Bytes{1, 2}, "DST_"})).value();
  EXPECT_EQ(sign.dst, "DST_");

  NodeSignPlan plan;
  plan.self_id = "op1";
  plan.version = 99;
  plan.t = 3;
  plan.own_index = 2;
  plan.own_partial = Bytes(96, 5);
  plan.verification_g1 = {Bytes(48, 6), Bytes(48, 7), Bytes(48, 8)};
  plan.operators = {Peer("op1"), Peer("op2")};
  plan.requests.push_back({Peer("op2"), 1, "request"});
  Bytes plan_bytes = ew::EncodePlan(plan);
  auto p2 = ew::DecodePlan(plan_bytes).value();
  EXPECT_EQ(p2.verification_g1, plan.verification_g1);
  EXPECT_EQ(p2.requests[0].peer, Peer("op2"));
  EXPECT_EQ(p2.requests[0].index, 1u);
  EXPECT_EQ(p2.own_partial, plan.own_partial);
  ExpectExact(plan_bytes, ew::DecodePlan, "plan");

  EXPECT_EQ(ew::DecodeQuery(ew::EncodeQuery(ew::Query::kGroupKey)).value(), ew::Query::kGroupKey);
  EXPECT_EQ(ew::DecodeJson(ew::EncodeJson({{"a", 1}})).value()["a"], 1);
  EXPECT_EQ(ew::DecodeU64(ew::EncodeU64(42)).value(), 42u);
}

TEST(KmsEnclaveWire, OutOfRangeFieldsAreRefused) {
  auto code = [](const auto& r) { return r.status().code(); };
  tee::wire::Writer w;
  w.String("op1");
  w.U8(2);  // no third scheme
  w.U64(1000);
  w.U32(2);
  w.U32(3);
  w.String("");
  EXPECT_EQ(code(ew::DecodeStart(w.data())), "enclave_protocol");
  NodeOptions zero;
  zero.interval = std::chrono::milliseconds(0);
  EXPECT_EQ(code(ew::DecodeStart(ew::EncodeStart(zero))), "enclave_protocol");

  tee::wire::Writer peers;  // a count past kMaxSessionOperators, refused before any allocation
  peers.U64(1);
  peers.U32(0xFFFFFFFF);
  EXPECT_EQ(code(ew::DecodeBoundary(peers.data())), "enclave_protocol");
  tee::wire::Writer sends;
  sends.U32(ew::kMaxSends + 1);
  EXPECT_EQ(code(ew::DecodeSends(sends.data())), "enclave_protocol");

  ew::BoundaryRequest long_id{1, {Peer(std::string(ew::kMaxId + 1, 'a'))}};
  EXPECT_EQ(code(ew::DecodeBoundary(ew::EncodeBoundary(long_id))), "enclave_protocol");
  ew::SendsAnswer bad_status;
  bad_status.status = Status::Error(StatusCategory::kInternal, "x", "y");
  Bytes encoded = ew::EncodeSends(bad_status);
  encoded[4 + 1 + 4] = 'X';  // the category name no longer names a category
  EXPECT_EQ(code(ew::DecodeSends(encoded)), "enclave_protocol");
  tee::wire::Writer app;  // has_time = 0 with a time: two encodings of one meaning
  app.String("app");
  app.U8(0);
  app.U64(5);
  EXPECT_EQ(code(ew::DecodeAppSign(app.data())), "enclave_protocol");
  EXPECT_EQ(code(ew::DecodeQuery(Bytes{9})), "enclave_protocol");
  Bytes not_json = ew::EncodeBytes(AsBytes(std::string_view("{no")));
  EXPECT_EQ(code(ew::DecodeJson(not_json)), "enclave_protocol");
  ew::SignRequest huge{Bytes(kMaxMessageBytes + 1, 0), ""};
  EXPECT_EQ(code(ew::DecodeSign(ew::EncodeSign(huge))), "enclave_protocol");
}

}  // namespace
}  // namespace cryfttee::kms
