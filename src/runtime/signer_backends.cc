#include "runtime/signer_backends.h"

#include <map>

#include "core/bytes.h"

namespace cryfttee::runtime {
namespace {

BackendKey FromVault(const keys::KeyInfo& k) {
  BackendKey key;
  key.key_type = keys::KeyTypeName(k.type);
  key.public_key = "0x" + HexEncode(k.public_key);
  key.backend = kBackendLocalVault;
  key.vault_copy = true;
  key.key_handle = k.handle;
  key.label = k.label;
  key.created_at = k.created_at;
  key.sign_count = k.sign_count;
  key.last_sign_at_ms = k.last_sign_at.value_or(0);
  key.certificate_der = k.certificate;
  if (k.threshold) {
    key.backend = kBackendKmsThreshold;
    key.vault_copy = false;  // no secret anywhere: the handle signs through the operators
    key.threshold = k.threshold;
  }
  return key;
}

}  // namespace

SignerBackends::SignerBackends(const ModuleRegistry* registry, std::shared_ptr<tee::Client> keys,
                               std::shared_ptr<Web3SignerMonitor> web3signer)
    : registry_(registry), keys_(std::move(keys)), web3signer_(std::move(web3signer)) {}

void SignerBackends::KeysChanged() const {
  if (web3signer_) web3signer_->RefreshKeys();
}

SignerView SignerBackends::View() const {
  SignerView v;
  std::vector<keys::KeyInfo> vault_keys;
  v.keys = keys_ ? keys_->Probe() : tee::Connection{"in_process", false, ""};
  if (keys_ && v.keys.connected) {
    auto listed = keys_->List();
    if (listed.ok()) {
      vault_keys = std::move(listed).value();
    } else {
      v.keys.connected = false;  // it went away between the probe and the list
    }
  }
  Web3SignerHealth health;
  if (web3signer_) {
    health = web3signer_->Health();
    v.web3signer_configured = true;
    v.web3signer_connected = health.connected;
    v.web3signer_url = web3signer_->url();
    v.web3signer_error = health.last_error;
  }

  if (!registry_) {
    v.reason = "no module registry";
  } else if (auto target = registry_->Resolve("bls_sign"); !target.ok()) {
    v.reason = target.status().message();
  } else {
    v.module_id = target->record->entry.id;
    v.module_version = target->record->entry.version;
    v.ready = true;
  }
  const bool via_web3signer = v.module_id == kWeb3SignerModuleId;
  v.bls_backend = v.module_id.empty() ? ""
                  : via_web3signer    ? kBackendWeb3Signer
                                      : kBackendLocalVault;
  if (via_web3signer && !v.web3signer_connected) {
    v.ready = false;
    v.reason = v.web3signer_configured
                   ? "Web3Signer " + v.web3signer_url + " is not connected: " + v.web3signer_error
                   : "web3signer_v1 is the default BLS module but no --web3signer-url is set";
  }
  // A vault-backed module signs only while the key side answers (always, in process).
  // (No key side at all is a bare-server test: readiness then follows the modules alone.)
  const bool keys_up = !keys_ || v.keys.connected;
  if (!via_web3signer && v.ready && !keys_up) {
    v.ready = false;
    v.reason = "the key enclave at " + v.keys.address + " is not connected";
  }
  // Generating a key needs the register capability and, through Web3Signer, Web3Signer itself.
  v.key_generation = registry_ && registry_->Resolve("bls_register").ok() &&
                     (via_web3signer ? v.web3signer_connected : keys_up);
  v.tls_ready = registry_ && registry_->Resolve("tls_sign").ok() && keys_up;

  std::map<std::string, const keys::KeyInfo*> bls_in_vault;
  for (const keys::KeyInfo& k : vault_keys) {  // oldest first
    if (k.type == keys::KeyType::kBls) {
      bls_in_vault.emplace("0x" + HexEncode(k.public_key), &k);
    } else {
      v.tls_keys.push_back(FromVault(k));
    }
  }
  if (via_web3signer) {
    // Web3Signer's keys, the ones with a vault copy first in the vault's (creation) order so
    // "the first key" stays the same across restarts.
    std::map<std::string, bool> held;
    for (const auto& pk : health.public_keys) held[pk] = true;
    for (const keys::KeyInfo& k : vault_keys) {
      std::string pk = "0x" + HexEncode(k.public_key);
      if (k.type != keys::KeyType::kBls || !held.count(pk)) continue;
      BackendKey key = FromVault(k);
      key.backend = kBackendWeb3Signer;
      v.bls_keys.push_back(std::move(key));
    }
    for (const auto& pk : health.public_keys) {
      if (bls_in_vault.count(pk)) continue;
      BackendKey key;
      key.key_type = "bls";
      key.public_key = pk;
      key.backend = kBackendWeb3Signer;
      v.bls_keys.push_back(std::move(key));
    }
  } else {
    for (const keys::KeyInfo& k : vault_keys) {
      if (k.type == keys::KeyType::kBls) v.bls_keys.push_back(FromVault(k));
    }
  }
  return v;
}

}  // namespace cryfttee::runtime
