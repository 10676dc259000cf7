// Release-list parsing and the acceptance rules. Signatures are made with the openssl command
// line over the canonical text written out literally here, so neither the signing nor the text
// depends on the code under test.
#include "client/release_list.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "support/daemon_process.h"

namespace cryfttee::client {
namespace {

const std::string kH1 = "sha256:" + std::string(64, '1');
const std::string kH2 = "sha256:" + std::string(64, '2');

std::string Run(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), &::pclose);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  return out;
}

// An Ed25519 publisher made with openssl: raw public key hex, and a signer.
class OpensslPublisher {
 public:
  OpensslPublisher() {
    key_ = dir_.File("release.pem");
    Run("openssl genpkey -algorithm ed25519 -out " + key_ + " 2>/dev/null");
    // The raw key is the last 32 bytes of the DER SubjectPublicKeyInfo.
    std::string der = Run("openssl pkey -in " + key_ + " -pubout -outform DER 2>/dev/null");
    if (der.size() >= 32) public_hex_ = HexEncode(AsBytes(der.substr(der.size() - 32)));
  }
  std::string Sign(const std::string& text) {
    std::string msg = dir_.File("msg");
    std::ofstream(msg, std::ios::binary) << text;
    std::string sig =
        Run("openssl pkeyutl -sign -rawin -inkey " + key_ + " -in " + msg + " 2>/dev/null");
    return HexEncode(AsBytes(sig));
  }
  Bytes PublicKey() const { return *HexDecode(public_hex_); }
  const std::string& public_hex() const { return public_hex_; }

 private:
  testing::TempDir dir_;
  std::string key_;
  std::string public_hex_;
};

TEST(ReleaseList, CanonicalTextIsTheDocumentedOne) {
  EXPECT_EQ(CanonicalReleaseText("0.1.0", kH1), "cryfttee-release-v1\n0.1.0\n" + kH1 + "\n");
}

TEST(ReleaseList, ParsesEntriesAndRejectsMalformedOnes) {
  auto ok = ParseReleaseList(R"([{"version":"0.1.0","hash":")" + kH1 + R"("},
                                 {"version":"0.2.0","hash":")" +
                             kH2 + R"(","signature":null}])");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].version, "0.2.0");
  EXPECT_TRUE((*ok)[1].signature.empty());

  for (const std::string& bad :
       {std::string("not json"), std::string(R"({"version":"x"})"), std::string("[1]"),
        R"([{"hash":")" + kH1 + R"("}])", std::string(R"([{"version":"1","hash":"sha256:abc"}])"),
        R"([{"version":"1","hash":")" + std::string("SHA256:") + std::string(64, '1') + R"("}])",
        R"([{"version":"1\n2","hash":")" + kH1 + R"("}])",
        R"([{"version":"1","hash":")" + kH1 + R"(","signature":"zz"}])",
        R"([{"version":"1","hash":")" + kH1 + R"(","signature":42}])"}) {
    auto r = ParseReleaseList(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), "invalid_release_list") << bad;
  }
}

TEST(ReleaseList, PublicKeyFormats) {
  Bytes key(32, 7);
  EXPECT_EQ(*ParseReleasePublicKey(HexEncode(key) + "\n"), key);
  EXPECT_EQ(*ParseReleasePublicKey(Base64Encode(key)), key);
  EXPECT_EQ(ParseReleasePublicKey("abcd").status().code(), "invalid_public_key");
  EXPECT_EQ(ParseReleasePublicKey(HexEncode(Bytes(31, 1))).status().code(), "invalid_public_key");
}

TEST(ReleaseList, UnsignedEntriesWithoutAKey) {
  std::vector<Release> list = {{"0.1.0", kH1, ""}, {"0.2.0", kH2, ""}};
  auto m = MatchRelease(list, kH2, std::nullopt);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->version, "0.2.0");
  EXPECT_EQ(MatchRelease(list, "sha256:" + std::string(64, '3'), std::nullopt).status().code(),
            "binary_not_released");
}

TEST(ReleaseList, SignaturesCheckedWithThePublisherKey) {
  OpensslPublisher pub;
  ASSERT_EQ(pub.public_hex().size(), 64u) << "openssl ed25519 unavailable";
  std::string good = pub.Sign("cryfttee-release-v1\n0.1.0\n" + kH1 + "\n");
  ASSERT_EQ(good.size(), 128u);
  Bytes key = pub.PublicKey();

  // Good signature, hex or base64.
  auto m = MatchRelease({{"0.1.0", kH1, good}}, kH1, key);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(MatchRelease({{"0.1.0", kH1, Base64Encode(*HexDecode(good))}}, kH1, key).ok());

  // The same signature relabelled as another version does not verify.
  EXPECT_EQ(MatchRelease({{"0.9.9", kH1, good}}, kH1, key).status().code(),
            "release_signature_invalid");
  // A flipped bit.
  std::string flipped = good;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_EQ(MatchRelease({{"0.1.0", kH1, flipped}}, kH1, key).status().code(),
            "release_signature_invalid");
  // Another publisher's key.
  OpensslPublisher other;
  EXPECT_EQ(MatchRelease({{"0.1.0", kH1, good}}, kH1, other.PublicKey()).status().code(),
            "release_signature_invalid");
  // A bad signature among the candidates refuses even when a good one is present.
  EXPECT_EQ(MatchRelease({{"0.1.0", kH1, good}, {"0.1.0", kH1, flipped}}, kH1, key).status().code(),
            "release_signature_invalid");
  // With a key, unsigned entries are not enough; without one, signed entries cannot be checked.
  EXPECT_EQ(MatchRelease({{"0.1.0", kH1, ""}}, kH1, key).status().code(), "release_unsigned");
  EXPECT_EQ(MatchRelease({{"0.1.0", kH1, good}}, kH1, std::nullopt).status().code(),
            "release_key_required");
  // Bad signatures on entries for other binaries do not matter.
  EXPECT_TRUE(MatchRelease({{"0.1.0", kH1, good}, {"0.2.0", kH2, flipped}}, kH1, key).ok());
}

}  // namespace
}  // namespace cryfttee::client
