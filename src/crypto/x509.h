// X.509 certificates for ECDSA staking keys (secp256k1 or P-256), via OpenSSL.
//
// The signing key is a parameter: crypto/ never stores keys. The key vault (keys/) calls these
// with a secret it unseals for the call and wipes afterwards, so certificate creation never needs
// the private key outside the vault.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/ecdsa.h"

namespace cryfttee::crypto {

struct CertificateOptions {
  // Subject CN of a self-signed certificate; issuer CN of one issued from a CSR.
  std::string common_name = "cryfttee";
  // Unix seconds. Defaults follow AvalancheGo staking/tls.go: not before 1999-12-31T00:00:00Z
  // (so clock skew never makes a new certificate invalid), not after now + 100 years.
  std::optional<int64_t> not_before;
  std::optional<int64_t> not_after;
};

struct Certificate {
  Bytes der;
  std::string pem;
};

// Version 3, random positive 128-bit serial, ecdsa-with-SHA256, basicConstraints CA:FALSE
// (critical) and keyUsage digitalSignature (critical), as AvalancheGo generates them.
Result<Certificate> CreateSelfSignedCertificate(EcCurve curve, ByteSpan secret,
                                                const CertificateOptions& options);

// Issues a certificate for the CSR's subject and public key, signed by the given key. The CSR's
// own signature must verify (code "invalid_csr" otherwise); its requested extensions are not
// copied: the issuer sets the same extensions as for a self-signed certificate.
Result<Certificate> IssueCertificateFromCsr(EcCurve curve, ByteSpan secret,
                                            std::string_view csr_pem,
                                            const CertificateOptions& options);

// The exact DER bytes inside a PEM "CERTIFICATE" block. Code "invalid_certificate".
Result<Bytes> CertificateDerFromPem(std::string_view pem);
std::string CertificatePemFromDer(ByteSpan der);

struct CertificateInfo {
  std::string subject;  // one-line RFC 2253 form
  std::string issuer;
  // Set when the subject key is ECDSA on secp256k1 or P-256; otherwise key_supported is false.
  bool key_supported = false;
  EcCurve curve = EcCurve::kP256;
  Bytes public_key;  // compressed
  // True when the certificate's signature verifies under its own subject key.
  bool self_signed = false;
};

// Parses a DER certificate (the whole input must be one certificate). Code "invalid_certificate".
Result<CertificateInfo> ParseCertificate(ByteSpan der);
// True when the certificate's signature verifies under the given EC public key.
bool CertificateSignedBy(ByteSpan der, EcCurve curve, ByteSpan public_key);

}  // namespace cryfttee::crypto
