// GroupKeyClient: the KMS group key on the one key path. It wraps the daemon's tee::Client
// (vault in process or in an enclave) and adds one BLS key that no host holds: this operator's
// threshold group key, once a DKG has produced it.
//
//   List / Get / FindByPublicKey   the vault's keys, then the group key (handle "kms-…",
//                                  threshold {t, n, version}; label "kms group key")
//   SignBls / ProveBlsPossession   for the group key: Engine::NodeSign (own partial + t-1 from
//                                  peers, each verified, Lagrange-combined, verified under the
//                                  group key), under the same DSTs as a vault key
//   everything else                the wrapped client (the group key cannot make ECDSA
//                                  signatures or certificates: "wrong_key_type")
//
// So the API's key list, status, readiness, the signer module's keyvault_sign and the gRPC
// signer all see the group key as an ordinary BLS key, and a sign with its handle returns a
// signature that verifies under it. Codes of the group-key path: Engine::NodeSign's
// ("no_group_key" 404, "threshold_unavailable" 503), "wrong_key_type".
//
// Thread-safe (the wrapped client and the engine are).
#pragma once

#include <atomic>
#include <memory>

#include "kms/engine.h"
#include "tee/client.h"

namespace cryfttee::kms {

class GroupKeyClient final : public tee::Client {
 public:
  GroupKeyClient(std::shared_ptr<tee::Client> inner, Engine* node);

  Result<tee::EnclaveInfo> Hello() override { return inner_->Hello(); }
  Result<keys::KeyInfo> Generate(keys::KeyType type, std::string_view label) override {
    return inner_->Generate(type, label);
  }
  Result<keys::KeyInfo> Import(keys::KeyType type, ByteSpan secret,
                               std::string_view label) override {
    return inner_->Import(type, secret, label);
  }
  Result<keys::KeyInfo> ImportEip2335(std::string_view keystore_json, std::string_view password,
                                      std::string_view label) override {
    return inner_->ImportEip2335(keystore_json, password, label);
  }
  Result<keys::KeyInfo> Get(std::string_view handle) override;
  Result<keys::KeyInfo> FindByPublicKey(ByteSpan public_key) override;
  Result<std::vector<keys::KeyInfo>> List() override;
  Result<Bytes> SignBls(std::string_view handle, ByteSpan message, keys::BlsDst dst) override;
  Result<Bytes> ProveBlsPossession(std::string_view handle) override;
  Result<crypto::EcdsaSignature> SignEcdsaDigest(std::string_view handle, ByteSpan digest) override;
  Result<crypto::Certificate> CreateSelfSignedCertificate(
      std::string_view handle, const crypto::CertificateOptions& options) override;
  Result<crypto::Certificate> IssueCertificate(std::string_view handle, std::string_view csr_pem,
                                               const crypto::CertificateOptions& options) override;
  // TLS identities are never group keys: straight to the inner client.
  // The group key has no secret anywhere to export: its handle is unknown to the inner client.
  Result<tee::KeystoreExport> ExportEip2335(std::string_view handle, std::string_view password,
                                            uint32_t pbkdf2_iterations) override {
    return inner_->ExportEip2335(handle, password, pbkdf2_iterations);
  }
  Result<keys::TlsRegistration> RegisterTls(keys::KeyType type, ByteSpan secret,
                                            std::string_view label, std::string_view csr_pem,
                                            const crypto::CertificateOptions& options) override {
    return inner_->RegisterTls(type, secret, label, csr_pem, options);
  }
  Result<tee::Quote> GetQuote(ByteSpan report_data) override {
    return inner_->GetQuote(report_data);
  }
  tee::Connection Probe() override { return inner_->Probe(); }

 private:
  std::optional<keys::KeyInfo> GroupKeyInfo() const;
  bool IsGroupHandle(std::string_view handle) const;
  Result<Bytes> Sign(ByteSpan message, std::string_view dst);

  const std::shared_ptr<tee::Client> inner_;
  Engine* const node_;
  std::atomic<uint64_t> sign_count_{0};
  std::atomic<int64_t> last_sign_at_ms_{0};
};

}  // namespace cryfttee::kms
