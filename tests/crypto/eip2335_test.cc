#include "crypto/eip2335.h"

#include <gtest/gtest.h>

#include "shared_vectors.h"

namespace cryfttee::crypto {
namespace {

using nlohmann::json;

std::string Hex(const SecretBytes& b) { return HexEncode(b.span()); }

json Vectors() {
  return json::parse(
      testing::ReadText(testing::SharedDir() + "/vectors/eip2335/test_vectors.json"));
}

TEST(Eip2335Password, NormalisesTheSpecPassword) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  const json vectors = Vectors();
  ASSERT_EQ(vectors["test_cases"].size(), 2u);
  for (const auto& c : vectors["test_cases"]) {
    auto raw = HexDecode(c["password_utf8_hex_raw"].get<std::string>());
    ASSERT_TRUE(raw.ok());
    std::string password = c["password"].get<std::string>();
    ASSERT_EQ(AsBytes(password).size(), raw->size());
    auto normalized = Eip2335NormalizePassword(password);
    ASSERT_TRUE(normalized.ok()) << normalized.status().ToString();
    EXPECT_EQ("0x" + Hex(*normalized), c["password_encoded"].get<std::string>());
  }
}

TEST(Eip2335Password, StripsControlCodesAndAppliesCompatibilityForms) {
  // C0 (U+0001), DEL, C1 (U+0085, U+009F) go; "ﬁ" (U+FB01) becomes "fi"; "Å" (U+00C5)
  // decomposes to A + U+030A.
  auto out = Eip2335NormalizePassword(
      "a\x01"
      "b\x7f"
      "c\xc2\x85"
      "d\xc2\x9f"
      "\xef\xac\x81\xc3\x85");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out->data()), out->size()),
            "abcdfiA\xcc\x8a");
  EXPECT_EQ(Eip2335NormalizePassword("\xff\xfe").status().code(), "invalid_password");
  auto empty = Eip2335NormalizePassword("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

TEST(Eip2335, SpecKeystoresDecryptToTheSecret) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  const json vectors = Vectors();
  ASSERT_EQ(vectors["test_cases"].size(), 2u);
  for (const auto& c : vectors["test_cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    std::string keystore = testing::ReadText(testing::SharedDir() + "/vectors/eip2335/" +
                                             c["keystore_file"].get<std::string>());
    auto result = Eip2335Decrypt(keystore, c["password"].get<std::string>());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ("0x" + Hex(result->secret), c["secret"].get<std::string>());
    EXPECT_EQ(HexEncode(result->declared_pubkey), c["pubkey"].get<std::string>());
    EXPECT_EQ(result->path, c["path"].get<std::string>());
  }
}

TEST(Eip2335, WrongPasswordIsAClearError) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  std::string keystore =
      testing::ReadText(testing::SharedDir() + "/vectors/eip2335/keystore_pbkdf2.json");
  EXPECT_EQ(Eip2335Decrypt(keystore, "testpassword").status().code(), "invalid_password");
  // The un-normalised bytes also fail unless normalisation is applied.
  EXPECT_EQ(Eip2335Decrypt(keystore, "wrong").status().code(), "invalid_password");
}

json SmallKeystore() {
  Eip2335EncryptOptions options;
  options.kdf = Eip2335Kdf::kPbkdf2;
  options.pbkdf2_iterations = 16;
  auto text = Eip2335Encrypt(Bytes(32, 5), Bytes(48, 6), "pw", options);
  EXPECT_TRUE(text.ok());
  return json::parse(*text);
}

TEST(Eip2335, MalformedKeystoresAreRejected) {
  EXPECT_EQ(Eip2335Decrypt("not json", "pw").status().code(), "invalid_keystore");
  EXPECT_EQ(Eip2335Decrypt("[]", "pw").status().code(), "invalid_keystore");
  json base = SmallKeystore();
  ASSERT_TRUE(Eip2335Decrypt(base.dump(), "pw").ok());

  auto expect = [&](const std::function<void(json&)>& edit, const std::string& code) {
    json doc = base;
    edit(doc);
    EXPECT_EQ(Eip2335Decrypt(doc.dump(), "pw").status().code(), code) << doc.dump();
  };
  expect([](json& d) { d["version"] = 3; }, "invalid_keystore");
  expect([](json& d) { d.erase("crypto"); }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["kdf"]["function"] = "argon2"; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["kdf"]["params"]["prf"] = "hmac-sha512"; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["kdf"]["params"]["dklen"] = 16; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["kdf"]["params"]["c"] = -1; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["kdf"]["params"]["c"] = 1u << 30; }, "invalid_kdf_params");
  expect([](json& d) { d["crypto"]["kdf"]["params"]["salt"] = "zz"; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["cipher"]["function"] = "aes-256-gcm"; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["cipher"]["params"]["iv"] = "00"; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["checksum"]["function"] = "sha512"; }, "invalid_keystore");
  expect([](json& d) { d["crypto"]["checksum"]["message"] = std::string(64, '0'); },
         "invalid_password");
  expect(
      [](json& d) {
        d["crypto"]["kdf"] = {{"function", "scrypt"},
                              {"params",
                               {{"dklen", 32},
                                {"n", 1ull << 30},
                                {"r", 8},
                                {"p", 1},
                                {"salt", std::string(64, '1')}}},
                              {"message", ""}};
      },
      "invalid_kdf_params");
}

TEST(Eip2335, EncryptRoundTripsWithBothKdfs) {
  Bytes secret(32);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(i + 1);
  Bytes pubkey(48, 0xab);
  for (Eip2335Kdf kdf : {Eip2335Kdf::kPbkdf2, Eip2335Kdf::kScrypt}) {
    Eip2335EncryptOptions options;
    options.kdf = kdf;
    options.pbkdf2_iterations = 1024;
    options.scrypt = {1024, 8, 1};
    options.path = "m/12381/60/0/0";
    std::string password =
        "\xf0\x9d\x94\xb1"
        "est\x7f";  // exercises normalisation
    auto text = Eip2335Encrypt(secret, pubkey, password, options);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    json doc = json::parse(*text);
    EXPECT_EQ(doc["version"], 4);
    EXPECT_EQ(doc["pubkey"], HexEncode(pubkey));
    EXPECT_EQ(doc["path"], "m/12381/60/0/0");
    std::string uuid = doc["uuid"];
    ASSERT_EQ(uuid.size(), 36u);
    EXPECT_EQ(uuid[14], '4');
    EXPECT_EQ(doc["crypto"]["kdf"]["function"], kdf == Eip2335Kdf::kScrypt ? "scrypt" : "pbkdf2");
    auto back = Eip2335Decrypt(*text, password);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(Bytes(back->secret.span().begin(), back->secret.span().end()), secret);
    // NFKD maps U+1D531 to "t": the plain password opens it too, as the EIP intends.
    EXPECT_TRUE(Eip2335Decrypt(*text, "test").ok());
    EXPECT_EQ(Eip2335Decrypt(*text, "tesT").status().code(), "invalid_password");
  }
}

TEST(Eip2335, TwoExportsDifferInSaltIvAndUuid) {
  Eip2335EncryptOptions options;
  options.kdf = Eip2335Kdf::kPbkdf2;
  options.pbkdf2_iterations = 16;
  auto a = Eip2335Encrypt(Bytes(32, 1), Bytes(48, 2), "pw", options);
  auto b = Eip2335Encrypt(Bytes(32, 1), Bytes(48, 2), "pw", options);
  ASSERT_TRUE(a.ok() && b.ok());
  json ja = json::parse(*a), jb = json::parse(*b);
  EXPECT_NE(ja["uuid"], jb["uuid"]);
  EXPECT_NE(ja["crypto"]["kdf"]["params"]["salt"], jb["crypto"]["kdf"]["params"]["salt"]);
  EXPECT_NE(ja["crypto"]["cipher"]["params"]["iv"], jb["crypto"]["cipher"]["params"]["iv"]);
}

}  // namespace
}  // namespace cryfttee::crypto
