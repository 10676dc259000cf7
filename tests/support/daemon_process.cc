#include "support/daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace cryfttee::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  // Short paths: Unix socket paths are limited to 107 bytes.
  char tmpl[] = "/tmp/cft-XXXXXX";
  path_ = ::mkdtemp(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

static std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string BuildDir() { return EnvOr("CRYFTTEE_BUILD_DIR", "build"); }
std::string SourceDir() { return EnvOr("CRYFTTEE_SOURCE_DIR", "."); }
std::string SharedDir() {
  std::string dir = EnvOr("CRYFTTEE_SHARED_DIR", "");
  return !dir.empty() && fs::is_directory(dir) ? dir : "";
}
std::string BinaryPath(const std::string& name) { return BuildDir() + "/bin/" + name; }
std::string TestLogDir() { return EnvOr("CRYFTTEE_TEST_LOG_DIR", ""); }

void RecordKnownSecret(const std::string& field, const std::string& value) {
  std::string dir = TestLogDir();
  if (dir.empty() || value.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  // One write per line with O_APPEND: tests running in parallel never interleave a line.
  std::string line = field + "\t" + value + "\n";
  int fd = ::open((dir + "/known-secrets.txt").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return;
  [[maybe_unused]] ssize_t n = ::write(fd, line.data(), line.size());
  ::close(fd);
}

namespace {

// Keeps the daemon's (and its enclave's) logs and audit files for the secret scan: every
// *.log, *.log.N below the test's directory, flattened into one name per file.
void KeepLogs(const std::string& dir) {
  std::string out = TestLogDir();
  if (out.empty()) return;
  std::error_code ec;
  fs::create_directories(out, ec);
  std::string prefix = fs::path(dir).filename().string();
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    size_t dot = name.find(".log");
    if (dot == std::string::npos) continue;
    std::string rel = fs::relative(it->path(), dir, ec).string();
    for (char& c : rel) c = c == '/' ? '_' : c;
    fs::copy_file(it->path(), out + "/" + prefix + "-" + rel, fs::copy_options::overwrite_existing,
                  ec);
  }
}

// The secrets a request body carries: a key's raw material (not a keystore: that is encrypted)
// and a keystore password.
void RecordSecretsOf(const std::string& body) {
  if (TestLogDir().empty() || (body.find("key_material") == std::string::npos &&
                               body.find("password") == std::string::npos)) {
    return;
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return;
  for (const char* field : {"key_material", "password"}) {
    auto it = json.find(field);
    if (it == json.end() || !it->is_string()) continue;
    const std::string& v = it->get_ref<const std::string&>();
    if (!v.empty() && v[0] != '{') RecordKnownSecret(field, v);
  }
}

}  // namespace

DaemonProcess::DaemonProcess(DaemonOptions options) : options_(std::move(options)) {
  socket_path_ = dir_.File("cryfttee.sock");
  data_dir_ = dir_.File("data");
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && exit_code_ < 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  KeepLogs(dir_.path());
}

bool DaemonProcess::Spawn() {
  std::vector<std::string> args = {BinaryPath("cryfttee"),
                                   "--data-dir",
                                   data_dir_,
                                   "--kiosk-addr",
                                   "off",
                                   "--metrics-addr",
                                   "",
                                   "--log-level",
                                   "info",
                                   "--shutdown-grace-seconds",
                                   "5"};
  if (options_.use_uds) {
    args.push_back("--uds-path");
    args.push_back(socket_path_);
  }
  if (options_.bundled_modules) {
    args.insert(args.end(), {"--module-dir", BuildDir() + "/modules", "--trust-config",
                             BuildDir() + "/config/trust.toml"});
  } else {
    // Not the defaults beside the binary (the build tree has signed modules there): nothing.
    args.insert(args.end(), {"--module-dir", dir_.File("no-modules"), "--trust-config",
                             dir_.File("no-trust.toml")});
  }
  bool remote = options_.keys == DaemonOptions::Keys::kAlways ||
                (options_.keys == DaemonOptions::Keys::kAuto && TestEnclaveMode());
  if (remote) {
    if (!enclave_) {
      std::string data = data_dir_;
      for (size_t i = 0; i + 1 < options_.args.size(); ++i) {
        if (options_.args[i] == "--data-dir") data = options_.args[i + 1];
      }
      enclave_ = std::make_unique<EnclaveProcess>(dir_.path(), data, SealArgsOf(options_.args),
                                                  options_.env);
      enclave_->set_umask(options_.umask);
    }
    if (!enclave_->Running() && !enclave_->Start()) return false;
    args.insert(args.end(), {"--enclave-addr", enclave_->address()});
  }
  // Later flags win in CLI11 for single-value options, so test-specific flags override these.
  args.insert(args.end(), options_.args.begin(), options_.args.end());

  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).rfind("CRYFTTEE_", 0) != 0) env.emplace_back(*e);
  }
  for (const auto& [k, v] : options_.env) env.push_back(k + "=" + v);

  std::string log = dir_.File("daemon.log");
  pid_ = ::fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    if (options_.rlimit_nofile > 0) {
      struct rlimit rl {};
      rl.rlim_cur = rl.rlim_max = static_cast<rlim_t>(options_.rlimit_nofile);
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (options_.umask >= 0) ::umask(static_cast<mode_t>(options_.umask));
    if (!listen_fds_.empty()) {
      // Moved above any descriptor they could collide with first, then into place from 3 on.
      std::vector<int> high;
      for (int f : listen_fds_) high.push_back(::fcntl(f, F_DUPFD, 100));
      for (size_t i = 0; i < high.size(); ++i) {
        ::dup2(high[i], 3 + static_cast<int>(i));
        ::close(high[i]);
      }
      env.push_back("LISTEN_FDS=" + std::to_string(high.size()));
      env.push_back("LISTEN_PID=" + std::to_string(::getpid()));
    }
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
  return true;
}

bool DaemonProcess::Start(int timeout_ms) { return Spawn() && WaitReady(timeout_ms); }

bool DaemonProcess::Running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

bool DaemonProcess::WaitReady(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return false;
    if (options_.use_uds && Get("/v1/runtime/attestation").status == 200) return true;
    if (!options_.use_uds) {
      // TCP daemons: the test knows the port; readiness is "log says listening".
      if (Log().find("API listening") != std::string::npos) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int DaemonProcess::Wait(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return exit_code_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

int DaemonProcess::Stop(int signo, int timeout_ms) {
  if (Running()) ::kill(pid_, signo);
  return Wait(timeout_ms);
}

std::string DaemonProcess::Log() const {
  std::ifstream in(dir_.File("daemon.log"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RawResponse DaemonProcess::Get(const std::string& target) const {
  return UnixRequest(socket_path_, "GET", target);
}

RawResponse DaemonProcess::Post(const std::string& target, const std::string& body) const {
  RecordSecretsOf(body);
  return UnixRequest(socket_path_, "POST", target, body);
}

}  // namespace cryfttee::testing
