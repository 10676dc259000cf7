// A child process that `cryftteectl launch` starts and supervises (the daemon, and with
// --enclave the cryfttee-enclave beside it).
//
// Contract: the caller blocks SIGINT, SIGTERM and SIGCHLD before Start() and reads them with
// WaitSignal(); the child gets `old_mask` back before exec. The child runs in its own process
// group (a terminal's Ctrl-C reaches it once, through us) and receives SIGTERM if we die
// (PR_SET_PDEATHSIG). Failures: Start() returns false if fork fails; an exec failure is the
// child's exit status 127. Not thread-safe: one supervising thread owns each object.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cryfttee::ctl {

class SupervisedChild {
 public:
  // `name` prefixes our messages ("cryfttee", "cryfttee-enclave"). argv[0] is the program path.
  // stderr_fd >= 0 becomes the child's stderr (then closed in the child); -1 inherits ours.
  bool Start(const std::string& name, const std::vector<std::string>& argv,
             const std::vector<std::string>& env, const sigset_t& old_mask, int stderr_fd = -1);

  // True once the child has exited; status() is then its exit code (128+signal if killed).
  bool Reap(bool block = false);
  void Signal(int signo);
  // SIGTERM, then SIGKILL after `grace_seconds`; returns status().
  int Stop(double grace_seconds);

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int status() const { return status_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = -1;
};

// Waits up to `ms` for a signal of `set` (blocked by the caller). Returns it, or 0 on timeout.
int WaitSignal(const sigset_t& set, int64_t ms);

// The current environment minus every variable named in `drop` (NAME= prefixes).
std::vector<std::string> EnvironmentWithout(const std::vector<std::string>& drop);

}  // namespace cryfttee::ctl
