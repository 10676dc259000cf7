// The node's own record of which keys are "ours" (seed binary-attestation.md, "Cryftgo Stores
// Locally"): one small text file per value in a state directory, each written atomically with
// mode 0600, so a crash leaves the previous value or the new one, never half a key.
//
//   <dir>/bls_pubkey              "0x…" BLS public key
//   <dir>/tls_pubkey              "0x…" TLS public key
//   <dir>/node_id                 "NodeID-…"
//   <dir>/tls_certificate.pem     the staking certificate the node ID was derived from, when known
#pragma once

#include <string>

#include "core/status.h"

namespace cryfttee::client {

inline constexpr const char* kBlsPubkeyFile = "bls_pubkey";
inline constexpr const char* kTlsPubkeyFile = "tls_pubkey";
inline constexpr const char* kNodeIdFile = "node_id";
inline constexpr const char* kTlsCertificateFile = "tls_certificate.pem";

struct SavedIdentity {
  std::string bls_pubkey;  // empty when never saved
  std::string tls_pubkey;
  std::string node_id;
  std::string tls_certificate_pem;
};

class NodeStateDir {
 public:
  explicit NodeStateDir(std::string dir) : dir_(std::move(dir)) {}

  // Creates the directory (mode 0700) if missing. Code "io_error".
  Status Ensure() const;
  // Missing files read as empty. Codes "io_error", "file_too_large".
  Result<SavedIdentity> Load() const;
  // Writes "<value>\n" atomically with mode 0600. Code "io_error".
  Status Save(const std::string& file_name, const std::string& value) const;

  std::string PathOf(const std::string& file_name) const { return dir_ + "/" + file_name; }
  const std::string& dir() const { return dir_; }

 private:
  Result<std::string> ReadValue(const std::string& file_name) const;
  std::string dir_;
};

}  // namespace cryfttee::client
