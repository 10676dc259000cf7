// What systemd expects of a Type=notify service, through libsystemd (sd-daemon):
//   - socket activation: the listening sockets a socket unit passed (LISTEN_FDS/LISTEN_PID),
//   - readiness and shutdown notices (READY=1 once the API answers, STOPPING=1),
//   - the watchdog (WATCHDOG=1 at half the unit's WatchdogSec, from the server's own event loop,
//     so a wedged loop stops the pings and systemd restarts the service).
// Outside systemd every call is a cheap no-op: no NOTIFY_SOCKET, no LISTEN_FDS, no watchdog.
//
// Threading: TakePassedSockets() must run before any thread starts (it reads and clears the
// environment); the notify calls may run on any thread.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

namespace cryfttee::ops {

// The descriptors systemd passed to this process (3, 4, ...), marked close-on-exec, and the
// LISTEN_* variables removed so no child inherits them. Empty outside socket activation.
std::vector<int> TakePassedSockets();

// "READY=1" plus a STATUS= line for `systemctl status`.
void NotifyReady(std::string_view status);
void NotifyStopping();
void NotifyWatchdog();

// Half the unit's WatchdogSec when the watchdog is on for this process, else zero.
std::chrono::milliseconds WatchdogPingInterval();

}  // namespace cryfttee::ops
