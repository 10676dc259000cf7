// tee::Client over a key vault in this process: the embedded default of the daemon, and the
// implementation the enclave serves to its parent. A thin adapter: every call goes to
// keys::KeyVault (vault.h has the contracts) and quotes to the QuoteProvider.
//
// Thread-safe, as the vault is.
#pragma once

#include <memory>

#include "tee/client.h"
#include "tee/quote_provider.h"

namespace cryfttee::tee {

class InProcessClient final : public Client {
 public:
  InProcessClient(std::shared_ptr<keys::KeyVault> vault, std::shared_ptr<QuoteProvider> quotes);

  Result<EnclaveInfo> Hello() override;
  Result<keys::KeyInfo> Generate(keys::KeyType type, std::string_view label) override;
  Result<keys::KeyInfo> Import(keys::KeyType type, ByteSpan secret,
                               std::string_view label) override;
  Result<keys::KeyInfo> ImportEip2335(std::string_view keystore_json, std::string_view password,
                                      std::string_view label) override;
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
  Result<KeystoreExport> ExportEip2335(std::string_view handle, std::string_view password,
                                       uint32_t pbkdf2_iterations) override;
  Result<keys::TlsRegistration> RegisterTls(keys::KeyType type, ByteSpan secret,
                                            std::string_view label, std::string_view csr_pem,
                                            const crypto::CertificateOptions& options) override;
  Result<Quote> GetQuote(ByteSpan report_data) override;
  Connection Probe() override;

 private:
  std::shared_ptr<keys::KeyVault> vault_;
  std::shared_ptr<QuoteProvider> quotes_;
};

// An InProcessClient over `vault`; a null `quotes` means the "none" provider.
std::shared_ptr<Client> MakeInProcessClient(std::shared_ptr<keys::KeyVault> vault,
                                            std::shared_ptr<QuoteProvider> quotes = nullptr);

}  // namespace cryfttee::tee
