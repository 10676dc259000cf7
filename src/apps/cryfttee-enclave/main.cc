// cryfttee-enclave: the key side of the parent/enclave split (docs/architecture.md, "Key
// isolation"). It owns the key vault, the crypto and, when the parent runs KMS operator mode,
// the KMS protocol engine with its operator keys and threshold shares (DIR/kms, kms/enclave_host.h)
// and nothing else: no HTTP, no WASM, no API JSON. It serves the enclave wire protocol (tee/wire.h)
// on one address to one parent:
//
//   cryfttee-enclave --listen unix:PATH|vsock://CID:PORT --data-dir DIR
//                    [--seal-password-file FILE] [--parent-uid UID] [--parent-cid CID]
//                    [--quote-provider none|tdx|sev-snp|nitro|auto] [--log-level L] [--log-format
//                    F]
//
// Sealing is the daemon's: --seal-password-file, else CRYFTTEE_SEAL_PASSWORD, else the machine
// secret in DIR/keys. One line "cryfttee-enclave ready: ..." is logged once it accepts
// connections; SIGTERM or SIGINT stop it (exit 0). Exit 1: the vault or the address failed;
// 2: bad arguments.
#include <pwd.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>

#include "core/log.h"
#include "keys/vault.h"
#include "kms/enclave_host.h"
#include "tee/address.h"
#include "tee/enclave_server.h"
#include "tee/in_process_client.h"
#include "tee/quote_provider.h"

namespace {

using namespace cryfttee;

struct Options {
  std::string listen;
  std::string data_dir;
  std::string seal_password_file;
  std::string parent_user;  // a uid or a user name; empty: this process's own uid
  int64_t parent_cid = 3;
  std::string quote_provider = "none";
  std::string log_level = "info";
  std::string log_format = "human";
};

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "cryfttee-enclave: %s\n", message.c_str());
  return code;
}

int Run(const Options& o) {
  auto format = ParseLogFormat(o.log_format);
  if (!format.ok()) return Fail("--log-format must be human or json", 2);
  if (!ValidateLogLevel(o.log_level).ok()) return Fail("bad --log-level " + o.log_level, 2);
  auto address = tee::ParseAddress(o.listen);
  if (!address.ok()) return Fail(address.status().message(), 2);
  int64_t parent_uid = -1;
  if (!o.parent_user.empty()) {
    // A name, as a systemd unit knows its peer (the parent's uid is assigned at install).
    if (o.parent_user.find_first_not_of("0123456789") == std::string::npos &&
        o.parent_user.size() <= 10) {
      parent_uid = std::stoll(o.parent_user);
    } else if (const passwd* pw = ::getpwnam(o.parent_user.c_str())) {
      parent_uid = pw->pw_uid;
    }
    if (parent_uid < 0 || parent_uid > 0xFFFFFFFEll) {
      return Fail("bad --parent-uid " + o.parent_user + ": not a uid or a known user name", 2);
    }
  }
  if (o.parent_cid < 0 || o.parent_cid > 0xFFFFFFFEll) return Fail("bad --parent-cid", 2);
  auto quotes = tee::MakeQuoteProvider(o.quote_provider);
  if (!quotes.ok()) return Fail(quotes.status().message(), 2);
  SetupLogging(*format, o.log_level);

  // Signals are taken by a watcher thread (sigwait), never by a handler, so Stop() runs in an
  // ordinary thread. Blocked before any thread starts so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  keys::VaultOptions vault_options;
  vault_options.data_dir = o.data_dir;
  vault_options.seal.password_file = o.seal_password_file;
  auto vault = keys::KeyVault::Open(vault_options);
  if (!vault.ok()) {
    spdlog::critical("key vault in {}: {}", o.data_dir, vault.status().message());
    return 1;
  }
  std::shared_ptr<keys::KeyVault> shared_vault = std::move(vault).value();
  for (const auto& problem : shared_vault->load_problems()) {
    spdlog::warn("key vault: {}: {} ({})", problem.file, problem.message, problem.code);
  }
  size_t key_count = shared_vault->List().size();
  std::string seal(keys::SealSourceName(shared_vault->seal_source()));
  std::string provider((*quotes)->name());

  tee::EnclaveServerOptions server_options;
  server_options.listen = *address;
  server_options.parent_uid = parent_uid < 0 ? ::getuid() : static_cast<uid_t>(parent_uid);
  server_options.parent_cid = static_cast<uint32_t>(o.parent_cid);
  // The KMS engine starts only when the parent asks (kKmsStart): nothing is created before.
  kms::EnclaveHostOptions kms_options;
  kms_options.data_dir = o.data_dir + "/kms";
  kms_options.seal.password_file = o.seal_password_file;
  server_options.extension = std::make_shared<kms::EnclaveHost>(kms_options);
  auto server = tee::EnclaveServer::Listen(
      server_options, tee::MakeInProcessClient(shared_vault, std::move(quotes).value()));
  if (!server.ok()) {
    spdlog::critical("{}", server.status().message());
    return 1;
  }
  std::thread watcher([&stop_signals, s = server->get()] {
    int signo = 0;
    sigwait(&stop_signals, &signo);
    spdlog::info("cryfttee-enclave: signal {}, stopping", signo);
    s->Stop();
  });
  std::string peer = address->kind == tee::Address::Kind::kUnix
                         ? "parent uid " + std::to_string(server_options.parent_uid)
                         : "parent CID " + std::to_string(server_options.parent_cid);
  spdlog::info(
      "cryfttee-enclave ready: listening on {} for {}; {} keys, sealed with the {}, "
      "quotes: {}",
      address->ToString(), peer, key_count, seal, provider);
  (*server)->Run();
  watcher.join();
  server->reset();
  spdlog::info("cryfttee-enclave stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli("cryfttee-enclave: the key side of cryfttee (vault and signing, nothing else)");
  cli.set_version_flag("--version", std::string("cryfttee-enclave ") + CRYFTTEE_VERSION);
  cli.add_option("--listen", o.listen, "unix:PATH or vsock://CID:PORT (CID may be \"any\")")
      ->required();
  cli.add_option("--data-dir", o.data_dir, "sealed key storage directory")->required();
  cli.add_option("--seal-password-file", o.seal_password_file,
                 "file holding the key-sealing secret (else CRYFTTEE_SEAL_PASSWORD, else the "
                 "machine secret)");
  cli.add_option("--parent-uid", o.parent_user,
                 "the only uid (number or user name) allowed to connect on a Unix socket "
                 "(default: this process's)");
  cli.add_option("--parent-cid", o.parent_cid,
                 "the only CID allowed to connect on vsock (default 3, a Nitro parent)");
  cli.add_option("--quote-provider", o.quote_provider, "none | tdx | sev-snp | nitro | auto");
  cli.add_option("--log-level", o.log_level, "trace | debug | info | warn | error | off");
  cli.add_option("--log-format", o.log_format, "human | json");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  return Run(o);
}
