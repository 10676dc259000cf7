// cryftteectl launch: the parent side of binary attestation (seed binary-attestation.md).
//
//   1. hash the binary before starting it; with --expected-hash or --releases, refuse a mismatch;
//   2. start it with CRYFTTEE_VERIFIED_BINARY_HASH and the transport settings in its environment;
//   3. wait (at most --wait-timeout, 30 s) for the API, then require core_binary_hash to equal the
//      computed hash (the answer must also bind a fresh nonce); on a mismatch stop it, exit 3;
//   4. with --reverify-every, re-hash /proc/<pid>/exe at that interval; a mismatch is handled the
//      same way;
//   5. forward SIGTERM and SIGINT to the child and exit with its status.
//
// With --enclave, a cryfttee-enclave is started first and the daemon is pointed at it
// (launch_enclave.h): one command runs the parent/enclave pair, and stops both.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "apps/cryftteectl/daemon_connection.h"
#include "apps/cryftteectl/launch_enclave.h"
#include "apps/cryftteectl/node_commands.h"
#include "apps/cryftteectl/supervised_child.h"
#include "client/attestation_check.h"
#include "client/release_list.h"
#include "core/clock.h"
#include "core/file_util.h"
#include "core/sha256.h"

namespace cryfttee::ctl {
namespace {

struct LaunchArgs {
  std::string binary;
  std::string expected_hash;
  std::string releases_file;
  std::string release_key_file;
  double reverify_every = 0;
  double wait_timeout = 30;
  double stop_timeout = 10;
  std::vector<std::string> child_args;
  EnclaveLaunchArgs enclave;  // binary empty: no enclave
};

void Say(const std::string& line) { std::cerr << "cryftteectl launch: " << line << std::endl; }

int Refuse(const std::string& line, int code) {
  Say(line);
  return code;
}

// Step 1 beyond hashing: the operator's pin, or the release list.
int CheckBeforeStart(const LaunchArgs& a, const std::string& hash) {
  if (!a.expected_hash.empty()) {
    if (hash != a.expected_hash) {
      return Refuse("refusing to start " + a.binary + ": its hash is " + hash + ", expected " +
                        a.expected_hash,
                    kExitAttestationMismatch);
    }
    Say("binary hash matches --expected-hash");
    return kExitOk;
  }
  if (a.releases_file.empty()) return kExitOk;
  auto text = ReadFileCapped(a.releases_file, 4 << 20);
  if (!text.ok()) return Refuse("cannot read release list: " + text.status().message(), kExitError);
  auto releases = client::ParseReleaseList(*text);
  if (!releases.ok())
    return Refuse(a.releases_file + ": " + releases.status().message(), kExitError);
  std::optional<Bytes> key;
  if (!a.release_key_file.empty()) {
    auto key_text = ReadFileCapped(a.release_key_file, 16 * 1024);
    if (!key_text.ok())
      return Refuse("cannot read release key: " + key_text.status().message(), kExitError);
    auto parsed = client::ParseReleasePublicKey(*key_text);
    if (!parsed.ok())
      return Refuse(a.release_key_file + ": " + parsed.status().message(), kExitError);
    key = std::move(*parsed);
  }
  auto match = client::MatchRelease(*releases, hash, key);
  if (!match.ok()) {
    return Refuse("refusing to start " + a.binary + ": " + match.status().code() + ": " +
                      match.status().message(),
                  kExitAttestationMismatch);
  }
  Say("binary is release " + match->version +
      (match->signature.empty() ? " (unsigned entry)" : " (signature verified)"));
  return kExitOk;
}

// The daemon's environment: ours, minus any inherited values of the variables we set.
std::vector<std::string> ChildEnvironment(const CtlContext& ctx, const client::TransportOptions& t,
                                          const std::string& hash,
                                          const std::string& enclave_addr) {
  std::vector<std::string> env =
      EnvironmentWithout({"CRYFTTEE_VERIFIED_BINARY_HASH=", "CRYFTTEE_API_TRANSPORT=",
                          "CRYFTTEE_UDS_PATH=", "CRYFTTEE_HTTP_ADDR=", "CRYFTTEE_ENCLAVE_ADDR="});
  env.push_back("CRYFTTEE_VERIFIED_BINARY_HASH=" + hash);
  env.push_back("CRYFTTEE_API_TRANSPORT=" + ctx.transport);
  if (ctx.transport == "uds") {
    env.push_back("CRYFTTEE_UDS_PATH=" + t.socket_path);
  } else {
    env.push_back("CRYFTTEE_HTTP_ADDR=" + t.http_addr);
  }
  if (!enclave_addr.empty()) env.push_back("CRYFTTEE_ENCLAVE_ADDR=" + enclave_addr);
  return env;
}

int Launch(CtlContext& ctx, const LaunchArgs& a) {
  // 1. Hash before starting.
  auto hash = Sha256File(a.binary);
  if (!hash.ok())
    return Refuse("cannot hash " + a.binary + ": " + hash.status().message(), kExitError);
  Say("binary " + a.binary + " hashes to " + *hash);
  if (int rc = CheckBeforeStart(a, *hash); rc != kExitOk) return rc;

  // 2. Start it.
  sigset_t set, old_mask;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &set, &old_mask);
  // With --enclave, the key holder first: the daemon starts only once it is ready. Declared
  // before the daemon's child so that every return below stops the enclave last.
  std::unique_ptr<LaunchedEnclave> enclave;
  if (!a.enclave.binary.empty()) {
    enclave = std::make_unique<LaunchedEnclave>(a.enclave);
    int rc = kExitError;
    if (!enclave->StartAndWaitReady(set, old_mask, &rc)) return rc;
  }
  client::ClientOptions copts = ClientOptionsFor(ctx);
  copts.retry = client::RetryPolicy::None();  // the wait loop below is the retry
  SupervisedChild child;
  std::vector<std::string> argv = {a.binary};
  argv.insert(argv.end(), a.child_args.begin(), a.child_args.end());
  if (!child.Start("cryfttee", argv,
                   ChildEnvironment(ctx, copts.transport, *hash, enclave ? enclave->Address() : ""),
                   old_mask)) {
    return Refuse(std::string("fork failed: ") + std::strerror(errno), kExitError);
  }
  Say("started pid " + std::to_string(child.pid()) + ", transport " + ctx.transport + " " +
      (ctx.transport == "uds" ? copts.transport.socket_path : copts.transport.http_addr));

  auto forward = [&](int sig) {
    if (sig == SIGINT || sig == SIGTERM) {
      Say(std::string("forwarding ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + " to pid " +
          std::to_string(child.pid()));
      child.Signal(sig);
      return true;
    }
    return false;
  };
  // The daemon is done: stop the enclave after it; a clean pair exits 0.
  auto finish = [&]() {
    child.Reap(true);
    Say("cryfttee exited with status " + std::to_string(child.status()));
    int status = child.status();
    if (enclave) {
      int enclave_status = enclave->Stop();
      if (status == 0) status = enclave_status;
    }
    return status;
  };
  // The pair lives and dies together: a vanished enclave stops the daemon.
  auto enclave_gone = [&]() {
    if (!enclave || !enclave->Exited()) return false;
    Say("cryfttee-enclave exited with status " + std::to_string(enclave->status()) +
        "; stopping cryfttee pid " + std::to_string(child.pid()));
    child.Stop(a.stop_timeout);
    return true;
  };
  auto enclave_gone_status = [&]() {
    return enclave->status() != 0 ? enclave->status() : kExitError;
  };

  // 3. Wait for the API, then check attestation.
  client::CryftteeClient api(copts);
  int64_t deadline = MonotonicMillis() + static_cast<int64_t>(a.wait_timeout * 1000);
  bool forwarded = false;
  while (true) {
    if (forward(WaitSignal(set, 0))) forwarded = true;
    if (child.Reap()) {
      if (!forwarded) Say("cryfttee exited before its API answered");
      return finish();
    }
    if (enclave_gone()) return enclave_gone_status();
    if (forwarded) {  // the operator asked us to stop while it was starting
      int sig = WaitSignal(set, 100);
      forward(sig);
      continue;
    }
    auto nonce = client::NewAttestationNonce();
    if (!nonce.ok()) {
      child.Stop(a.stop_timeout);
      return Refuse(nonce.status().message(), kExitError);
    }
    auto att = api.GetAttestation(*nonce);
    if (att.ok()) {
      Status check = client::CheckAttestation(*att, {*hash, *nonce});
      if (!check.ok()) {
        Say("attestation check failed: " + check.message() + "; stopping pid " +
            std::to_string(child.pid()));
        child.Stop(a.stop_timeout);
        return kExitAttestationMismatch;
      }
      Say("attestation verified: cryfttee " + att->cryfttee_version + " reports " +
          att->core_binary_hash + " (" + att->binary_hash_source + ")");
      break;
    }
    if (MonotonicMillis() >= deadline) {
      Say("the API did not answer within " + std::to_string(static_cast<int>(a.wait_timeout)) +
          " s (last error: " + att.status().ToString() + "); stopping pid " +
          std::to_string(child.pid()));
      child.Stop(a.stop_timeout);
      return kExitError;
    }
    if (forward(WaitSignal(set, 100))) forwarded = true;
  }
  if (ctx.json) {
    std::cout << nlohmann::json{{"event", "verified"},
                                {"pid", child.pid()},
                                {"core_binary_hash", *hash}}
                     .dump()
              << std::endl;
  }

  // 4 and 5. Supervise: re-hash the running image, forward signals, exit with the child.
  const std::string exe = "/proc/" + std::to_string(child.pid()) + "/exe";
  int64_t reverify_ms = static_cast<int64_t>(a.reverify_every * 1000);
  int64_t next_check = reverify_ms > 0 ? MonotonicMillis() + reverify_ms : INT64_MAX;
  while (true) {
    int64_t wait = reverify_ms > 0 ? next_check - MonotonicMillis() : 1000;
    forward(WaitSignal(set, std::min<int64_t>(wait, 1000)));
    if (child.Reap()) return finish();
    if (enclave_gone()) return enclave_gone_status();
    if (reverify_ms > 0 && MonotonicMillis() >= next_check) {
      next_check = MonotonicMillis() + reverify_ms;
      auto running = Sha256File(exe);
      if (!running.ok()) {
        if (child.Reap()) return finish();
        Say("warning: cannot re-hash " + exe + ": " + running.status().message());
        continue;
      }
      if (*running != *hash) {
        Say("running binary changed: " + exe + " hashes to " + *running + ", launched " + *hash +
            "; stopping pid " + std::to_string(child.pid()));
        child.Stop(a.stop_timeout);
        return kExitAttestationMismatch;
      }
    }
  }
}

}  // namespace

void RegisterLaunchCommand(CLI::App& app, CtlContext& ctx) {
  auto a = std::make_shared<LaunchArgs>();
  auto* cmd = app.add_subcommand(
      "launch",
      "hash the cryfttee binary, start it with the verified hash, check its attestation and "
      "supervise it (arguments after -- go to the daemon)");
  cmd->add_option("--binary", a->binary, "the cryfttee binary")->required();
  auto* expected = cmd->add_option("--expected-hash", a->expected_hash,
                                   "refuse to start unless the binary hashes to this "
                                   "(sha256:<64 hex>)");
  auto* releases = cmd->add_option("--releases", a->releases_file,
                                   "known releases: JSON [{version, hash, signature?}]");
  cmd->add_option("--release-key", a->release_key_file,
                  "Ed25519 public key of the release publisher (64 hex or base64)")
      ->needs(releases);
  expected->excludes(releases);
  cmd->add_option("--reverify-every", a->reverify_every,
                  "re-hash /proc/<pid>/exe every this many seconds (0: never)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--wait-timeout", a->wait_timeout, "seconds to wait for the API (default 30)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stop-timeout", a->stop_timeout,
                  "seconds between SIGTERM and SIGKILL when stopping the child (default 10)")
      ->check(CLI::PositiveNumber);
  auto* enclave = cmd->add_option("--enclave", a->enclave.binary,
                                  "start this cryfttee-enclave first and point the daemon at it "
                                  "(the parent/enclave pair; both are stopped together)");
  cmd->add_option("--enclave-socket", a->enclave.socket_path,
                  "the enclave's Unix socket (with --enclave)")
      ->needs(enclave);
  cmd->add_option("--enclave-data-dir", a->enclave.data_dir,
                  "the enclave's key directory (with --enclave)")
      ->needs(enclave);
  cmd->add_option("--enclave-seal-password-file", a->enclave.seal_password_file,
                  "the enclave's sealing secret (else CRYFTTEE_SEAL_PASSWORD, else a machine "
                  "secret in its data directory)")
      ->needs(enclave);
  cmd->add_option("--enclave-arg", a->enclave.extra_args,
                  "one more enclave flag, repeatable: --enclave-arg=--log-format "
                  "--enclave-arg=json")
      ->needs(enclave);
  cmd->add_option("args", a->child_args, "daemon arguments (after --)");
  cmd->callback([&ctx, a] {
    if (!a->expected_hash.empty() && !IsSha256Text(a->expected_hash)) {
      Say("--expected-hash must be sha256: and 64 lower-case hex digits");
      ctx.exit_code = kExitUsage;
      return;
    }
    if (!a->enclave.binary.empty() &&
        (a->enclave.socket_path.empty() || a->enclave.data_dir.empty())) {
      Say("--enclave needs --enclave-socket and --enclave-data-dir");
      ctx.exit_code = kExitUsage;
      return;
    }
    a->enclave.ready_timeout = a->wait_timeout;
    a->enclave.stop_timeout = a->stop_timeout;
    ctx.exit_code = Launch(ctx, *a);
  });
}

}  // namespace cryfttee::ctl
