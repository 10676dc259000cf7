#include "crypto/node_id.h"

#include <openssl/evp.h>
#include <openssl/provider.h>

#include <mutex>

#include "core/sha256.h"
#include "crypto/cb58.h"
#include "crypto/openssl_util.h"

namespace cryfttee::crypto {
namespace {

// Fetched once; EVP_MD objects are immutable and safe to share between threads.
const EVP_MD* Ripemd160Md() {
  static const EVP_MD* md = [] {
    EVP_MD* found = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    if (found == nullptr) {
      // OpenSSL 3.0.0-3.0.6 keep RIPEMD-160 only in the legacy provider. Loading it adds only
      // legacy algorithms; the default provider stays loaded and preferred.
      ERR_clear_error();
      (void)OSSL_PROVIDER_try_load(nullptr, "legacy", 1);
      found = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    }
    ERR_clear_error();
    return found;
  }();
  return md;
}

}  // namespace

Result<std::array<uint8_t, 20>> Ripemd160(ByteSpan data) {
  const EVP_MD* md = Ripemd160Md();
  if (md == nullptr) {
    return Status::Internal("ripemd160_unavailable",
                            "OpenSSL provides no RIPEMD-160 (default and legacy providers)");
  }
  std::array<uint8_t, 20> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 || len != 20) {
    return internal::OpenSslFailure("ripemd160_failure", "RIPEMD-160");
  }
  return out;
}

Result<NodeId> NodeIdFromCertificateDer(ByteSpan certificate_der) {
  if (certificate_der.empty()) {
    return Status::InvalidArgument("invalid_certificate", "empty certificate");
  }
  Sha256Digest sha = Sha256(certificate_der);
  return Ripemd160(sha);
}

std::string FormatNodeId(const NodeId& id) { return std::string(kNodeIdPrefix) + Cb58Encode(id); }

Result<NodeId> ParseNodeId(std::string_view text) {
  if (!text.starts_with(kNodeIdPrefix)) {
    return Status::InvalidArgument("invalid_node_id", "a node ID starts with \"NodeID-\"");
  }
  auto payload = Cb58Decode(text.substr(kNodeIdPrefix.size()));
  if (!payload.ok()) {
    return Status::InvalidArgument("invalid_node_id", payload.status().message());
  }
  if (payload->size() != 20) {
    return Status::InvalidArgument("invalid_node_id", "a node ID is 20 bytes");
  }
  NodeId id{};
  std::copy(payload->begin(), payload->end(), id.begin());
  return id;
}

}  // namespace cryfttee::crypto
