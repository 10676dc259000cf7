// Starts the real cryfttee-enclave binary for integration tests, and the switch that runs the
// daemon suites in remote mode: with CRYFTTEE_TEST_ENCLAVE=1 in the test's environment, every
// DaemonProcess (and every daemon launched with DaemonArgs) gets its own enclave on a Unix
// socket beside it, sharing its data directory, and the daemon runs with --enclave-addr.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace cryfttee::testing {

// True when CRYFTTEE_TEST_ENCLAVE=1: the second CI configuration (daemon in remote mode).
bool TestEnclaveMode();

class EnclaveProcess {
 public:
  // The socket and log go in `run_dir`; the vault in `data_dir`. `extra_args` are added to the
  // command line (seal options); `env` to the environment (CRYFTTEE_SEAL_PASSWORD).
  EnclaveProcess(std::string run_dir, std::string data_dir,
                 std::vector<std::string> extra_args = {},
                 std::map<std::string, std::string> env = {});
  ~EnclaveProcess();  // SIGKILL if still running
  EnclaveProcess(const EnclaveProcess&) = delete;
  EnclaveProcess& operator=(const EnclaveProcess&) = delete;

  // Spawns and waits for the "ready" log line (or exit). Can be called again after Stop/Kill:
  // the new process takes over the socket file the old one left.
  bool Start(int timeout_ms = 15'000);
  // Sends `signo` and waits; exit code (128+signal if killed), -1 on timeout.
  int Stop(int signo = 15, int timeout_ms = 15'000);
  bool Running();

  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string socket_path() const { return run_dir_ + "/enclave.sock"; }
  std::string address() const { return "unix:" + socket_path(); }
  std::string Log() const;
  // >= 0: the child's umask from the next Start (else inherited), like the daemon's.
  void set_umask(int umask) { umask_ = umask; }

 private:
  std::string run_dir_;
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  std::map<std::string, std::string> env_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  int starts_ = 0;
  int umask_ = -1;
};

// The seal options among daemon arguments (--seal-password-file X), for the enclave.
std::vector<std::string> SealArgsOf(const std::vector<std::string>& daemon_args);

// Remote mode for daemons started by cryftteectl launch: starts (or reuses) an enclave for
// `data_dir`, kept until the test program exits, and returns the daemon flags that use it.
// Outside remote mode, returns nothing.
std::vector<std::string> SharedEnclaveArgs(const std::string& data_dir,
                                           const std::vector<std::string>& daemon_args = {});

}  // namespace cryfttee::testing
