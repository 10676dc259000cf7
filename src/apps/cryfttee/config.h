// Daemon configuration. Precedence, lowest to highest: built-in defaults < TOML file (--config)
// < CRYFTTEE_* environment variables < command-line flags. Every setting remembers where its
// value came from, so a bad value is reported as e.g.
//   invalid api_transport "tcp" (from env CRYFTTEE_API_TRANSPORT): must be uds, http or https
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace cryfttee::app {

struct Config {
  std::string module_dir;
  std::string manifest_path;
  std::string trust_config;
  std::string ui_dir;
  std::string api_transport = "uds";
  std::string uds_path = "/var/run/cryfttee.sock";
  std::string http_addr;  // resolved from the transport when unset
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string kiosk_addr = "127.0.0.1:323";     // "off" disables the kiosk
  std::string kiosk_hosts;                      // extra allowed Host names, comma-separated
  std::string metrics_addr = "127.0.0.1:9323";  // "" disables the Prometheus listener
  std::string data_dir = "/var/lib/cryfttee";
  std::string seal_password_file;
  // Where the keys live: empty = a vault in this process (the embedded default); else the
  // cryfttee-enclave to use, "unix:PATH" or "vsock://CID:PORT" (this process then holds no key).
  std::string enclave_addr;
  std::string quote_provider = "none";  // in-process mode: none | tdx | sev-snp | nitro | auto
  std::string web3signer_url;
  std::string web3signer_ca_file;            // PEM CA bundle for an https Web3Signer
  std::string web3signer_vault_copy = "on";  // keep a sealed copy of imported keys: on | off
  std::string default_bls_module;  // empty: web3signer_v1 when a URL is set, else the manifest's
  std::string rpcsigner_addr;      // "" or "off": no gRPC signer (docs/rpcsigner.md)
  std::string rpcsigner_key;       // key handle; "" = the vault's oldest BLS key
  std::string rpcsigner_tls_cert;
  std::string rpcsigner_tls_key;
  std::string rpcsigner_tls_client_ca;
  std::string audit_log;                     // "" = <data_dir>/audit.log; "off" = none
  std::string audit_log_fsync = "interval";  // always | interval | never
  std::string allowed_uids;                  // comma list of names or numbers; "" = anyone
  std::string allowed_gids;
  // KMS operator mode ([kms] in TOML, docs/threshold.md "Operator guide"): off while
  // kms_listen_addr is empty.
  std::string kms_listen_addr;        // protocol API (TCP host:port; port 0 = any free port)
  std::string kms_operator_id;        // this operator's id in the peering file
  std::string kms_advertise_url;      // base URL peers use (default http://<bound listen address>)
  std::string kms_peering_file;       // JSON operator set, re-read at every interval boundary
  std::string kms_interval = "10m";   // "10m", "2m", "30s", down to "2s" (development)
  std::string kms_threshold = "2/3";  // t = floor(n * num / den) + 1, at least 2
  std::string kms_scheme = "pedersen";  // pedersen | feldman
  // Test-only: a misbehaving dealer ("invalid_share" | "equivocate") for the fraud tests;
  // refused unless CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR=1 is in the environment.
  std::string kms_test_misbehaviour;
  int64_t kms_interval_ms = 0;  // derived from kms_interval by ValidateConfig
  uint32_t kms_threshold_numerator = 2, kms_threshold_denominator = 3;  // derived
  bool kms_test_allowed = false;  // derived from the environment by LoadConfig
  std::string log_format = "human";
  std::string log_level = "info";
  int64_t connected_window_seconds = 15;
  int64_t max_body_bytes = 1 << 20;
  int64_t read_timeout_ms = 10'000;
  int64_t shutdown_grace_seconds = 10;
  int64_t worker_threads = 0;              // 0 = one per core
  int64_t web3signer_timeout_ms = 10'000;  // a forwarded sign, in all (never retried)
  int64_t audit_log_max_bytes = 64 << 20;  // rotate before the file grows past this
  int64_t audit_log_keep = 5;              // rotated files kept

  // setting name -> "default" | "config file PATH" | "env CRYFTTEE_X" | "flag --x"
  std::map<std::string, std::string> sources;
  bool IsExplicit(const std::string& name) const;
  bool KmsEnabled() const { return !kms_listen_addr.empty() && kms_listen_addr != "off"; }
};

// "10m", "30s", "2s", "1h" or a bare number of seconds -> milliseconds; 0 when malformed.
int64_t ParseIntervalMillis(const std::string& text);

// Where the defaults for module_dir, trust_config and ui_dir are rooted: the directory above the
// executable's (an install tree or the build tree: bin/, modules/, config/, ui/).
std::string DefaultShareDir(const std::string& exe_path);

// Loads the configuration from argv and `env` (pass environ-derived pairs). `--help` and
// `--version` are reported through `exit_requested` with their text in `message`.
struct LoadOutcome {
  bool exit_requested = false;
  int exit_code = 0;
  std::string message;
};
Result<Config> LoadConfig(int argc, const char* const* argv,
                          const std::map<std::string, std::string>& env,
                          const std::string& share_dir, LoadOutcome* outcome);

// Checks every value (enums, addresses, numbers, paths that must exist) and fills derived
// defaults. Each error names the setting and its source.
Status ValidateConfig(Config* config);

std::map<std::string, std::string> EnvironmentMap(char** envp);

}  // namespace cryfttee::app
