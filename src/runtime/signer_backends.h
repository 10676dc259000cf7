// SignerBackends: the one path by which the API learns which keys can be used, who holds each,
// and whether signing works. Keys and readiness come from the backend that serves them, never
// from whichever store happens to be at hand:
//
//   - BLS keys come from the backend of the default BLS module. For web3signer_v1 that is
//     Web3Signer's own key list (Web3SignerMonitor); a key that also has a sealed copy in the
//     vault says so (vault_copy, key_handle), which is what lets it sign raw messages. For a
//     vault-backed module (bls_tls_signer_v1) it is the vault's BLS keys.
//   - TLS keys come from the vault (every TLS module is vault-backed).
//   - The vault is reached through tee::Client: in this process, or in a cryfttee-enclave. While
//     a remote enclave does not answer, the vault's key lists are empty and `keys` says so.
//   - `ready` (BLS signing) needs the default BLS module loaded and, for web3signer_v1,
//     Web3Signer connected, for a vault-backed module the key side answering; capabilities
//     follow the same facts.
//
// Threading: View() may be called from any thread; it reads the registry's current snapshot,
// the key side and the monitor, each thread-safe. In remote mode each View() costs one round
// trip to the enclave (Probe, then List while it answers).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "keys/vault.h"
#include "runtime/module_registry.h"
#include "runtime/web3signer_monitor.h"
#include "tee/client.h"

namespace cryfttee::runtime {

inline constexpr const char* kWeb3SignerModuleId = "web3signer_v1";
inline constexpr const char* kBackendWeb3Signer = "web3signer";
inline constexpr const char* kBackendLocalVault = "local-vault";
// A KMS group key: no host holds it; signing collects t partial signatures (docs/threshold.md).
inline constexpr const char* kBackendKmsThreshold = "kms-threshold";

struct BackendKey {
  std::string key_type;     // "bls" | "secp256k1" | "p256"
  std::string public_key;   // "0x" + lower-case hex
  std::string backend;      // kBackendWeb3Signer | kBackendLocalVault
  bool vault_copy = false;  // the vault holds it (raw signing possible)
  std::string key_handle;   // the vault's handle, when vault_copy
  std::string label;
  int64_t created_at = 0;  // unix s, 0 when unknown (keys only Web3Signer holds)
  uint64_t sign_count = 0;
  int64_t last_sign_at_ms = 0;
  Bytes certificate_der;  // the key's own certificate (TLS identities), empty otherwise
  std::optional<keys::KeyThreshold> threshold;  // a KMS group key (backend kms-threshold)
};

struct SignerView {
  bool ready = false;  // BLS signing works now
  std::string module_id, module_version;
  std::string reason;  // why not ready
  bool tls_ready = false;
  bool key_generation = false;
  std::string bls_backend;  // backend of the default BLS module
  bool web3signer_configured = false;
  bool web3signer_connected = false;
  std::string web3signer_url;
  std::string web3signer_error;
  tee::Connection keys;              // how the vault is reached and whether it answers now
  std::vector<BackendKey> bls_keys;  // "the" key first: oldest vault copy, then Web3Signer's order
  std::vector<BackendKey> tls_keys;  // oldest first
};

class SignerBackends {
 public:
  // `keys` and `web3signer` may be null (no vault in bare-server tests; no URL configured).
  SignerBackends(const ModuleRegistry* registry, std::shared_ptr<tee::Client> keys,
                 std::shared_ptr<Web3SignerMonitor> web3signer);

  SignerView View() const;
  // A key was registered: backends that cache their key list re-read it now.
  void KeysChanged() const;
  Web3SignerMonitor* web3signer() const { return web3signer_.get(); }

 private:
  const ModuleRegistry* registry_;
  std::shared_ptr<tee::Client> keys_;
  std::shared_ptr<Web3SignerMonitor> web3signer_;
};

}  // namespace cryfttee::runtime
