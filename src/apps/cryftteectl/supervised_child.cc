#include "apps/cryftteectl/supervised_child.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "core/clock.h"

extern char** environ;

namespace cryfttee::ctl {

bool SupervisedChild::Start(const std::string& name, const std::vector<std::string>& argv_s,
                            const std::vector<std::string>& env, const sigset_t& old_mask,
                            int stderr_fd) {
  name_ = name;
  // Everything the child needs is built before fork: after it, only async-signal-safe calls
  // (the launcher may have a thread copying the enclave's log).
  std::vector<std::string> args = argv_s, envs = env;
  std::vector<char*> argv, envp;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : envs) envp.push_back(s.data());
  envp.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    if (stderr_fd >= 0) {
      ::dup2(stderr_fd, STDERR_FILENO);
      ::close(stderr_fd);
    }
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    const char* err = std::strerror(errno);
    (void)!::write(STDERR_FILENO, "cryftteectl launch: cannot execute ", 35);
    (void)!::write(STDERR_FILENO, argv[0], std::strlen(argv[0]));
    (void)!::write(STDERR_FILENO, ": ", 2);
    (void)!::write(STDERR_FILENO, err, std::strlen(err));
    (void)!::write(STDERR_FILENO, "\n", 1);
    ::_exit(127);
  }
  return true;
}

bool SupervisedChild::Reap(bool block) {
  if (exited_ || pid_ <= 0) return true;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, block ? 0 : WNOHANG);
  if (r == pid_) {
    exited_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  return exited_;
}

void SupervisedChild::Signal(int signo) {
  if (!exited_ && pid_ > 0) ::kill(pid_, signo);
}

int SupervisedChild::Stop(double grace_seconds) {
  Signal(SIGTERM);
  int64_t deadline = MonotonicMillis() + static_cast<int64_t>(grace_seconds * 1000);
  while (!Reap() && MonotonicMillis() < deadline) ::usleep(20'000);
  if (!Reap()) {
    std::cerr << "cryftteectl launch: " << name_ << " did not stop within "
              << static_cast<int>(grace_seconds) << " s; killing it" << std::endl;
    Signal(SIGKILL);
    Reap(true);
  }
  return status_;
}

int WaitSignal(const sigset_t& set, int64_t ms) {
  if (ms < 0) ms = 0;
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1'000'000)};
  int sig = ::sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

std::vector<std::string> EnvironmentWithout(const std::vector<std::string>& drop) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool dropped = false;
    for (const auto& name : drop) {
      if (entry.rfind(name, 0) == 0) dropped = true;
    }
    if (!dropped) env.push_back(entry);
  }
  return env;
}

}  // namespace cryfttee::ctl
