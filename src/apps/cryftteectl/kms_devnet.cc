// cryftteectl kms devnet: a local KMS network for developers and tests (issue 14, fixed
// interface):
//
//   cryftteectl kms devnet --operators N --threshold T --interval 5s --dir DIR
//                          [--scheme feldman|pedersen] [--enclave op<i>]...
//
// starts N cryfttee daemons in operator mode on loopback (operator i: id "op<i>", API socket
// DIR/op<i>/api.sock, data DIR/op<i>/data, log DIR/op<i>/cryfttee.log, protocol API on a free
// 127.0.0.1 port), reads each one's peering entry from its API socket (GET /v1/kms/identity),
// writes the peering file DIR/peering.json that every daemon re-reads at each boundary, then
// DIR/devnet.json =
//   {"threshold":T,"interval_seconds":S,"operators":[{"id","pid","api_socket","protocol_url"}]}
// and keeps running. SIGINT or SIGTERM stops every daemon (SIGTERM, then SIGKILL after 10 s) and
// exits 0. An operator that dies is reported on stderr and not restarted: the others go on, and
// a session it was part of gives up before the next boundary.
//
// The threshold rule handed to the daemons is (T-1)/N, so t = floor(n (T-1)/N) + 1 = T for the
// initial n = N (and follows the same rule when operators are added or removed).
//
// --enclave op<i> (repeatable) runs that operator as a daemon + cryfttee-enclave pair (issue 15):
// the enclave (beside the daemon binary) listens on DIR/op<i>/enclave.sock with its data in
// DIR/op<i>/enclave-data (log DIR/op<i>/enclave.log), the daemon gets --enclave-addr, and the
// operator's keys, KMS engine and shares live in the enclave. Its devnet.json entry adds
// "enclave_pid" and "enclave_data_dir"; every entry has "data_dir".
//
// Test-only: --test-misbehaviour op<i>=invalid_share|equivocate makes that operator a cheating
// dealer (the daemon gets CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR=1; it says so loudly in its log).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "apps/cryftteectl/commands.h"
#include "apps/cryftteectl/daemon_connection.h"

extern char** environ;

namespace cryfttee::ctl {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct DevnetOptions {
  int operators = 0;
  int threshold = 0;
  std::string interval = "5s";
  std::string dir;
  std::string scheme = "pedersen";
  std::string daemon;                      // default: cryfttee beside this executable
  std::vector<std::string> misbehaviours;  // "op3=invalid_share"
  std::vector<std::string> enclaves;       // "op2": that operator's keys live in an enclave
};

struct Operator {
  std::string id;
  std::string dir;
  std::string socket;
  std::string misbehaviour;
  bool enclave = false;
  pid_t pid = -1;
  pid_t enclave_pid = -1;
  Json entry;  // peering entry
};

int64_t IntervalMillis(const std::string& text) {
  size_t digits = text.find_first_not_of("0123456789");
  if (text.empty() || digits == 0 || text.size() > 12) return 0;
  int64_t n = std::stoll(text.substr(0, digits));
  std::string unit = digits == std::string::npos ? "s" : text.substr(digits);
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  return 0;
}

Status WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return Status::Internal("io_error", "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Internal("io_error", "cannot rename " + tmp + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

pid_t SpawnProcess(const std::string& binary, std::vector<std::string> args,
                   const std::string& misbehaviour, const std::string& log,
                   const sigset_t& child_mask);

pid_t Spawn(const DevnetOptions& o, const Operator& op, const sigset_t& child_mask) {
  const std::string threshold_rule =
      std::to_string(o.threshold - 1) + "/" + std::to_string(o.operators);
  std::vector<std::string> args = {o.daemon,
                                   "--api-transport",
                                   "uds",
                                   "--uds-path",
                                   op.socket,
                                   "--data-dir",
                                   op.dir + "/data",
                                   "--kiosk-addr",
                                   "off",
                                   "--metrics-addr",
                                   "",
                                   "--kms-listen-addr",
                                   "127.0.0.1:0",
                                   "--kms-operator-id",
                                   op.id,
                                   "--kms-peering-file",
                                   o.dir + "/peering.json",
                                   "--kms-interval",
                                   o.interval,
                                   "--kms-threshold",
                                   threshold_rule,
                                   "--kms-scheme",
                                   o.scheme};
  if (!op.misbehaviour.empty()) {
    args.push_back("--kms-test-misbehaviour");
    args.push_back(op.misbehaviour);
  }
  if (op.enclave) {
    args.push_back("--enclave-addr");
    args.push_back("unix:" + op.dir + "/enclave.sock");
  }
  return SpawnProcess(o.daemon, args, op.misbehaviour, op.dir + "/cryfttee.log", child_mask);
}

// The operator's enclave: keys, KMS engine and shares (--enclave op<i>).
pid_t SpawnEnclave(const DevnetOptions& o, const Operator& op, const sigset_t& child_mask) {
  const std::string binary = (fs::path(o.daemon).parent_path() / "cryfttee-enclave").string();
  std::vector<std::string> args = {binary, "--listen", "unix:" + op.dir + "/enclave.sock",
                                   "--data-dir", op.dir + "/enclave-data"};
  return SpawnProcess(binary, args, "", op.dir + "/enclave.log", child_mask);
}

pid_t SpawnProcess(const std::string& binary, std::vector<std::string> args,
                   const std::string& misbehaviour, const std::string& log,
                   const sigset_t& child_mask) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    // The daemons' settings come from the flags above, never from the caller's CRYFTTEE_*.
    if (std::strncmp(*e, "CRYFTTEE_", 9) == 0 &&
        std::strncmp(*e, "CRYFTTEE_SEAL_PASSWORD=", 23) != 0) {
      continue;
    }
    env.emplace_back(*e);
  }
  if (!misbehaviour.empty()) env.emplace_back("CRYFTTEE_KMS_ALLOW_TEST_MISBEHAVIOUR=1");

  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: restore the signal mask, send output to the operator's log, exec the daemon.
  ::sigprocmask(SIG_SETMASK, &child_mask, nullptr);
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  ::execve(binary.c_str(), argv.data(), envp.data());
  std::fprintf(stderr, "devnet: cannot run %s: %s\n", binary.c_str(), std::strerror(errno));
  ::_exit(127);
}

// The operator's peering entry, once its API socket answers (or why not, within `timeout`).
Result<Json> WaitForIdentity(const CtlContext& base, const Operator& op,
                             std::chrono::seconds timeout) {
  CtlContext ctx = base;
  ctx.transport = "uds";
  ctx.socket_path = op.socket;
  ctx.retry = false;
  ctx.timeout_seconds = 2;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Status last = Status::Unavailable("not_started", "no answer yet");
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(op.pid, &wstatus, WNOHANG) == op.pid) {
      return Status::Unavailable(
          "daemon_exited", op.id + " exited during start-up; see " + op.dir + "/cryfttee.log");
    }
    if (fs::exists(op.socket)) {
      auto answer = CallDaemon(ctx, "GET", "/v1/kms/identity");
      if (answer.ok() && answer->value("address", "") != "") {
        answer->erase("success");
        return *answer;
      }
      if (!answer.ok()) last = answer.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Unavailable(
      "daemon_not_ready", op.id + " did not answer on " + op.socket + " (" + last.message() + ")");
}

// SIGTERM to each of `pids`, SIGKILL to those still running 10 s later; reaps them all.
void StopPids(const std::vector<pid_t*>& pids) {
  for (pid_t* pid : pids) {
    if (*pid > 0) ::kill(*pid, SIGTERM);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (pid_t* pid : pids) {
    while (*pid > 0) {
      int wstatus = 0;
      pid_t r = ::waitpid(*pid, &wstatus, WNOHANG);
      if (r == *pid || (r < 0 && errno == ECHILD)) {
        *pid = -1;
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(*pid, SIGKILL);
        ::waitpid(*pid, &wstatus, 0);
        *pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

// The daemons first (they may still be talking to their enclaves), then the enclaves.
void StopAll(std::vector<Operator>& ops) {
  std::vector<pid_t*> daemons, enclaves;
  for (auto& op : ops) {
    daemons.push_back(&op.pid);
    enclaves.push_back(&op.enclave_pid);
  }
  StopPids(daemons);
  StopPids(enclaves);
}

int RunDevnet(DevnetOptions o, const CtlContext& ctx) {
  if (o.operators < 2 || o.operators > 64) {
    std::cerr << "devnet: --operators must be between 2 and 64\n";
    return kExitUsage;
  }
  if (o.threshold < 2 || o.threshold > o.operators) {
    std::cerr << "devnet: --threshold must be between 2 and --operators\n";
    return kExitUsage;
  }
  const int64_t interval_ms = IntervalMillis(o.interval);
  if (interval_ms < 2000) {
    std::cerr << "devnet: --interval must be a duration of at least 2s (e.g. 5s, 2m)\n";
    return kExitUsage;
  }
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  o.dir = fs::absolute(o.dir).lexically_normal().string();
  if (o.daemon.empty()) {
    o.daemon = (fs::read_symlink("/proc/self/exe", ec).parent_path() / "cryfttee").string();
  }
  if (::access(o.daemon.c_str(), X_OK) != 0) {
    std::cerr << "devnet: daemon " << o.daemon << " is not executable (use --daemon)\n";
    return kExitError;
  }
  std::map<std::string, std::string> misbehave;
  for (const auto& m : o.misbehaviours) {
    size_t eq = m.find('=');
    if (eq == std::string::npos) {
      std::cerr << "devnet: --test-misbehaviour wants op<i>=invalid_share|equivocate\n";
      return kExitUsage;
    }
    misbehave[m.substr(0, eq)] = m.substr(eq + 1);
  }

  // SIGINT/SIGTERM/SIGCHLD are taken synchronously (sigtimedwait) by the supervising loop.
  sigset_t wanted, previous;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGINT);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &wanted, &previous);

  std::vector<Operator> ops;
  for (int i = 1; i <= o.operators; ++i) {
    Operator op;
    op.id = "op" + std::to_string(i);
    op.dir = o.dir + "/" + op.id;
    op.socket = op.dir + "/api.sock";
    if (misbehave.count(op.id)) op.misbehaviour = misbehave[op.id];
    for (const auto& e : o.enclaves) op.enclave = op.enclave || e == op.id;
    fs::create_directories(op.dir + "/data", ec);
    ::chmod(op.dir.c_str(), 0700);
    ::chmod((op.dir + "/data").c_str(), 0700);
    ops.push_back(std::move(op));
  }
  for (auto& op : ops) {
    if (!op.enclave) continue;
    op.enclave_pid = SpawnEnclave(o, op, previous);
    // The daemon gives its enclave a few seconds at start-up; the socket is normally there first.
    for (int i = 0; i < 100 && !fs::exists(op.dir + "/enclave.sock"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& op : ops) op.pid = Spawn(o, op, previous);

  Json peering = {{"operators", Json::array()}};
  for (auto& op : ops) {
    auto entry = WaitForIdentity(ctx, op, std::chrono::seconds(60));
    if (!entry.ok()) {
      std::cerr << "devnet: " << entry.status().message() << "\n";
      StopAll(ops);
      return kExitError;
    }
    op.entry = *entry;
    peering["operators"].push_back(op.entry);
  }
  Json devnet = {{"threshold", o.threshold},
                 {"interval_seconds", interval_ms / 1000},
                 {"operators", Json::array()}};
  for (const auto& op : ops) {
    Json entry = {{"id", op.id},
                  {"pid", op.pid},
                  {"api_socket", op.socket},
                  {"data_dir", op.dir + "/data"},
                  {"protocol_url", op.entry["address"]}};
    if (op.enclave) {
      entry["enclave_pid"] = op.enclave_pid;
      entry["enclave_data_dir"] = op.dir + "/enclave-data";
    }
    devnet["operators"].push_back(entry);
  }
  for (auto [path, doc] :
       {std::pair{o.dir + "/peering.json", &peering}, std::pair{o.dir + "/devnet.json", &devnet}}) {
    Status written = WriteAtomically(path, doc->dump(2) + "\n");
    if (!written.ok()) {
      std::cerr << "devnet: " << written.message() << "\n";
      StopAll(ops);
      return kExitError;
    }
  }
  std::cout << "devnet: " << o.operators << " operators ready (t=" << o.threshold << ", interval "
            << o.interval << "); " << o.dir << "/devnet.json" << std::endl;

  for (;;) {
    timespec wait{0, 200'000'000};
    int sig = ::sigtimedwait(&wanted, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) break;
    for (auto& op : ops) {
      int wstatus = 0;
      if (op.pid > 0 && ::waitpid(op.pid, &wstatus, WNOHANG) == op.pid) {
        std::cerr << "devnet: " << op.id << " (pid " << op.pid << ") "
                  << (WIFSIGNALED(wstatus)
                          ? "was killed by signal " + std::to_string(WTERMSIG(wstatus))
                          : "exited with " + std::to_string(WEXITSTATUS(wstatus)))
                  << "; the others go on" << std::endl;
        op.pid = -1;
      }
      if (op.enclave_pid > 0 && ::waitpid(op.enclave_pid, &wstatus, WNOHANG) == op.enclave_pid) {
        std::cerr << "devnet: " << op.id << "'s enclave (pid " << op.enclave_pid
                  << ") ended; its daemon answers enclave_unavailable" << std::endl;
        op.enclave_pid = -1;
      }
    }
  }
  std::cout << "devnet: stopping" << std::endl;
  StopAll(ops);
  return kExitOk;
}

}  // namespace

void RegisterKmsDevnetCommand(CLI::App& kms, CtlContext& ctx) {
  auto o = std::make_shared<DevnetOptions>();
  auto* cmd = kms.add_subcommand("devnet", "run N local operator daemons until SIGINT/SIGTERM");
  cmd->add_option("--operators", o->operators, "number of operators (2-64)")->required();
  cmd->add_option("--threshold", o->threshold, "signatures needed, t (2..N)")->required();
  cmd->add_option("--interval", o->interval, "DKG/reshare interval, at least 2s (default 5s)");
  cmd->add_option("--dir", o->dir, "directory for sockets, data, logs and devnet.json")->required();
  cmd->add_option("--scheme", o->scheme, "pedersen (default) | feldman")
      ->check(CLI::IsMember({"pedersen", "feldman"}));
  cmd->add_option("--daemon", o->daemon, "cryfttee binary (default: beside cryftteectl)");
  cmd->add_option("--test-misbehaviour", o->misbehaviours,
                  "TEST ONLY: op<i>=invalid_share|equivocate (repeatable)");
  cmd->add_option("--enclave", o->enclaves,
                  "op<i>: run that operator with a cryfttee-enclave holding its keys and shares "
                  "(repeatable)");
  cmd->callback([o, &ctx] { ctx.exit_code = RunDevnet(*o, ctx); });
}

}  // namespace cryfttee::ctl
