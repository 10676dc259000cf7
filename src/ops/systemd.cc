#include "ops/systemd.h"

#include <fcntl.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <string>

namespace cryfttee::ops {

std::vector<int> TakePassedSockets() {
  std::vector<int> fds;
  // unset_environment = 1: the variables describe this process only.
  int n = sd_listen_fds(1);
  for (int i = 0; i < n; ++i) {
    int fd = SD_LISTEN_FDS_START + i;
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    fds.push_back(fd);
  }
  return fds;
}

void NotifyReady(std::string_view status) {
  std::string message = "READY=1\nSTATUS=" + std::string(status);
  sd_notify(0, message.c_str());
}

void NotifyStopping() { sd_notify(0, "STOPPING=1\nSTATUS=shutting down"); }

void NotifyWatchdog() { sd_notify(0, "WATCHDOG=1"); }

std::chrono::milliseconds WatchdogPingInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(std::max<uint64_t>(usec / 2000, 1));
}

}  // namespace cryfttee::ops
