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
#include "kms/identity.h"
#include "kms/operator_set.h"

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

}  // namespace
}  // namespace cryfttee::kms
