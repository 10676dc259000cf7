#include "support/enclave_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"

extern char** environ;

namespace cryfttee::testing {

bool TestEnclaveMode() {
  const char* v = std::getenv("CRYFTTEE_TEST_ENCLAVE");
  return v != nullptr && std::string(v) == "1";
}

EnclaveProcess::EnclaveProcess(std::string run_dir, std::string data_dir,
                               std::vector<std::string> extra_args,
                               std::map<std::string, std::string> env)
    : run_dir_(std::move(run_dir)),
      data_dir_(std::move(data_dir)),
      extra_args_(std::move(extra_args)),
      env_(std::move(env)) {}

EnclaveProcess::~EnclaveProcess() {
  if (pid_ > 0 && exit_code_ < 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool EnclaveProcess::Start(int timeout_ms) {
  std::vector<std::string> args = {BinaryPath("cryfttee-enclave"), "--listen", address(),
                                   "--data-dir", data_dir_};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).rfind("CRYFTTEE_", 0) != 0) env.emplace_back(*e);
  }
  for (const auto& [k, v] : env_) env.push_back(k + "=" + v);
  std::string log = run_dir_ + "/enclave.log";
  size_t log_start = 0;
  {
    std::error_code ec;
    if (std::filesystem::exists(log, ec)) log_start = std::filesystem::file_size(log, ec);
  }
  ++starts_;
  pid_ = ::fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    if (umask_ >= 0) ::umask(static_cast<mode_t>(umask_));
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  exit_code_ = -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return false;
    std::string text = Log();
    if (text.size() > log_start &&
        text.find("cryfttee-enclave ready", log_start) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool EnclaveProcess::Running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int EnclaveProcess::Stop(int signo, int timeout_ms) {
  if (Running()) ::kill(pid_, signo);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return exit_code_;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

std::string EnclaveProcess::Log() const {
  std::ifstream in(run_dir_ + "/enclave.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SealArgsOf(const std::vector<std::string>& daemon_args) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < daemon_args.size(); ++i) {
    if (daemon_args[i] == "--seal-password-file") {
      out = {daemon_args[i], daemon_args[i + 1]};  // the last one wins, as for the daemon
    }
  }
  return out;
}

std::vector<std::string> SharedEnclaveArgs(const std::string& data_dir,
                                           const std::vector<std::string>& daemon_args) {
  if (!TestEnclaveMode()) return {};
  struct Shared {
    std::unique_ptr<TempDir> dir;
    std::unique_ptr<EnclaveProcess> enclave;
  };
  // Destroyed at exit, which SIGKILLs every enclave still running.
  static std::map<std::string, Shared> enclaves;
  Shared& s = enclaves[data_dir];
  if (!s.enclave || !s.enclave->Running()) {
    s.dir = std::make_unique<TempDir>();
    s.enclave = std::make_unique<EnclaveProcess>(s.dir->path(), data_dir, SealArgsOf(daemon_args));
    if (!s.enclave->Start()) return {"--enclave-addr", "unix:/nonexistent/enclave-did-not-start"};
  }
  return {"--enclave-addr", s.enclave->address()};
}

}  // namespace cryfttee::testing
