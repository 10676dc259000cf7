// tee::Client that forwards every call to a cryfttee-enclave process over the enclave wire
// protocol (wire.h, wire_messages.h). This process never holds a private key: the secret of an
// import passes through once, in a buffer wiped after sending.
//
// Connections: a small pool of idle connections is reused; a call takes one (or opens one and
// greets the enclave with kHello), sends one request and reads its answer, and gives it back.
// A pooled connection the enclave closed (a restart) is noticed before reuse and dropped, so
// calls after a restart succeed without a retry. There is no background reconnect loop: the
// next call after the enclave is back simply connects.
//
// Failures: the enclave's own errors come back unchanged (keys::KeyVault codes). A refused or
// failed connection, a closed one, or no answer within `io_timeout` is "enclave_unavailable"
// (kUnavailable), returned within connect_timeout when the enclave is down; a malformed or
// mismatched answer is "enclave_protocol" and drops the connection.
//
// Thread-safe: concurrent calls use different connections.
#pragma once

#include <chrono>
#include <vector>

#include "core/mutex.h"
#include "tee/address.h"
#include "tee/client.h"
#include "tee/stream.h"
#include "tee/wire_messages.h"

namespace cryfttee::tee {

struct RemoteOptions {
  Address address;
  std::chrono::milliseconds connect_timeout{500};
  // A BLS signature takes ~1 ms and an EIP-2335 import with heavy scrypt about a second: ten
  // seconds is only reached when the enclave hangs.
  std::chrono::milliseconds io_timeout{10'000};
  size_t max_idle_connections = 16;
};

class RemoteClient final : public Client {
 public:
  explicit RemoteClient(RemoteOptions options);

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

  // A kKms* request (tee/extension.h): `payload` as the enclave's handler defines it; returns
  // its answer payload. Same connections, framing and failures as every other call
  // ("enclave_unavailable" while the enclave is down, the handler's own errors unchanged).
  Result<Bytes> CallKms(wire::Op op, ByteSpan payload);

 private:
  struct Conn {
    UniqueFd fd;
    uint32_t next_id = 1;
  };

  // Sends `request` and returns the answer's payload (to be decoded by the caller).
  // `sensitive`: the encoded request holds a secret and is wiped after sending.
  Result<Bytes> Call(const wire::Request& request, bool sensitive = false);
  Result<Bytes> Exchange(Conn& conn, wire::Op op, Bytes& payload, bool sensitive);
  Result<std::unique_ptr<Conn>> Take();
  void Give(std::unique_ptr<Conn> conn);

  const RemoteOptions options_;
  Mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_ GUARDED_BY(mu_);
};

}  // namespace cryfttee::tee
