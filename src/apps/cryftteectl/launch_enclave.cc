#include "apps/cryftteectl/launch_enclave.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "apps/cryftteectl/commands.h"
#include "core/clock.h"

namespace cryfttee::ctl {
namespace {

constexpr const char* kReadyLine = "cryfttee-enclave ready";

void Say(const std::string& line) { std::cerr << "cryftteectl launch: " << line << std::endl; }

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

bool LaunchedEnclave::StartAndWaitReady(const sigset_t& set, const sigset_t& old_mask,
                                        int* exit_code) {
  *exit_code = kExitError;
  int fds[2];
  // Close-on-exec: the daemon started later must not hold the pipe (its end would keep the log
  // copier waiting after the enclave exits).
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    Say(std::string("pipe failed: ") + std::strerror(errno));
    return false;
  }
  std::vector<std::string> argv = {args_.binary, "--listen", "unix:" + args_.socket_path,
                                   "--data-dir", args_.data_dir};
  if (!args_.seal_password_file.empty()) {
    argv.insert(argv.end(), {"--seal-password-file", args_.seal_password_file});
  }
  argv.insert(argv.end(), args_.extra_args.begin(), args_.extra_args.end());
  // The enclave takes sealing options as flags; CRYFTTEE_SEAL_PASSWORD from our environment
  // reaches it as it would reach the daemon.
  bool started = child_.Start("cryfttee-enclave", argv, EnvironmentWithout({}), old_mask, fds[1]);
  ::close(fds[1]);
  log_fd_ = fds[0];
  if (!started) {
    Say(std::string("fork failed: ") + std::strerror(errno));
    return false;
  }
  Say("started cryfttee-enclave pid " + std::to_string(child_.pid()) + ", listening on " +
      Address());

  // Read its log line by line until the ready line, echoing everything.
  std::string pending;
  int64_t deadline = MonotonicMillis() + static_cast<int64_t>(args_.ready_timeout * 1000);
  bool ready = false, eof = false;
  while (!ready) {
    if (int sig = WaitSignal(set, 0); sig == SIGINT || sig == SIGTERM) {
      Say("signal " + std::to_string(sig) + " while the enclave was starting; stopping it");
      child_.Signal(sig);
      *exit_code = Stop();
      return false;
    }
    if (MonotonicMillis() >= deadline) {
      Say("cryfttee-enclave did not log its ready line within " +
          std::to_string(static_cast<int>(args_.ready_timeout)) + " s; stopping it");
      Stop();
      return false;
    }
    if (eof) {  // its stderr closed: it exited (or is about to; the deadline above bounds this)
      if (child_.Reap()) {
        Say("cryfttee-enclave exited with status " + std::to_string(child_.status()) +
            " before it was ready");
        *exit_code = child_.status() == 0 ? kExitError : child_.status();
        return false;
      }
      ::usleep(20'000);
      continue;
    }
    pollfd p{log_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(log_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = true;
      continue;
    }
    WriteAll(STDERR_FILENO, buf, static_cast<size_t>(n));
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      // Human or JSON log format: the line contains the phrase either way.
      if (pending.substr(0, nl).find(kReadyLine) != std::string::npos) ready = true;
      pending.erase(0, nl + 1);
    }
    if (pending.size() > 64 * 1024) pending.clear();  // no line is that long; bound the buffer
  }
  // From now on its log is copied by a thread until it closes its stderr (exits).
  copier_ = std::thread([fd = log_fd_] {
    char buf[4096];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      WriteAll(STDERR_FILENO, buf, static_cast<size_t>(n));
    }
  });
  *exit_code = 0;
  return true;
}

int LaunchedEnclave::Stop() {
  if (!child_.started()) return 0;
  if (!child_.Reap()) Say("stopping cryfttee-enclave pid " + std::to_string(child_.pid()));
  int status = child_.Stop(args_.stop_timeout);
  Say("cryfttee-enclave exited with status " + std::to_string(status));
  return status;
}

LaunchedEnclave::~LaunchedEnclave() {
  if (child_.started() && !child_.Reap()) Stop();
  if (copier_.joinable()) copier_.join();
  if (log_fd_ >= 0) ::close(log_fd_);
}

}  // namespace cryfttee::ctl
