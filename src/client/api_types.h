// Typed requests and answers of the daemon's /v1 API, as the node sees them (docs/api.md).
// Every answer also keeps the raw JSON, so callers can reach fields this version does not model.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::client {

using Json = nlohmann::json;

struct Attestation {
  std::string core_binary_hash;
  std::string binary_hash_source;  // "parent" or "self"
  std::string manifest_hash;
  std::map<std::string, std::string> module_hashes;
  std::vector<std::string> loaded_modules;
  std::string cryfttee_version;
  std::string timestamp;
  std::string nonce;
  std::string nonce_binding;
  Json raw;
};

struct HeartbeatRequest {
  std::string cryftgo_version;
  std::string node_id;
  int64_t timestamp_ms = 0;  // 0: the client fills in the send time
};

struct HeartbeatAck {
  bool acknowledged = false;
  std::string cryfttee_version;
  bool signer_ready = false;
  int64_t timestamp_ms = 0;   // the daemon's clock
  int64_t round_trip_ms = 0;  // measured by the client
  Json raw;
};

struct ConnectionStatus {
  bool connected = false;
  std::string transport;
  std::string endpoint;
  std::string last_seen;
  std::string last_heartbeat;
  int64_t latency_ms = 0;
  std::string cryftgo_version;
  std::string cryftgo_node_id;
  int64_t request_count = 0;
  int64_t error_count = 0;
  int64_t heartbeat_count = 0;
  std::string last_error;
  bool signer_ready = false;
  std::string signer_module_id;
  Json raw;
};

struct ModuleStatus {
  std::string id;
  std::string version;
  bool loaded = false;
  bool enabled = false;
  std::vector<std::string> capabilities;
  bool HasCapability(const std::string& name) const;
};

struct KeyInfo {
  bool available = false;
  std::string public_key;
  std::string key_handle;
  std::string certificate;  // TLS: the certificate stored with the key (PEM), "" if none
  std::string node_id;      // TLS: the daemon's NodeID of that certificate
};

struct StakingStatus {
  std::string cryfttee_version;
  int64_t uptime_seconds = 0;
  bool ready = false;
  std::string reason;
  std::vector<ModuleStatus> modules;
  std::map<std::string, std::string> defaults;  // "bls"/"tls" -> module id
  KeyInfo bls_key;
  KeyInfo tls_key;
  std::vector<std::string> bls_pubkeys;
  std::vector<std::string> tls_pubkeys;
  std::vector<std::string> capabilities;
  std::string module_version;
  std::string web3signer_url;
  bool web3signer_connected = false;
  Json raw;

  // The module serving bls_sign: the daemon's default for "bls" when that one is loaded and
  // enabled, else (older daemons) the first loaded and enabled module that offers bls_sign.
  const ModuleStatus* SignerModule() const;
  // The seed's readiness rule (binary-attestation.md VerifySignerReady): a signer module, the
  // daemon's own "ready", and, when the daemon uses a Web3Signer, "web3signer_connected".
  // Fills `why` when not ready.
  bool SignerReady(std::string* why) const;
};

// mode 0 generates, 1 imports key_material (raw bytes, or an EIP-2335 keystore with password).
struct BlsRegisterRequest {
  int mode = 0;
  Bytes key_material;  // import only; wiped from the request body after sending
  std::string password;
  std::string module_id;  // empty: the daemon's default for "bls"
};

struct TlsRegisterRequest {
  int mode = 0;
  std::string key_type;  // "secp256k1" (daemon default) or "p256"
  Bytes key_material;
  std::string csr_pem;
  std::string module_id;
};

struct RegisterResult {
  std::string public_key;  // "0x…"
  std::string key_handle;
  std::string key_type;
  std::string certificate;  // TLS only: PEM
  std::string node_id;      // TLS only: as the daemon computed it
  Json raw;
};

// Names the key by key_handle (canonical) or, when that is empty, by public key.
struct BlsSignRequest {
  std::string key_handle;
  std::string pubkey;
  Bytes message;
  std::string type;  // optional, e.g. "PROOF_OF_POSSESSION"
  std::string module_id;
};

struct TlsSignRequest {
  std::string key_handle;
  std::string pubkey;
  Bytes digest;  // 32 bytes
  std::string algorithm = "ecdsa-sha256";
  std::string format;  // "" (DER) or "compact"
  std::string module_id;
};

struct SignResult {
  Bytes signature;
  Json raw;
};

// One entry of GET /v1/staking/keys (public data only).
struct KeyListEntry {
  std::string key_handle;
  std::string key_type;  // "bls", "secp256k1", "p256"
  std::string public_key;
  std::string label;
  std::string created;
  int64_t sign_count = 0;
  std::string certificate;  // TLS: the certificate stored with the key (PEM), "" if none
  std::string node_id;
};

struct StatusPanel {
  std::string module_id;
  std::string module_version;
  std::string title;
  Json sections = Json::array();
  Json raw;
};

// Parsers. They never throw; a field of the wrong type is "bad_response".
Result<Attestation> ParseAttestation(const Json& j);
Result<HeartbeatAck> ParseHeartbeatAck(const Json& j);
Result<ConnectionStatus> ParseConnectionStatus(const Json& j);
Result<StakingStatus> ParseStakingStatus(const Json& j);
Result<RegisterResult> ParseRegisterResult(const Json& j);
Result<SignResult> ParseSignResult(const Json& j);
Result<StatusPanel> ParseStatusPanel(const Json& j);
Result<std::vector<KeyListEntry>> ParseKeyList(const Json& j);

// Public keys compare as lower-case hex with a "0x" prefix (the daemon writes them that way; a
// saved file or an operator may not).
std::string NormalizePublicKey(const std::string& text);

}  // namespace cryfttee::client
