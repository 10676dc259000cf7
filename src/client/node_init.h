// The node's identity initialisation (seed binary-attestation.md InitializeNode/InitKeys, with
// the integration seed's WaitForSignerModule): check attestation, wait for the signer, decide
// per key type with the key-state table, generate through the register endpoints when needed,
// and record the public keys and node ID in the state directory.
//
// Unlike the seed, both decisions are made before anything is generated or saved: when either
// key type is in an error state (lost or mismatch), nothing changes on the daemon or on disk.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "client/api_types.h"
#include "client/cryfttee_client.h"
#include "client/key_state.h"
#include "core/status.h"

namespace cryfttee::client {

struct NodeInitOptions {
  std::string state_dir;
  std::string expected_hash;  // "sha256:…"; empty: attestation is fetched but not pinned
  std::chrono::milliseconds signer_timeout{30'000};
  std::string tls_key_type;  // "" (daemon default, secp256k1) or "p256"
  // The audit trail, one line per step (the seed logs every step).
  std::function<void(const std::string&)> log;
};

struct KeyOutcome {
  KeyAction action = KeyAction::kGenerate;
  std::string public_key;
  std::string key_handle;  // empty when the daemon does not report one (sign by public key)
};

struct NodeIdentity {
  KeyOutcome bls;
  KeyOutcome tls;
  // AvalancheGo's NodeID of the TLS certificate: the registration's, the saved one's, or for an
  // adopted key the one the daemon stored with it. Empty when no certificate is known (a key
  // stored without one; node_id_source says where a non-empty one came from).
  std::string node_id;
  std::string node_id_source;  // "certificate" (computed here) or "saved"
  std::string certificate_pem;
  std::string signer_module_id;
  Attestation attestation;
};

// Codes (besides the client's): "binary_hash_mismatch", "nonce_mismatch", "signer_not_ready",
// "key_lost", "key_mismatch" (both kFailedPrecondition; the message names the key type and keys),
// "node_id_mismatch" (the daemon's node_id differs from the one its certificate gives).
Result<NodeIdentity> InitializeNode(CryftteeClient& client, const NodeInitOptions& options);

}  // namespace cryfttee::client
