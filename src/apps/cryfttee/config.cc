#include "apps/cryfttee/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <variant>

#include "core/log.h"
#include "net/origin.h"
#include "ops/audit_log.h"
#include "tee/address.h"
#include "tee/quote_provider.h"

namespace cryfttee::app {
namespace {

namespace fs = std::filesystem;

using Member = std::variant<std::string Config::*, int64_t Config::*>;

struct Setting {
  const char* name;  // TOML key; env is CRYFTTEE_<UPPER>; flag is --<name with dashes>
  Member member;
  const char* help;
};

// The single list of settings: adding one here gives it a TOML key, an env var and a flag.
const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = {
      {"module_dir", &Config::module_dir, "directory holding module folders and manifest.json"},
      {"manifest_path", &Config::manifest_path,
       "module manifest (default <module_dir>/manifest.json)"},
      {"trust_config", &Config::trust_config, "publisher trust file (trust.toml)"},
      {"ui_dir", &Config::ui_dir, "kiosk UI static files"},
      {"api_transport", &Config::api_transport, "uds | http | https"},
      {"uds_path", &Config::uds_path, "Unix socket path for the uds transport"},
      {"http_addr", &Config::http_addr,
       "listen address for http/https (default 127.0.0.1:8787 / 127.0.0.1:8443)"},
      {"tls_cert", &Config::tls_cert, "PEM certificate chain for https"},
      {"tls_key", &Config::tls_key, "PEM private key for https"},
      {"tls_client_ca", &Config::tls_client_ca, "require client certificates from this CA (https)"},
      {"kiosk_addr", &Config::kiosk_addr, "kiosk UI listen address, or \"off\""},
      {"kiosk_hosts", &Config::kiosk_hosts, "extra Host names the kiosk accepts, comma-separated"},
      {"metrics_addr", &Config::metrics_addr,
       "Prometheus /metrics listen address (keep it on loopback), or \"\" for none"},
      {"data_dir", &Config::data_dir, "sealed key storage directory"},
      {"seal_password_file", &Config::seal_password_file, "file holding the key-sealing secret"},
      {"enclave_addr", &Config::enclave_addr,
       "keys in a cryfttee-enclave at unix:PATH or vsock://CID:PORT (default: in this process)"},
      {"quote_provider", &Config::quote_provider,
       "attestation quotes without an enclave: none | tdx | sev-snp | nitro | auto"},
      {"web3signer_url", &Config::web3signer_url,
       "Web3Signer base URL (http:// or https://); its origin is the only one modules may reach"},
      {"web3signer_ca_file", &Config::web3signer_ca_file,
       "PEM CA bundle that signs an https Web3Signer's certificate (default: system store)"},
      {"web3signer_vault_copy", &Config::web3signer_vault_copy,
       "on | off: keep a sealed copy of each BLS key imported into Web3Signer (raw signing)"},
      {"web3signer_timeout_ms", &Config::web3signer_timeout_ms,
       "how long a forwarded Web3Signer sign may take in all (1000-30000)"},
      {"default_bls_module", &Config::default_bls_module,
       "module that serves bls_* by default (default: web3signer_v1 with a Web3Signer URL)"},
      {"rpcsigner_addr", &Config::rpcsigner_addr,
       "gRPC signer (AvalancheGo remote signer) address: unix:///path or HOST:PORT; off by "
       "default"},
      {"rpcsigner_key", &Config::rpcsigner_key,
       "key handle the gRPC signer serves (default: the oldest BLS key)"},
      {"rpcsigner_tls_cert", &Config::rpcsigner_tls_cert,
       "PEM certificate chain for the gRPC signer (required off loopback)"},
      {"rpcsigner_tls_key", &Config::rpcsigner_tls_key, "PEM private key for the gRPC signer"},
      {"rpcsigner_tls_client_ca", &Config::rpcsigner_tls_client_ca,
       "require gRPC signer clients to present a certificate from this CA"},
      {"audit_log", &Config::audit_log,
       "audit log file (default <data_dir>/audit.log), or \"off\""},
      {"audit_log_max_bytes", &Config::audit_log_max_bytes,
       "rotate the audit log before it grows past this many bytes"},
      {"audit_log_keep", &Config::audit_log_keep, "rotated audit log files kept (0-100)"},
      {"audit_log_fsync", &Config::audit_log_fsync,
       "always | interval (once a second) | never: when audit lines are synced to disk"},
      {"allowed_uids", &Config::allowed_uids,
       "users (names or uids, comma-separated) allowed on the Unix socket; empty = anyone"},
      {"allowed_gids", &Config::allowed_gids,
       "groups (names or gids, comma-separated) allowed on the Unix socket; empty = anyone"},
      {"kms_listen_addr", &Config::kms_listen_addr,
       "KMS operator mode: protocol API listen address host:port ([kms] listen_addr); off when "
       "empty"},
      {"kms_operator_id", &Config::kms_operator_id,
       "this operator's id in the peering file ([kms] operator_id)"},
      {"kms_advertise_url", &Config::kms_advertise_url,
       "base URL peers reach the protocol API at (default http://<bound listen address>)"},
      {"kms_peering_file", &Config::kms_peering_file,
       "JSON operator set, re-read at every interval ([kms] peering_file)"},
      {"kms_interval", &Config::kms_interval,
       "DKG/reshare interval: 10m mainnet, 2m testnet, 30s development, at least 2s"},
      {"kms_threshold", &Config::kms_threshold,
       "threshold rule num/den: t = floor(n * num / den) + 1, at least 2 (default 2/3)"},
      {"kms_scheme", &Config::kms_scheme, "VSS scheme: pedersen (default) | feldman"},
      {"kms_test_misbehaviour", &Config::kms_test_misbehaviour,
       "TEST ONLY: invalid_share | equivocate (needs CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR=1)"},
      {"log_format", &Config::log_format, "human | json"},
      {"log_level", &Config::log_level, "trace | debug | info | warn | error | off"},
      {"connected_window_seconds", &Config::connected_window_seconds,
       "node counts as connected if it sent a heartbeat within this many seconds"},
      {"max_body_bytes", &Config::max_body_bytes, "largest accepted request body"},
      {"read_timeout_ms", &Config::read_timeout_ms, "time allowed to receive a whole request"},
      {"shutdown_grace_seconds", &Config::shutdown_grace_seconds,
       "how long in-flight requests may run after SIGTERM"},
      {"worker_threads", &Config::worker_threads, "HTTP worker threads (0 = one per core)"},
  };
  return kSettings;
}

std::string EnvName(const std::string& name) {
  std::string out = "CRYFTTEE_";
  for (char c : name) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string FlagName(const std::string& name) {
  std::string out = "--";
  for (char c : name) out += c == '_' ? '-' : c;
  return out;
}

Status BadValue(const Config& c, const std::string& name, const std::string& value,
                const std::string& why) {
  auto it = c.sources.find(name);
  std::string source = it == c.sources.end() ? "default" : it->second;
  return Status::InvalidArgument(
      "invalid_config", "invalid " + name + " \"" + value + "\" (from " + source + "): " + why);
}

Status SetFromText(Config* c, const Setting& s, const std::string& text,
                   const std::string& source) {
  c->sources[s.name] = source;
  if (auto* str = std::get_if<std::string Config::*>(&s.member)) {
    c->*(*str) = text;
    return Status::Ok();
  }
  auto num = std::get<int64_t Config::*>(s.member);
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    return BadValue(*c, s.name, text, "must be an integer");
  }
  c->*num = v;
  return Status::Ok();
}

Status ApplyToml(Config* c, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    return Status::InvalidArgument("invalid_config", "config file " + path + " line " +
                                                         std::to_string(err.source().begin.line) +
                                                         ": " + std::string(err.description()));
  }
  std::string source = "config file " + path;
  // [kms] listen_addr = ... is the setting kms_listen_addr (and so on for every kms_* key).
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : table) {
    std::string k(key.str());
    if (k == "kms" && node.is_table()) {
      for (const auto& [sub, subnode] : *node.as_table()) {
        entries.emplace_back("kms_" + std::string(sub.str()), &subnode);
      }
      continue;
    }
    entries.emplace_back(k, &node);
  }
  for (const auto& [k, node_ptr] : entries) {
    const toml::node& node = *node_ptr;
    const Setting* setting = nullptr;
    for (const Setting& s : Settings()) {
      if (k == s.name) setting = &s;
    }
    if (!setting) {
      return Status::InvalidArgument("invalid_config", "unknown key \"" + k + "\" in " + path);
    }
    std::string text;
    if (auto sv = node.value<std::string>()) {
      text = *sv;
    } else if (auto iv = node.value<int64_t>()) {
      text = std::to_string(*iv);
    } else {
      return Status::InvalidArgument(
          "invalid_config", "key \"" + k + "\" in " + path + " must be a string or integer");
    }
    if (std::holds_alternative<int64_t Config::*>(setting->member) && !node.is_integer()) {
      return Status::InvalidArgument("invalid_config",
                                     "key \"" + k + "\" in " + path + " must be an integer");
    }
    CRYFTTEE_RETURN_IF_ERROR(SetFromText(c, *setting, text, source));
  }
  return Status::Ok();
}

bool IsAddress(const std::string& addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string port = addr.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  return std::stoi(port) <= 65535;
}

bool IsReadableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), R_OK) == 0;
}

Status ValidateKms(Config* c) {
  if (!c->KmsEnabled()) return Status::Ok();
  if (!IsAddress(c->kms_listen_addr)) {
    return BadValue(*c, "kms_listen_addr", c->kms_listen_addr, "must be host:port or empty");
  }
  if (c->kms_peering_file.empty()) {
    return BadValue(*c, "kms_peering_file", c->kms_peering_file,
                    "operator mode needs a peering file (--kms-peering-file)");
  }
  if (!c->kms_operator_id.empty()) {
    bool ok = c->kms_operator_id.size() <= 64 &&
              c->kms_operator_id.find_first_not_of(
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                  std::string::npos;
    if (!ok) {
      return BadValue(*c, "kms_operator_id", c->kms_operator_id,
                      "must be 1-64 of letters, digits, '.', '_' and '-'");
    }
  }
  if (!c->kms_advertise_url.empty() && !net::ParseOrigin(c->kms_advertise_url).ok()) {
    return BadValue(*c, "kms_advertise_url", c->kms_advertise_url, "must be an http(s) URL");
  }
  c->kms_interval_ms = ParseIntervalMillis(c->kms_interval);
  if (c->kms_interval_ms < 2000 || c->kms_interval_ms > 7LL * 24 * 3600 * 1000) {
    return BadValue(*c, "kms_interval", c->kms_interval,
                    "must be a duration between 2s and 168h, e.g. 10m, 2m, 30s");
  }
  unsigned num = 0, den = 0;
  char extra = 0;
  if (std::sscanf(c->kms_threshold.c_str(), "%u/%u%c", &num, &den, &extra) != 2 || num == 0 ||
      den == 0 || num >= den || den > 1000) {
    return BadValue(*c, "kms_threshold", c->kms_threshold,
                    "must be num/den with 0 < num < den <= 1000, e.g. 2/3");
  }
  c->kms_threshold_numerator = num;
  c->kms_threshold_denominator = den;
  if (c->kms_scheme != "pedersen" && c->kms_scheme != "feldman") {
    return BadValue(*c, "kms_scheme", c->kms_scheme, "must be pedersen or feldman");
  }
  const std::string& m = c->kms_test_misbehaviour;
  if (!m.empty()) {
    if (m != "invalid_share" && m != "equivocate") {
      return BadValue(*c, "kms_test_misbehaviour", m, "must be invalid_share or equivocate");
    }
    if (!c->kms_test_allowed) {
      return BadValue(*c, "kms_test_misbehaviour", m,
                      "a test-only setting: set CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR=1 to use it");
    }
  }
  return Status::Ok();
}

}  // namespace

int64_t ParseIntervalMillis(const std::string& text) {
  if (text.empty() || text.size() > 12) return 0;
  size_t digits = text.find_first_not_of("0123456789");
  if (digits == 0) return 0;
  int64_t n = std::stoll(text.substr(0, digits));
  std::string unit = digits == std::string::npos ? "s" : text.substr(digits);
  if (unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  return 0;
}

bool Config::IsExplicit(const std::string& name) const {
  auto it = sources.find(name);
  return it != sources.end() && it->second != "default";
}

std::string DefaultShareDir(const std::string& exe_path) {
  std::error_code ec;
  fs::path exe = fs::weakly_canonical(exe_path, ec);
  if (ec) exe = exe_path;
  return exe.parent_path().parent_path().string();
}

std::map<std::string, std::string> EnvironmentMap(char** envp) {
  std::map<std::string, std::string> env;
  for (char** e = envp; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

Result<Config> LoadConfig(int argc, const char* const* argv,
                          const std::map<std::string, std::string>& env,
                          const std::string& share_dir, LoadOutcome* outcome) {
  Config c;
  c.module_dir = share_dir + "/modules";
  c.trust_config = share_dir + "/config/trust.toml";
  c.ui_dir = share_dir + "/ui";
  for (const Setting& s : Settings()) c.sources[s.name] = "default";

  CLI::App cli("cryfttee: signing sidecar for the Cryft node");
  cli.set_version_flag("--version", std::string("cryfttee ") + CRYFTTEE_VERSION);
  std::string config_file;
  cli.add_option("--config", config_file, "TOML configuration file (env CRYFTTEE_CONFIG)");
  std::map<std::string, std::string> flag_values;
  for (const Setting& s : Settings()) {
    cli.add_option(FlagName(s.name), flag_values[s.name], s.help)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    outcome->exit_requested = true;
    outcome->exit_code = cli.exit(e, out, err);
    if (outcome->exit_code != 0) outcome->exit_code = 2;
    outcome->message = out.str() + err.str();
    return c;
  }

  // The environment is the map we were given (not getenv), so tests and callers control it.
  if (config_file.empty()) {
    auto it = env.find("CRYFTTEE_CONFIG");
    if (it != env.end()) config_file = it->second;
  }
  if (!config_file.empty()) CRYFTTEE_RETURN_IF_ERROR(ApplyToml(&c, config_file));
  for (const Setting& s : Settings()) {
    auto it = env.find(EnvName(s.name));
    if (it != env.end()) {
      CRYFTTEE_RETURN_IF_ERROR(SetFromText(&c, s, it->second, "env " + EnvName(s.name)));
    }
  }
  c.kms_test_allowed = env.count("CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR") &&
                       env.at("CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR") == "1";
  for (const Setting& s : Settings()) {
    if (cli.get_option(FlagName(s.name))->count() > 0) {
      CRYFTTEE_RETURN_IF_ERROR(SetFromText(&c, s, flag_values[s.name], "flag " + FlagName(s.name)));
    }
  }
  return c;
}

Status ValidateConfig(Config* c) {
  const std::string& t = c->api_transport;
  if (t != "uds" && t != "http" && t != "https") {
    return BadValue(*c, "api_transport", t, "must be uds, http or https");
  }
  if (c->http_addr.empty()) c->http_addr = t == "https" ? "127.0.0.1:8443" : "127.0.0.1:8787";
  if (t != "uds" && !IsAddress(c->http_addr)) {
    return BadValue(*c, "http_addr", c->http_addr, "must be host:port");
  }
  if (t == "uds") {
    if (c->uds_path.empty() || c->uds_path.size() > 107) {
      return BadValue(*c, "uds_path", c->uds_path, "must be a path of 1 to 107 bytes");
    }
    std::string dir = fs::path(c->uds_path).parent_path().string();
    if (dir.empty()) dir = ".";
    if (::access(dir.c_str(), W_OK) != 0) {
      return BadValue(*c, "uds_path", c->uds_path,
                      "directory " + dir +
                          " is not writable; choose another path with --uds-path or "
                          "CRYFTTEE_UDS_PATH");
    }
  }
  if (t == "https") {
    if (c->tls_cert.empty() || !IsReadableFile(c->tls_cert)) {
      return BadValue(*c, "tls_cert", c->tls_cert, "https needs a readable PEM certificate file");
    }
    if (c->tls_key.empty() || !IsReadableFile(c->tls_key)) {
      return BadValue(*c, "tls_key", c->tls_key, "https needs a readable PEM private key file");
    }
    if (!c->tls_client_ca.empty() && !IsReadableFile(c->tls_client_ca)) {
      return BadValue(*c, "tls_client_ca", c->tls_client_ca, "file is not readable");
    }
  }
  if (!c->metrics_addr.empty() && !IsAddress(c->metrics_addr)) {
    return BadValue(*c, "metrics_addr", c->metrics_addr, "must be host:port or empty");
  }
  if (c->kiosk_addr != "off" && !IsAddress(c->kiosk_addr)) {
    return BadValue(*c, "kiosk_addr", c->kiosk_addr, "must be host:port or \"off\"");
  }
  if (c->data_dir.empty()) return BadValue(*c, "data_dir", c->data_dir, "must not be empty");
  if (!c->seal_password_file.empty() && !IsReadableFile(c->seal_password_file)) {
    return BadValue(*c, "seal_password_file", c->seal_password_file, "file is not readable");
  }
  if (!c->enclave_addr.empty()) {
    auto addr = tee::ParseAddress(c->enclave_addr);
    if (!addr.ok()) return BadValue(*c, "enclave_addr", c->enclave_addr, addr.status().message());
    if (addr->kind == tee::Address::Kind::kVsock && addr->cid == tee::kVsockCidAny) {
      return BadValue(*c, "enclave_addr", c->enclave_addr, "the parent needs the enclave's CID");
    }
  }
  if (!tee::MakeQuoteProvider(c->quote_provider).ok()) {
    return BadValue(*c, "quote_provider", c->quote_provider,
                    "must be none, tdx, sev-snp, nitro or auto");
  }
  if (!c->web3signer_url.empty()) {
    auto origin = net::ParseOrigin(c->web3signer_url);
    if (!origin.ok()) {
      return BadValue(*c, "web3signer_url", c->web3signer_url, origin.status().message());
    }
    if (!c->web3signer_ca_file.empty() && !origin->tls()) {
      return BadValue(*c, "web3signer_ca_file", c->web3signer_ca_file,
                      "a CA file needs an https:// web3signer_url");
    }
  } else if (!c->web3signer_ca_file.empty()) {
    return BadValue(*c, "web3signer_ca_file", c->web3signer_ca_file,
                    "set web3signer_url (https://) too");
  }
  if (!c->web3signer_ca_file.empty() && !IsReadableFile(c->web3signer_ca_file)) {
    return BadValue(*c, "web3signer_ca_file", c->web3signer_ca_file, "file is not readable");
  }
  if (c->web3signer_vault_copy != "on" && c->web3signer_vault_copy != "off") {
    return BadValue(*c, "web3signer_vault_copy", c->web3signer_vault_copy, "must be on or off");
  }
  if (c->web3signer_timeout_ms < 1000 || c->web3signer_timeout_ms > 30'000) {
    return BadValue(*c, "web3signer_timeout_ms", std::to_string(c->web3signer_timeout_ms),
                    "must be between 1000 and 30000");
  }
  if (!c->default_bls_module.empty() &&
      (c->default_bls_module.size() > 64 ||
       c->default_bls_module.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
           std::string::npos)) {
    return BadValue(*c, "default_bls_module", c->default_bls_module,
                    "must be a module id (lower-case letters, digits, '_' and '-')");
  }
  if (c->default_bls_module.empty() && !c->web3signer_url.empty()) {
    c->default_bls_module = "web3signer_v1";
  }
  if (!ParseLogFormat(c->log_format).ok()) {
    return BadValue(*c, "log_format", c->log_format, "must be human or json");
  }
  if (!ValidateLogLevel(c->log_level).ok()) {
    return BadValue(*c, "log_level", c->log_level,
                    "must be trace, debug, info, warn, error or off");
  }
  if (c->connected_window_seconds < 1 || c->connected_window_seconds > 86400) {
    return BadValue(*c, "connected_window_seconds", std::to_string(c->connected_window_seconds),
                    "must be between 1 and 86400");
  }
  if (c->max_body_bytes < 1024 || c->max_body_bytes > (64 << 20)) {
    return BadValue(*c, "max_body_bytes", std::to_string(c->max_body_bytes),
                    "must be between 1024 and 67108864");
  }
  if (c->read_timeout_ms < 100 || c->read_timeout_ms > 600'000) {
    return BadValue(*c, "read_timeout_ms", std::to_string(c->read_timeout_ms),
                    "must be between 100 and 600000");
  }
  if (c->shutdown_grace_seconds < 0 || c->shutdown_grace_seconds > 3600) {
    return BadValue(*c, "shutdown_grace_seconds", std::to_string(c->shutdown_grace_seconds),
                    "must be between 0 and 3600");
  }
  if (c->worker_threads < 0 || c->worker_threads > 256) {
    return BadValue(*c, "worker_threads", std::to_string(c->worker_threads),
                    "must be between 0 and 256");
  }
  if (c->audit_log.empty()) c->audit_log = c->data_dir + "/audit.log";
  if (c->audit_log_max_bytes < 4096 || c->audit_log_max_bytes > (int64_t{1} << 40)) {
    return BadValue(*c, "audit_log_max_bytes", std::to_string(c->audit_log_max_bytes),
                    "must be between 4096 and 2^40");
  }
  if (c->audit_log_keep < 0 || c->audit_log_keep > 100) {
    return BadValue(*c, "audit_log_keep", std::to_string(c->audit_log_keep),
                    "must be between 0 and 100");
  }
  if (!ops::ParseFsyncPolicy(c->audit_log_fsync).ok()) {
    return BadValue(*c, "audit_log_fsync", c->audit_log_fsync, "must be always, interval or never");
  }
  if ((!c->allowed_uids.empty() || !c->allowed_gids.empty()) && t != "uds") {
    return BadValue(*c, c->allowed_uids.empty() ? "allowed_gids" : "allowed_uids",
                    c->allowed_uids.empty() ? c->allowed_gids : c->allowed_uids,
                    "caller allow-lists apply to the Unix socket (api_transport uds); on TCP use "
                    "https with tls_client_ca");
  }
  CRYFTTEE_RETURN_IF_ERROR(ValidateKms(c));
  if (c->manifest_path.empty()) c->manifest_path = c->module_dir + "/manifest.json";
  return Status::Ok();
}

}  // namespace cryfttee::app
