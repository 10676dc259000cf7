// Configuration precedence (defaults < TOML < env < flags) and every validation error.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "apps/cryfttee/config.h"
#include "support/daemon_process.h"

namespace cryfttee::app {
namespace {

using cryfttee::testing::TempDir;

Result<Config> Load(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  std::vector<const char*> argv = {"cryfttee"};
  for (auto& a : args) argv.push_back(a.c_str());
  LoadOutcome outcome;
  auto c = LoadConfig(static_cast<int>(argv.size()), argv.data(), env, "/opt/cft", &outcome);
  EXPECT_FALSE(outcome.exit_requested) << outcome.message;
  return c;
}

// Loads and validates; returns the validation status.
Status LoadAndValidate(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  auto c = Load(std::move(args), std::move(env));
  if (!c.ok()) return c.status();
  return ValidateConfig(&*c);
}

std::string WriteToml(const TempDir& dir, const std::string& text) {
  std::string path = dir.File("cryfttee.toml");
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigPrecedence, DefaultsComeFromTheShareDir) {
  auto c = Load({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->module_dir, "/opt/cft/modules");
  EXPECT_EQ(c->trust_config, "/opt/cft/config/trust.toml");
  EXPECT_EQ(c->ui_dir, "/opt/cft/ui");
  EXPECT_EQ(c->uds_path, "/var/run/cryfttee.sock");
  EXPECT_EQ(c->api_transport, "uds");
  EXPECT_EQ(c->kiosk_addr, "127.0.0.1:323");
  EXPECT_EQ(c->sources["uds_path"], "default");
  EXPECT_FALSE(c->IsExplicit("kiosk_addr"));
}

TEST(ConfigPrecedence, TomlThenEnvThenFlags) {
  TempDir dir;
  std::string toml = WriteToml(dir, R"(
log_level = "debug"
uds_path = "/tmp/from-toml.sock"
http_addr = "127.0.0.1:9001"
connected_window_seconds = 30
)");
  auto c =
      Load({"--config", toml, "--uds-path", "/tmp/from-flag.sock"},
           {{"CRYFTTEE_UDS_PATH", "/tmp/from-env.sock"}, {"CRYFTTEE_HTTP_ADDR", "127.0.0.1:9002"}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->sources["log_level"], "config file " + toml);
  EXPECT_EQ(c->http_addr, "127.0.0.1:9002");
  EXPECT_EQ(c->sources["http_addr"], "env CRYFTTEE_HTTP_ADDR");
  EXPECT_EQ(c->uds_path, "/tmp/from-flag.sock");
  EXPECT_EQ(c->sources["uds_path"], "flag --uds-path");
  EXPECT_EQ(c->connected_window_seconds, 30);
}

TEST(ConfigPrecedence, ConfigFileFromEnvironment) {
  TempDir dir;
  std::string toml = WriteToml(dir, "log_format = \"json\"\n");
  auto c = Load({}, {{"CRYFTTEE_CONFIG", toml}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->log_format, "json");
}

TEST(ConfigPrecedence, HttpAddrDefaultFollowsTransport) {
  auto c = Load({"--api-transport", "http"});
  ASSERT_TRUE(ValidateConfig(&*c).ok());
  EXPECT_EQ(c->http_addr, "127.0.0.1:8787");
  EXPECT_EQ(c->manifest_path, "/opt/cft/modules/manifest.json");
}

struct BadCase {
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::string must_mention;
};

TEST(ConfigValidation, EveryErrorNamesTheSettingAndItsSource) {
  TempDir dir;
  std::vector<BadCase> cases = {
      {{"--api-transport", "tcp"}, {}, "api_transport \"tcp\" (from flag --api-transport)"},
      {{}, {{"CRYFTTEE_API_TRANSPORT", "quic"}}, "(from env CRYFTTEE_API_TRANSPORT)"},
      {{"--api-transport", "http", "--http-addr", "nope"}, {}, "http_addr"},
      {{"--api-transport", "https", "--http-addr", "127.0.0.1:1"}, {}, "tls_cert"},
      {{"--api-transport", "https", "--tls-cert", "/etc/hostname"}, {}, "tls_key"},
      {{"--uds-path", "/proc/x/y.sock"}, {}, "--uds-path"},
      {{"--uds-path", std::string(120, 'a')}, {}, "uds_path"},
      {{"--kiosk-addr", "localhost"}, {}, "kiosk_addr"},
      {{"--data-dir", ""}, {}, "data_dir"},
      {{"--seal-password-file", "/nonexistent"}, {}, "seal_password_file"},
      {{"--web3signer-url", "ftp://x"}, {}, "web3signer_url"},
      {{}, {{"CRYFTTEE_WEB3SIGNER_URL", "http://u@h:1"}}, "(from env CRYFTTEE_WEB3SIGNER_URL)"},
      {{"--web3signer-url", "http://h:1", "--web3signer-ca-file", "/etc/hostname"},
       {},
       "web3signer_ca_file"},
      {{"--web3signer-ca-file", "/etc/hostname"}, {}, "web3signer_ca_file"},
      {{"--web3signer-url", "https://h:1", "--web3signer-ca-file", "/nonexistent"},
       {},
       "web3signer_ca_file"},
      {{"--web3signer-vault-copy", "maybe"}, {}, "web3signer_vault_copy"},
      {{"--web3signer-timeout-ms", "60000"}, {}, "web3signer_timeout_ms"},
      {{}, {{"CRYFTTEE_DEFAULT_BLS_MODULE", "Bad Id"}}, "(from env CRYFTTEE_DEFAULT_BLS_MODULE)"},
      {{"--log-format", "xml"}, {}, "log_format"},
      {{"--log-level", "loud"}, {}, "log_level"},
      {{"--connected-window-seconds", "0"}, {}, "connected_window_seconds"},
      {{"--max-body-bytes", "10"}, {}, "max_body_bytes"},
      {{"--read-timeout-ms", "1"}, {}, "read_timeout_ms"},
      {{"--shutdown-grace-seconds", "-1"}, {}, "shutdown_grace_seconds"},
      {{"--worker-threads", "1000"}, {}, "worker_threads"},
      {{"--worker-threads", "many"}, {}, "worker_threads \"many\" (from flag --worker-threads)"},
  };
  for (const BadCase& bad : cases) {
    // A writable socket first; a case about uds_path overrides it (the last flag wins).
    std::vector<std::string> args = {"--uds-path", dir.File("ok.sock")};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    Status st = LoadAndValidate(args, bad.env);
    ASSERT_FALSE(st.ok()) << bad.must_mention;
    EXPECT_EQ(st.code(), "invalid_config");
    EXPECT_NE(st.message().find(bad.must_mention), std::string::npos)
        << "message: " << st.message() << "\nexpected to mention: " << bad.must_mention;
  }
}

TEST(ConfigValidation, AWeb3SignerUrlMakesWeb3SignerTheDefaultBlsModule) {
  TempDir dir;
  auto c = Load({"--uds-path", dir.File("s.sock"), "--web3signer-url", "http://127.0.0.1:9000"});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ValidateConfig(&*c).ok());
  EXPECT_EQ(c->default_bls_module, "web3signer_v1");
  auto chosen = Load({"--uds-path", dir.File("s.sock"), "--web3signer-url", "http://h:9000"},
                     {{"CRYFTTEE_DEFAULT_BLS_MODULE", "bls_tls_signer_v1"}});
  ASSERT_TRUE(ValidateConfig(&*chosen).ok());
  EXPECT_EQ(chosen->default_bls_module, "bls_tls_signer_v1");
  auto none = Load({"--uds-path", dir.File("s.sock")});
  ASSERT_TRUE(ValidateConfig(&*none).ok());
  EXPECT_EQ(none->default_bls_module, "");
}

// The gRPC signer's settings: off by default, and every source reaches them (docs/rpcsigner.md).
// Their meaning (address, TLS rule, key) is checked when the daemon starts.
TEST(ConfigPrecedence, RpcSignerSettingsFromEverySource) {
  auto off = Load({});
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->rpcsigner_addr, "");
  EXPECT_EQ(off->rpcsigner_key, "");
  TempDir dir;
  std::string toml = WriteToml(dir, R"(
rpcsigner_addr = "unix:///run/from-toml.sock"
rpcsigner_key = "bls-from-toml"
rpcsigner_tls_client_ca = "/etc/ca.pem"
)");
  auto c = Load({"--config", toml, "--rpcsigner-key", "bls-from-flag", "--rpcsigner-tls-cert",
                 "/etc/cert.pem"},
                {{"CRYFTTEE_RPCSIGNER_ADDR", "127.0.0.1:7741"},
                 {"CRYFTTEE_RPCSIGNER_TLS_KEY", "/etc/key.pem"}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->rpcsigner_addr, "127.0.0.1:7741");
  EXPECT_EQ(c->sources["rpcsigner_addr"], "env CRYFTTEE_RPCSIGNER_ADDR");
  EXPECT_EQ(c->rpcsigner_key, "bls-from-flag");
  EXPECT_EQ(c->sources["rpcsigner_key"], "flag --rpcsigner-key");
  EXPECT_EQ(c->rpcsigner_tls_cert, "/etc/cert.pem");
  EXPECT_EQ(c->rpcsigner_tls_key, "/etc/key.pem");
  EXPECT_EQ(c->rpcsigner_tls_client_ca, "/etc/ca.pem");
  EXPECT_EQ(c->sources["rpcsigner_tls_client_ca"], "config file " + toml);
}

TEST(ConfigValidation, TomlErrorsNameFileAndKey) {
  TempDir dir;
  std::string path = WriteToml(dir, "no_such_key = 1\n");
  auto c = Load({"--config", path});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("no_such_key"), std::string::npos);
  EXPECT_NE(c.status().message().find(path), std::string::npos);

  path = WriteToml(dir, "max_body_bytes = \"big\"\n");
  c = Load({"--config", path});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("max_body_bytes"), std::string::npos);

  path = WriteToml(dir, "this is = = not toml\n");
  c = Load({"--config", path});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("line 1"), std::string::npos);

  c = Load({"--config", dir.File("missing.toml")});
  ASSERT_FALSE(c.ok());
}

TEST(ConfigKms, TableFlagsAndValidation) {
  TempDir dir;
  std::string toml = WriteToml(dir, R"(
[kms]
listen_addr = "127.0.0.1:0"
peering_file = "/tmp/peering.json"
interval = "3s"
threshold = "1/2"
scheme = "feldman"
)");
  auto c = Load({"--config", toml, "--uds-path", dir.File("s.sock")});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->kms_listen_addr, "127.0.0.1:0");
  EXPECT_EQ(c->sources["kms_scheme"], "config file " + toml);
  ASSERT_TRUE(ValidateConfig(&*c).ok());
  EXPECT_TRUE(c->KmsEnabled());
  EXPECT_EQ(c->kms_interval_ms, 3000);
  EXPECT_EQ(c->kms_threshold_numerator, 1u);
  EXPECT_EQ(c->kms_threshold_denominator, 2u);

  EXPECT_FALSE(Load({}).value().KmsEnabled());  // off by default
  const std::vector<std::string> base = {"--config", toml, "--uds-path", dir.File("s.sock")};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  EXPECT_EQ(LoadAndValidate(with({"--kms-interval", "1s"})).code(), "invalid_config");
  EXPECT_EQ(LoadAndValidate(with({"--kms-interval", "5 minutes"})).code(), "invalid_config");
  EXPECT_EQ(LoadAndValidate(with({"--kms-threshold", "3/2"})).code(), "invalid_config");
  EXPECT_EQ(LoadAndValidate(with({"--kms-scheme", "shamir"})).code(), "invalid_config");
  EXPECT_EQ(LoadAndValidate(with({"--kms-peering-file", ""})).code(), "invalid_config");
  // The test-only misbehaviour needs its explicit environment switch.
  Status refused = LoadAndValidate(with({"--kms-test-misbehaviour", "invalid_share"}));
  EXPECT_EQ(refused.code(), "invalid_config");
  EXPECT_NE(refused.message().find("CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR"), std::string::npos);
  EXPECT_TRUE(LoadAndValidate(with({"--kms-test-misbehaviour", "invalid_share"}),
                              {{"CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR", "1"}})
                  .ok());
}

TEST(ConfigValidation, ValidDefaultsPassWhenSocketDirIsWritable) {
  TempDir dir;
  EXPECT_TRUE(LoadAndValidate({"--uds-path", dir.File("s.sock")}).ok());
}

}  // namespace
}  // namespace cryfttee::app

namespace cryfttee::app {
namespace {

// The example file documents every key: uncommenting all of its "# key = value" lines must give
// a file that loads, and every setting must appear in it.
TEST(ConfigExample, DocumentsEveryKeyAndParses) {
  std::ifstream in(cryfttee::testing::SourceDir() + "/config/cryfttee.example.toml");
  ASSERT_TRUE(in.good());
  std::string line, uncommented;
  std::set<std::string> keys;
  std::regex setting(R"(^#\s*([a-z0-9_]+)\s*=\s*(".*?"|\d+).*$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, setting)) {
      keys.insert(m[1]);
      uncommented += std::string(m[1]) + " = " + std::string(m[2]) + "\n";
    }
  }
  cryfttee::testing::TempDir dir;
  std::string path = WriteToml(dir, uncommented);
  auto c = Load({"--config", path});
  ASSERT_TRUE(c.ok()) << c.status().message();
  for (const auto& [name, source] : c->sources) {
    EXPECT_TRUE(keys.count(name)) << "config/cryfttee.example.toml does not document " << name;
  }
}

}  // namespace
}  // namespace cryfttee::app
