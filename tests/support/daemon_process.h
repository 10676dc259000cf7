// Starts the real cryfttee binary for integration tests, in a private temporary directory
// (socket, data dir, logs), and stops it. The binary is <CRYFTTEE_BUILD_DIR>/bin/cryfttee.
//
// Evidence for the suite's secret scan (tests/ops/audit_daemon_test.cc): with
// CRYFTTEE_TEST_LOG_DIR set (ctest sets <build>/test-logs), a DaemonProcess copies every log and
// audit file of its directory there when it is destroyed, and Post() appends the secrets it
// sends (key_material, password) to <dir>/known-secrets.txt, so the scan knows what to look for.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/enclave_process.h"
#include "support/raw_http.h"

namespace cryfttee::testing {

// A private directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string BuildDir();
std::string SourceDir();
// Empty when the shared folder is absent.
std::string SharedDir();
std::string BinaryPath(const std::string& name);  // <build>/bin/<name>
// CRYFTTEE_TEST_LOG_DIR, or "" when unset.
std::string TestLogDir();
// Appends `field` and `value` (one line: "field<TAB>value") to <TestLogDir>/known-secrets.txt.
void RecordKnownSecret(const std::string& field, const std::string& value);

struct DaemonOptions {
  std::vector<std::string> args;           // extra flags
  std::map<std::string, std::string> env;  // extra environment (CRYFTTEE_* from the test's
                                           // own environment are removed first)
  bool use_uds = true;                     // add --uds-path <tmp>/cryfttee.sock
  bool bundled_modules = true;             // point at the build tree's signed modules
  long rlimit_nofile = 0;                  // > 0: the child's RLIMIT_NOFILE (soft and hard)
  int umask = -1;                          // >= 0: the child's umask (else inherited)
  // Where the keys live: kAuto follows CRYFTTEE_TEST_ENCLAVE (enclave_process.h); kAlways
  // starts a cryfttee-enclave beside the daemon; kNever keeps the vault in the daemon (tests of
  // the daemon's own vault start-up).
  enum class Keys { kAuto, kAlways, kNever } keys = Keys::kAuto;
};

class DaemonProcess {
 public:
  explicit DaemonProcess(DaemonOptions options = {});
  ~DaemonProcess();  // SIGKILL if still running

  // Starts the process and waits until the API answers (or the process exits).
  bool Start(int timeout_ms = 15'000);
  // Starts without waiting.
  bool Spawn();
  // Socket activation, before Spawn(): these descriptors become the child's 3, 4, ... with
  // LISTEN_FDS and LISTEN_PID (the child's own pid) set, as systemd passes a socket unit's.
  void PassListenFds(std::vector<int> fds) { listen_fds_ = std::move(fds); }
  bool WaitReady(int timeout_ms);
  // Sends `signo` and waits for exit; returns the exit code (128+signal if killed), -1 on timeout.
  int Stop(int signo = 15, int timeout_ms = 15'000);
  // Waits for the process to exit on its own; exit code or -1.
  int Wait(int timeout_ms);
  bool Running();

  pid_t pid() const { return pid_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& data_dir() const { return data_dir_; }
  const TempDir& dir() const { return dir_; }
  std::string Log() const;

  // The daemon's enclave in remote mode (null otherwise). It outlives daemon restarts.
  EnclaveProcess* enclave() { return enclave_.get(); }

  RawResponse Get(const std::string& target) const;
  RawResponse Post(const std::string& target, const std::string& body) const;

 private:
  DaemonOptions options_;
  TempDir dir_;
  std::string socket_path_;
  std::string data_dir_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::vector<int> listen_fds_;
  std::unique_ptr<EnclaveProcess> enclave_;
};

}  // namespace cryfttee::testing
