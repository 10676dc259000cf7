// Helpers for the node-flow tests: run cryftteectl (foreground or background) with captured
// output, and daemon arguments for `launch`.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/daemon_process.h"

namespace cryfttee::testing {

// A child process with stdout and stderr captured in files of its own temp dir.
class Proc {
 public:
  // env: extra variables; every inherited CRYFTTEE_* variable is removed first.
  Proc(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
  ~Proc();  // SIGKILL if still running
  Proc(const Proc&) = delete;
  Proc& operator=(const Proc&) = delete;

  // Exit code (128+signal if killed), or -1 on timeout.
  int Wait(int timeout_ms);
  bool Running();
  void Signal(int signo);
  pid_t pid() const { return pid_; }
  std::string Out() const;
  std::string Err() const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

struct CtlResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs <build>/bin/cryftteectl with `args` to completion (at most timeout_ms).
CtlResult RunCtl(const std::vector<std::string>& args, int timeout_ms = 60'000,
                 std::map<std::string, std::string> env = {});

// Daemon flags for a private instance: data dir, no kiosk, and (optionally) the build's signed
// modules. The socket is given to cryftteectl (--socket), which passes it in the environment.
std::vector<std::string> DaemonArgs(const TempDir& dir, bool bundled_modules);

// Polls until `pred` holds or timeout; returns whether it held.
bool Eventually(int timeout_ms, const std::function<bool()>& pred);

bool ProcessExists(pid_t pid);

}  // namespace cryfttee::testing
