#include "crypto/x509.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "crypto/ec_evp.h"
#include "crypto/random.h"

namespace cryfttee::crypto {
namespace {

using internal::BioPtr;
using internal::EvpPkeyPtr;
using internal::OpenSslFailure;
using internal::X509Ptr;
using internal::X509ReqPtr;

constexpr size_t kMaxPemSize = 64 * 1024;
constexpr int64_t kAvalancheNotBefore = 946598400;  // 1999-12-31T00:00:00Z

int64_t HundredYearsFromNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  tm.tm_year += 100;
  return static_cast<int64_t>(timegm(&tm));
}

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return OpenSslFailure("certificate_failure", "building extension");
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return OpenSslFailure("certificate_failure", "adding extension");
  return Status::Ok();
}

Status SetCommonName(X509_NAME* name, const std::string& cn) {
  if (cn.empty() || cn.size() > 64) {
    return Status::InvalidArgument("invalid_common_name", "common name must be 1-64 bytes");
  }
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.data()),
                                 static_cast<int>(cn.size()), -1, 0) != 1) {
    return Status::InvalidArgument("invalid_common_name", "common name rejected");
  }
  return Status::Ok();
}

Status SetSerialAndValidity(X509* cert, const CertificateOptions& options) {
  if (X509_set_version(cert, X509_VERSION_3) != 1) {
    return OpenSslFailure("certificate_failure", "setting version");
  }
  // RFC 5280: positive, at most 20 octets. Random so two certificates never share one.
  uint8_t serial[16];
  CRYFTTEE_RETURN_IF_ERROR(RandomBytes(serial));
  serial[0] &= 0x7f;
  serial[0] |= 0x01;  // non-zero leading byte keeps the length fixed
  internal::BignumPtr bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return OpenSslFailure("certificate_failure", "setting serial");
  }
  int64_t not_before = options.not_before.value_or(kAvalancheNotBefore);
  int64_t not_after = options.not_after.value_or(HundredYearsFromNow());
  if (not_after <= not_before) {
    return Status::InvalidArgument("invalid_validity", "not_after must be after not_before");
  }
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(not_after))) {
    return OpenSslFailure("certificate_failure", "setting validity");
  }
  return Status::Ok();
}

Status AddLeafExtensions(X509* cert, X509* issuer) {
  CRYFTTEE_RETURN_IF_ERROR(AddExtension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  return AddExtension(cert, issuer, NID_key_usage, "critical,digitalSignature");
}

Result<Certificate> SignAndEncode(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) {
    return OpenSslFailure("certificate_failure", "signing certificate");
  }
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return OpenSslFailure("certificate_failure", "encoding certificate");
  Certificate out;
  out.der.assign(der, der + len);
  OPENSSL_free(der);
  out.pem = CertificatePemFromDer(out.der);
  return out;
}

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

Result<Certificate> CreateSelfSignedCertificate(EcCurve curve, ByteSpan secret,
                                                const CertificateOptions& options) {
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr key, internal::EcPrivateKeyToEvp(curve, secret));
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslFailure("certificate_failure", "allocating certificate");
  CRYFTTEE_RETURN_IF_ERROR(SetSerialAndValidity(cert.get(), options));
  CRYFTTEE_RETURN_IF_ERROR(SetCommonName(X509_get_subject_name(cert.get()), options.common_name));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslFailure("certificate_failure", "setting issuer and key");
  }
  CRYFTTEE_RETURN_IF_ERROR(AddLeafExtensions(cert.get(), cert.get()));
  return SignAndEncode(cert.get(), key.get());
}

Result<Certificate> IssueCertificateFromCsr(EcCurve curve, ByteSpan secret,
                                            std::string_view csr_pem,
                                            const CertificateOptions& options) {
  if (csr_pem.empty() || csr_pem.size() > kMaxPemSize) {
    return Status::InvalidArgument("invalid_csr", "csr_pem is empty or larger than 64 KiB");
  }
  BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
  X509ReqPtr req(bio ? PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!req) {
    ERR_clear_error();
    return Status::InvalidArgument("invalid_csr", "csr_pem is not a PEM CERTIFICATE REQUEST");
  }
  EVP_PKEY* subject_key = X509_REQ_get0_pubkey(req.get());
  if (subject_key == nullptr || X509_REQ_verify(req.get(), subject_key) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("invalid_csr", "the CSR's signature does not verify");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr key, internal::EcPrivateKeyToEvp(curve, secret));
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslFailure("certificate_failure", "allocating certificate");
  CRYFTTEE_RETURN_IF_ERROR(SetSerialAndValidity(cert.get(), options));
  internal::Deleter<X509_NAME_free> free_name;
  std::unique_ptr<X509_NAME, decltype(free_name)> issuer(X509_NAME_new());
  if (!issuer) return OpenSslFailure("certificate_failure", "allocating name");
  CRYFTTEE_RETURN_IF_ERROR(SetCommonName(issuer.get(), options.common_name));
  if (X509_set_subject_name(cert.get(), X509_REQ_get_subject_name(req.get())) != 1 ||
      X509_set_issuer_name(cert.get(), issuer.get()) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return OpenSslFailure("certificate_failure", "copying the CSR's subject and key");
  }
  CRYFTTEE_RETURN_IF_ERROR(AddLeafExtensions(cert.get(), nullptr));
  return SignAndEncode(cert.get(), key.get());
}

Result<Bytes> CertificateDerFromPem(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPemSize) {
    return Status::InvalidArgument("invalid_certificate", "PEM is empty or larger than 64 KiB");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (!bio || PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("invalid_certificate", "no PEM block found");
  }
  bool is_cert = std::string_view(name) == "CERTIFICATE";
  Bytes der(data, data + len);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (!is_cert) {
    return Status::InvalidArgument("invalid_certificate", "PEM block is not a CERTIFICATE");
  }
  return der;
}

std::string CertificatePemFromDer(ByteSpan der) {
  std::string b64 = Base64Encode(der);
  std::string out = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out.push_back('\n');
  }
  out += "-----END CERTIFICATE-----\n";
  return out;
}

Result<CertificateInfo> ParseCertificate(ByteSpan der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) {
    ERR_clear_error();
    return Status::InvalidArgument("invalid_certificate", "not a single DER X.509 certificate");
  }
  CertificateInfo info;
  info.subject = NameToString(X509_get_subject_name(cert.get()));
  info.issuer = NameToString(X509_get_issuer_name(cert.get()));
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key != nullptr) {
    info.self_signed = X509_verify(cert.get(), key) == 1;
    auto ec = internal::EcPublicKeyFromEvp(key);
    if (ec.ok()) {
      info.key_supported = true;
      info.curve = ec->curve;
      info.public_key = std::move(ec->compressed);
    }
  }
  ERR_clear_error();
  return info;
}

bool CertificateSignedBy(ByteSpan der, EcCurve curve, ByteSpan public_key) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  auto key = internal::EcPublicKeyToEvp(curve, public_key);
  bool ok = cert && key.ok() && X509_verify(cert.get(), key->get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace cryfttee::crypto
