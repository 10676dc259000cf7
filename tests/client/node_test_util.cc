#include "node_test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

extern char** environ;

namespace cryfttee::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Proc::Proc(std::vector<std::string> argv, std::map<std::string, std::string> env_extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).rfind("CRYFTTEE_", 0) != 0) env.emplace_back(*e);
  }
  for (const auto& [k, v] : env_extra) env.push_back(k + "=" + v);
  std::string out = dir_.File("stdout"), err = dir_.File("stderr");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);  // so a test's signal reaches only this process
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> a, en;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    for (auto& s : env) en.push_back(s.data());
    en.push_back(nullptr);
    ::execve(a[0], a.data(), en.data());
    ::_exit(127);
  }
}

Proc::~Proc() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool Proc::Running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) == pid_) {
    exit_code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

int Proc::Wait(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return exit_code_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

void Proc::Signal(int signo) {
  if (Running()) ::kill(pid_, signo);
}

std::string Proc::Out() const { return Slurp(dir_.File("stdout")); }
std::string Proc::Err() const { return Slurp(dir_.File("stderr")); }

CtlResult RunCtl(const std::vector<std::string>& args, int timeout_ms,
                 std::map<std::string, std::string> env) {
  std::vector<std::string> argv = {BinaryPath("cryftteectl")};
  argv.insert(argv.end(), args.begin(), args.end());
  Proc p(argv, std::move(env));
  CtlResult r;
  r.exit_code = p.Wait(timeout_ms);
  r.out = p.Out();
  r.err = p.Err();
  return r;
}

std::vector<std::string> DaemonArgs(const TempDir& dir, bool bundled_modules) {
  std::vector<std::string> args = {"--data-dir",
                                   dir.File("data"),
                                   "--kiosk-addr",
                                   "off",
                                   "--log-level",
                                   "info",
                                   "--shutdown-grace-seconds",
                                   "2"};
  if (bundled_modules) {
    args.insert(args.end(), {"--module-dir", BuildDir() + "/modules", "--trust-config",
                             BuildDir() + "/config/trust.toml"});
  }
  for (auto& a : SharedEnclaveArgs(dir.File("data"))) args.push_back(std::move(a));
  return args;
}

bool Eventually(int timeout_ms, const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

bool ProcessExists(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace cryfttee::testing
