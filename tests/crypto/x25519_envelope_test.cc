// crypto/x25519_envelope: RFC 7748 key derivation, round trips, every way an envelope must fail
// to open, low-order points, and interoperability both ways with an independent implementation
// (tests/js/x25519_envelope.mjs, node:crypto).
#include "crypto/x25519_envelope.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "core/bytes.h"
#include "support/daemon_process.h"

namespace cryfttee::crypto {
namespace {

Bytes Hex(const std::string& h) { return HexDecode(h).value(); }
Bytes Text(std::string_view s) {
  ByteSpan b = AsBytes(s);
  return Bytes(b.begin(), b.end());
}

// Runs the node oracle; returns its stdout, and its exit status in *rc.
std::string Node(const std::string& args, int* rc) {
  std::string cmd = "cd " + testing::SourceDir() + " && node tests/js/x25519_envelope.mjs " + args;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (pipe && (n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = pipe ? ::pclose(pipe) : -1;
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(X25519Envelope, Rfc7748PublicKeys) {
  // RFC 7748 §6.1.
  SecretBytes alice(Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  SecretBytes bob(Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(HexEncode(X25519PublicKey(alice).value()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(HexEncode(X25519PublicKey(bob).value()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
}

TEST(X25519Envelope, RoundTripAndEveryTamperFails) {
  auto recipient = X25519Generate().value();
  Bytes aad = Text("session=1700000000;from=op1;to=op2;type=dkg_share");
  Bytes share = Hex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  Bytes env = SealToRecipient(recipient.public_key, aad, share).value();
  ASSERT_EQ(env.size(), kX25519EnvelopeOverhead + share.size());
  EXPECT_EQ(env[0], kX25519EnvelopeVersion);
  SecretBytes opened = OpenEnvelope(recipient.private_key, aad, env).value();
  EXPECT_EQ(Bytes(opened.span().begin(), opened.span().end()), share);
  // Two seals of the same share differ (fresh ephemeral key).
  EXPECT_NE(SealToRecipient(recipient.public_key, aad, share).value(), env);

  for (size_t i = 0; i < env.size(); ++i) {
    Bytes bad = env;
    bad[i] ^= 0x01;
    auto opened = OpenEnvelope(recipient.private_key, aad, bad);
    ASSERT_FALSE(opened.ok()) << "flipping byte " << i << " went unnoticed";
  }
  Bytes other_aad = Text("session=1700000000;from=op1;to=op3;type=dkg_share");
  EXPECT_EQ(OpenEnvelope(recipient.private_key, other_aad, env).status().code(),
            "decryption_failed");
  auto stranger = X25519Generate().value();
  EXPECT_EQ(OpenEnvelope(stranger.private_key, aad, env).status().code(), "decryption_failed");
  EXPECT_EQ(OpenEnvelope(recipient.private_key, aad, ByteSpan(env).first(48)).status().code(),
            "invalid_envelope");
  Bytes wrong_version = env;
  wrong_version[0] = 2;
  EXPECT_EQ(OpenEnvelope(recipient.private_key, aad, wrong_version).status().code(),
            "invalid_envelope");
  // An empty secret is still authenticated.
  Bytes empty_env = SealToRecipient(recipient.public_key, aad, {}).value();
  EXPECT_TRUE(OpenEnvelope(recipient.private_key, aad, empty_env).ok());
}

TEST(X25519Envelope, RefusesBadKeys) {
  Bytes plaintext = {1, 2, 3};
  EXPECT_EQ(SealToRecipient(Bytes(31, 9), {}, plaintext).status().code(), "invalid_public_key");
  // Low-order points (RFC 7748 §6.1 and the list in libsodium): the shared secret would be zero.
  const char* low_order[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  for (const char* p : low_order) {
    EXPECT_EQ(SealToRecipient(Hex(p), {}, plaintext).status().code(), "invalid_public_key") << p;
  }
  EXPECT_EQ(X25519PublicKey(SecretBytes(Bytes(16, 1))).status().code(), "invalid_private_key");
}

TEST(X25519Envelope, InteroperatesWithNodeCrypto) {
  auto recipient = X25519Generate().value();
  std::string aad = "73657373696f6e";  // "session"
  std::string share = "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899";
  int rc = 0;
  std::string pub = Node("public " + HexEncode(recipient.private_key.span()), &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(pub, HexEncode(recipient.public_key));

  // node seals, we open.
  std::string env = Node("seal " + HexEncode(recipient.public_key) + " " + aad + " " + share, &rc);
  ASSERT_EQ(rc, 0) << env;
  auto opened = OpenEnvelope(recipient.private_key, Hex(aad), Hex(env));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(HexEncode(opened->span()), share);

  // We seal, node opens; and node refuses it under another AAD (the oracle can say no).
  Bytes ours = SealToRecipient(recipient.public_key, Hex(aad), Hex(share)).value();
  std::string priv = HexEncode(recipient.private_key.span());
  EXPECT_EQ(Node("open " + priv + " " + aad + " " + HexEncode(ours), &rc), share);
  EXPECT_EQ(rc, 0);
  Node("open " + priv + " 00 " + HexEncode(ours), &rc);
  EXPECT_EQ(rc, 1);
}

}  // namespace
}  // namespace cryfttee::crypto
