// `cryftteectl launch --enclave`: the key side of the parent/enclave split (docs/architecture.md,
// "Key isolation") started and supervised beside the daemon, so one command runs the pair.
//
// The enclave starts first; the launcher waits for its one ready line ("cryfttee-enclave ready:",
// src/apps/cryfttee-enclave/main.cc), copying its log to our stderr then and afterwards; only then
// does the daemon start, with CRYFTTEE_ENCLAVE_ADDR=unix:<socket>. The pair lives and dies
// together: if either exits, the other is stopped (the daemon first, so no request is cut off
// by a vanished key holder).
//
// Threading: one supervising thread calls everything; a private thread copies the enclave's log
// until the enclave's stderr closes, joined by the destructor (which also stops a still-running
// enclave, so every early return of the launcher leaves no process behind).
#pragma once

#include <signal.h>

#include <string>
#include <thread>
#include <vector>

#include "apps/cryftteectl/supervised_child.h"

namespace cryfttee::ctl {

struct EnclaveLaunchArgs {
  std::string binary;                   // cryfttee-enclave
  std::string socket_path;              // its Unix socket (--listen unix:PATH)
  std::string data_dir;                 // its --data-dir
  std::string seal_password_file;       // its --seal-password-file, if set
  std::vector<std::string> extra_args;  // more enclave flags (--seal-password-file F, ...)
  double ready_timeout = 30;
  double stop_timeout = 10;
};

class LaunchedEnclave {
 public:
  explicit LaunchedEnclave(EnclaveLaunchArgs args) : args_(std::move(args)) {}
  ~LaunchedEnclave();
  LaunchedEnclave(const LaunchedEnclave&) = delete;
  LaunchedEnclave& operator=(const LaunchedEnclave&) = delete;

  // Starts the enclave and waits for its ready line. `set` holds SIGINT/SIGTERM/SIGCHLD, blocked
  // by the caller. Returns true once ready; otherwise false with *exit_code set: the enclave's
  // status if it exited (or was stopped by a forwarded SIGINT/SIGTERM), 1 on a timeout or a
  // fork/pipe failure.
  bool StartAndWaitReady(const sigset_t& set, const sigset_t& old_mask, int* exit_code);

  // The daemon's --enclave-addr.
  std::string Address() const { return "unix:" + args_.socket_path; }
  // Non-blocking: true once the enclave has exited.
  bool Exited() { return child_.Reap(); }
  int status() const { return child_.status(); }
  // SIGTERM (then SIGKILL after the stop timeout); returns its exit status.
  int Stop();

 private:
  EnclaveLaunchArgs args_;
  SupervisedChild child_;
  int log_fd_ = -1;
  std::thread copier_;
};

}  // namespace cryfttee::ctl
