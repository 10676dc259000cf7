#include "crypto/x509.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>

#include "core/sha256.h"
#include "crypto/node_id.h"
#include "openssl_oracle.h"

namespace cryfttee::crypto {
namespace {

struct Parsed {
  X509* cert = nullptr;
  ~Parsed() { X509_free(cert); }
};

void ParseWithOpenSsl(const Bytes& der, Parsed& out) {
  const unsigned char* p = der.data();
  out.cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

class X509Test : public ::testing::TestWithParam<EcCurve> {};

TEST_P(X509Test, SelfSignedCertificateParsesBackAndFollowsTheNodeIdRule) {
  EcCurve curve = GetParam();
  auto secret = EcGenerateSecretKey(curve);
  ASSERT_TRUE(secret.ok());
  auto pk = EcPublicKey(curve, secret->span());
  ASSERT_TRUE(pk.ok());
  CertificateOptions options;
  options.common_name = "cryfttee-test";
  auto cert = CreateSelfSignedCertificate(curve, secret->span(), options);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  // AvalancheGo's staking parser caps certificates at 2048 bytes of DER.
  EXPECT_LE(cert->der.size(), 2048u);

  auto der = CertificateDerFromPem(cert->pem);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, cert->der);

  auto info = ParseCertificate(cert->der);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->key_supported);
  EXPECT_EQ(info->curve, curve);
  EXPECT_EQ(info->public_key, *pk);
  EXPECT_TRUE(info->self_signed);
  EXPECT_EQ(info->subject, "CN=cryfttee-test");
  EXPECT_EQ(info->issuer, "CN=cryfttee-test");

  // Independent checks with raw OpenSSL: signature, SPKI point is uncompressed (AvalancheGo's
  // staking parser requires 0x04||X||Y), v3, validity as AvalancheGo sets it.
  Parsed parsed;
  ParseWithOpenSsl(cert->der, parsed);
  ASSERT_NE(parsed.cert, nullptr);
  EVP_PKEY* oracle_key =
      testing::OraclePublicKey(curve == EcCurve::kSecp256k1 ? "secp256k1" : "prime256v1", *pk);
  ASSERT_NE(oracle_key, nullptr);
  EXPECT_EQ(X509_verify(parsed.cert, oracle_key), 1);
  EVP_PKEY_free(oracle_key);
  EXPECT_EQ(X509_get_version(parsed.cert), X509_VERSION_3);
  const unsigned char* spki_point = nullptr;
  int spki_len = 0;
  ASSERT_EQ(X509_PUBKEY_get0_param(nullptr, &spki_point, &spki_len, nullptr,
                                   X509_get_X509_PUBKEY(parsed.cert)),
            1);
  ASSERT_EQ(spki_len, 65);
  EXPECT_EQ(spki_point[0], 0x04);
  EXPECT_EQ(X509_get_signature_nid(parsed.cert), NID_ecdsa_with_SHA256);
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(parsed.cert)), 1);
  EXPECT_GT(days, 99 * 365);
  EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(parsed.cert), nullptr), -1);

  // NodeID = RIPEMD-160(SHA-256(DER)), computed here step by step and through the API.
  auto ripemd = Ripemd160(Sha256(cert->der));
  ASSERT_TRUE(ripemd.ok());
  auto id = NodeIdFromCertificateDer(cert->der);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, *ripemd);
  std::string text = FormatNodeId(*id);
  EXPECT_TRUE(text.starts_with("NodeID-"));
  auto parsed_id = ParseNodeId(text);
  ASSERT_TRUE(parsed_id.ok());
  EXPECT_EQ(*parsed_id, *id);
}

TEST_P(X509Test, TwoCertificatesForOneKeyHaveDistinctSerials) {
  EcCurve curve = GetParam();
  auto secret = EcGenerateSecretKey(curve);
  auto a = CreateSelfSignedCertificate(curve, secret->span(), {});
  auto b = CreateSelfSignedCertificate(curve, secret->span(), {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->der, b->der);
}

std::string MakeCsr(EVP_PKEY* key, const char* cn) {
  X509_REQ* req = X509_REQ_new();
  X509_NAME* name = X509_REQ_get_subject_name(req);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_REQ_set_pubkey(req, key);
  X509_REQ_sign(req, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_REQ_free(req);
  return pem;
}

TEST_P(X509Test, IssuesFromACsrSignedByTheVaultKey) {
  EcCurve curve = GetParam();
  auto secret = EcGenerateSecretKey(curve);
  auto issuer_pk = EcPublicKey(curve, secret->span());
  EVP_PKEY* subject = EVP_EC_gen("P-256");
  ASSERT_NE(subject, nullptr);
  std::string csr = MakeCsr(subject, "node-from-csr");
  CertificateOptions options;
  options.common_name = "cryfttee-issuer";
  auto cert = IssueCertificateFromCsr(curve, secret->span(), csr, options);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  auto info = ParseCertificate(cert->der);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->subject, "CN=node-from-csr");
  EXPECT_EQ(info->issuer, "CN=cryfttee-issuer");
  EXPECT_FALSE(info->self_signed);
  EXPECT_EQ(info->curve, EcCurve::kP256);
  EXPECT_TRUE(CertificateSignedBy(cert->der, curve, *issuer_pk));

  Parsed parsed;
  ParseWithOpenSsl(cert->der, parsed);
  ASSERT_NE(parsed.cert, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(parsed.cert), subject), 1);
  EVP_PKEY_free(subject);

  // A CSR whose signature does not verify is refused.
  std::string broken = csr;
  size_t mid = broken.find('\n', broken.size() / 2) + 1;
  broken[mid + 3] = broken[mid + 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(IssueCertificateFromCsr(curve, secret->span(), broken, options).status().code(),
            "invalid_csr");
  EXPECT_EQ(IssueCertificateFromCsr(curve, secret->span(), "garbage", options).status().code(),
            "invalid_csr");
  EXPECT_EQ(IssueCertificateFromCsr(curve, secret->span(), cert->pem, options).status().code(),
            "invalid_csr");
}

INSTANTIATE_TEST_SUITE_P(Curves, X509Test, ::testing::Values(EcCurve::kSecp256k1, EcCurve::kP256),
                         [](const auto& info) { return std::string(EcCurveName(info.param)); });

TEST(X509, BadInputsAreErrors) {
  EXPECT_EQ(CertificateDerFromPem("").status().code(), "invalid_certificate");
  EXPECT_EQ(CertificateDerFromPem("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n").status().code(),
            "invalid_certificate");
  EXPECT_EQ(ParseCertificate(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).status().code(),
            "invalid_certificate");
  auto secret = EcGenerateSecretKey(EcCurve::kP256);
  CertificateOptions bad;
  bad.common_name = "";
  EXPECT_EQ(CreateSelfSignedCertificate(EcCurve::kP256, secret->span(), bad).status().code(),
            "invalid_common_name");
  CertificateOptions inverted;
  inverted.not_before = 2000000000;
  inverted.not_after = 1000000000;
  EXPECT_EQ(CreateSelfSignedCertificate(EcCurve::kP256, secret->span(), inverted).status().code(),
            "invalid_validity");
  EXPECT_EQ(CreateSelfSignedCertificate(EcCurve::kP256, Bytes(32, 0), {}).status().code(),
            "invalid_secret_key");
}

}  // namespace
}  // namespace cryfttee::crypto
