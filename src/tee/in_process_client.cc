#include "tee/in_process_client.h"

#include "crypto/eip2335.h"
#include "keys/key_material.h"
#include "tee/wire.h"

namespace cryfttee::tee {

InProcessClient::InProcessClient(std::shared_ptr<keys::KeyVault> vault,
                                 std::shared_ptr<QuoteProvider> quotes)
    : vault_(std::move(vault)), quotes_(std::move(quotes)) {}

Result<EnclaveInfo> InProcessClient::Hello() {
  EnclaveInfo info;
  info.protocol_version = wire::kProtocolVersion;
  info.seal_source = std::string(keys::SealSourceName(vault_->seal_source()));
  info.quote_provider = std::string(quotes_->name());
  info.key_count = static_cast<uint32_t>(vault_->List().size());
  return info;
}

Result<keys::KeyInfo> InProcessClient::Generate(keys::KeyType type, std::string_view label) {
  return vault_->Generate(type, label);
}

Result<keys::KeyInfo> InProcessClient::Import(keys::KeyType type, ByteSpan secret,
                                              std::string_view label) {
  return vault_->Import(type, secret, label);
}

Result<keys::KeyInfo> InProcessClient::ImportEip2335(std::string_view keystore_json,
                                                     std::string_view password,
                                                     std::string_view label) {
  return vault_->ImportEip2335(keystore_json, password, label);
}

Result<KeystoreExport> InProcessClient::ExportEip2335(std::string_view handle,
                                                      std::string_view password,
                                                      uint32_t pbkdf2_iterations) {
  if (pbkdf2_iterations < kMinExportIterations || pbkdf2_iterations > kMaxExportIterations ||
      password.empty()) {
    return Status::InvalidArgument("invalid_argument",
                                   "an export needs a password and PBKDF2 iterations in [" +
                                       std::to_string(kMinExportIterations) + ", " +
                                       std::to_string(kMaxExportIterations) + "]");
  }
  crypto::Eip2335EncryptOptions options;
  options.kdf = crypto::Eip2335Kdf::kPbkdf2;
  options.pbkdf2_iterations = pbkdf2_iterations;
  options.description = "exported by cryfttee";
  KeystoreExport out;
  if (!handle.empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(keys::KeyInfo key, vault_->Get(handle));
    CRYFTTEE_ASSIGN_OR_RETURN(out.keystore, vault_->ExportEip2335(handle, password, options));
    out.public_key = std::move(key.public_key);
    return out;
  }
  // A fresh key lives only in this wiped buffer and in the keystore.
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, keys::GenerateSecret(keys::KeyType::kBls));
  CRYFTTEE_ASSIGN_OR_RETURN(out.public_key, keys::PublicKeyOf(keys::KeyType::kBls, secret.span()));
  CRYFTTEE_ASSIGN_OR_RETURN(
      out.keystore, crypto::Eip2335Encrypt(secret.span(), out.public_key, password, options));
  return out;
}

Result<keys::KeyInfo> InProcessClient::Get(std::string_view handle) { return vault_->Get(handle); }

Result<keys::KeyInfo> InProcessClient::FindByPublicKey(ByteSpan public_key) {
  return vault_->FindByPublicKey(public_key);
}

Result<std::vector<keys::KeyInfo>> InProcessClient::List() { return vault_->List(); }

Result<Bytes> InProcessClient::SignBls(std::string_view handle, ByteSpan message,
                                       keys::BlsDst dst) {
  return vault_->SignBls(handle, message, dst);
}

Result<Bytes> InProcessClient::ProveBlsPossession(std::string_view handle) {
  return vault_->ProveBlsPossession(handle);
}

Result<crypto::EcdsaSignature> InProcessClient::SignEcdsaDigest(std::string_view handle,
                                                                ByteSpan digest) {
  return vault_->SignEcdsaDigest(handle, digest);
}

Result<crypto::Certificate> InProcessClient::CreateSelfSignedCertificate(
    std::string_view handle, const crypto::CertificateOptions& options) {
  return vault_->CreateSelfSignedCertificate(handle, options);
}

Result<keys::TlsRegistration> InProcessClient::RegisterTls(
    keys::KeyType type, ByteSpan secret, std::string_view label, std::string_view csr_pem,
    const crypto::CertificateOptions& options) {
  return vault_->RegisterTls(type, secret, label, csr_pem, options);
}

Result<crypto::Certificate> InProcessClient::IssueCertificate(
    std::string_view handle, std::string_view csr_pem, const crypto::CertificateOptions& options) {
  return vault_->IssueCertificate(handle, csr_pem, options);
}

Result<Quote> InProcessClient::GetQuote(ByteSpan report_data) {
  if (report_data.size() != wire::kReportDataSize) {
    return Status::InvalidArgument("invalid_report_data", "report data is exactly 64 bytes");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes evidence, quotes_->GetQuote(report_data));
  return Quote{std::string(quotes_->name()), Bytes(report_data.begin(), report_data.end()),
               std::move(evidence)};
}

Connection InProcessClient::Probe() { return Connection{"in_process", true, ""}; }

std::shared_ptr<Client> MakeInProcessClient(std::shared_ptr<keys::KeyVault> vault,
                                            std::shared_ptr<QuoteProvider> quotes) {
  if (!quotes) quotes = std::move(MakeQuoteProvider("none")).value();
  return std::make_shared<InProcessClient>(std::move(vault), std::move(quotes));
}

}  // namespace cryfttee::tee
