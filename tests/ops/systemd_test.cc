// cryfttee under systemd, without systemd: the unit files pass `systemd-analyze verify`, and the
// daemon honours the sd-daemon protocol exactly as systemd drives it. The test plays systemd:
// it creates and binds the API socket itself and passes it as descriptor 3 (LISTEN_FDS,
// LISTEN_PID), and listens on a NOTIFY_SOCKET datagram socket for READY=1, WATCHDOG=1 and
// STOPPING=1.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/daemon_process.h"

namespace cryfttee::testing {
namespace {

int BoundUnixSocket(const std::string& path, int type) {
  int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << path;
  if (type == SOCK_STREAM) {
    EXPECT_EQ(::listen(fd, 16), 0);
  }
  return fd;
}

// The next notification datagram, "" after `timeout_ms` without one.
std::string NextNotification(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) != 1) return "";
  std::array<char, 4096> buf{};
  ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  return n > 0 ? std::string(buf.data(), static_cast<size_t>(n)) : "";
}

// Waits for a notification containing `line`; collects everything seen into `seen`.
bool AwaitNotification(int fd, const std::string& line, int timeout_ms, std::string* seen) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string n = NextNotification(fd, 200);
    *seen += n + "|";
    if (("\n" + n + "\n").find("\n" + line + "\n") != std::string::npos) return true;
  }
  return false;
}

ino_t Inode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(Systemd, SocketActivationNotifyAndWatchdog) {
  TempDir dir;
  std::string api = dir.File("api.sock");
  std::string notify = dir.File("notify.sock");
  int listen_fd = BoundUnixSocket(api, SOCK_STREAM);
  int notify_fd = BoundUnixSocket(notify, SOCK_DGRAM);
  ino_t inode = Inode(api);
  ASSERT_NE(inode, 0u);

  DaemonProcess d(DaemonOptions{
      // A different --uds-path: the passed socket must win, and that path must never appear.
      .args = {"--uds-path", dir.File("not-this.sock")},
      .env = {{"NOTIFY_SOCKET", notify}, {"WATCHDOG_USEC", "400000"}},
      .use_uds = false,
      .bundled_modules = true});
  d.PassListenFds({listen_fd});
  ASSERT_TRUE(d.Spawn());
  ::close(listen_fd);  // only the daemon holds it now

  // READY=1 arrives, and the API answers on the passed socket the moment it does.
  std::string seen;
  ASSERT_TRUE(AwaitNotification(notify_fd, "READY=1", 20'000, &seen)) << seen << d.Log();
  RawResponse status = UnixRequest(api, "GET", "/v1/runtime/attestation");
  EXPECT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(Inode(api), inode) << "the daemon re-created the passed socket";
  EXPECT_NE(::access(dir.File("not-this.sock").c_str(), F_OK), 0);
  EXPECT_NE(d.Log().find("socket activation"), std::string::npos) << d.Log();

  // The watchdog: half of WATCHDOG_USEC, from the server's loop (WATCHDOG_PID unset = any pid
  // that has the variable, as sd_watchdog_enabled documents).
  EXPECT_TRUE(AwaitNotification(notify_fd, "WATCHDOG=1", 5'000, &seen)) << seen;
  EXPECT_TRUE(AwaitNotification(notify_fd, "WATCHDOG=1", 5'000, &seen)) << seen;

  // STOPPING=1 on SIGTERM, a clean exit, and the socket file left to its owner (the unit).
  ASSERT_EQ(::kill(d.pid(), SIGTERM), 0);
  EXPECT_TRUE(AwaitNotification(notify_fd, "STOPPING=1", 15'000, &seen)) << seen << d.Log();
  EXPECT_EQ(d.Wait(15'000), 0) << d.Log();
  EXPECT_EQ(Inode(api), inode) << "the daemon removed the socket unit's file";
  ::close(notify_fd);
}

TEST(Systemd, TwoPassedSocketsAreRefused) {
  TempDir dir;
  int a = BoundUnixSocket(dir.File("a.sock"), SOCK_STREAM);
  int b = BoundUnixSocket(dir.File("b.sock"), SOCK_STREAM);
  DaemonProcess d(DaemonOptions{.args = {}, .env = {}, .use_uds = false, .bundled_modules = false});
  d.PassListenFds({a, b});
  ASSERT_TRUE(d.Spawn());
  EXPECT_EQ(d.Wait(15'000), 1) << d.Log();
  EXPECT_NE(d.Log().find("exactly one"), std::string::npos) << d.Log();
  ::close(a);
  ::close(b);
}

// systemd-analyze verify on packaging/systemd, with ExecStart pointed at the build tree (verify
// checks that the binary exists). A unit with a typo must produce output, so the check can fail.
std::string Verify(const std::string& dir, const std::vector<std::string>& units) {
  std::string cmd = "systemd-analyze verify --man=no";
  for (const auto& u : units) cmd += " " + dir + "/" + u;
  cmd += " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return "popen failed";
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  int rc = ::pclose(p);
  if (rc != 0) out += "exit status " + std::to_string(rc);
  return out;
}

void CopyUnit(const std::string& from, const std::string& to, const std::string& typo = "") {
  std::ifstream in(from);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = std::regex_replace(text.str(), std::regex("/usr/lib/cryfttee/bin/"),
                                     std::filesystem::absolute(BuildDir()).string() + "/bin/");
  if (!typo.empty()) s = std::regex_replace(s, std::regex("Type=notify"), typo);
  std::ofstream(to) << s;
}

TEST(Systemd, UnitsVerify) {
  if (::access("/usr/bin/systemd-analyze", X_OK) != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: systemd-analyze is not installed";
  }
  TempDir dir;
  std::string src = SourceDir() + "/packaging/systemd/";
  for (const char* u : {"cryfttee.service", "cryfttee.socket", "cryfttee-enclave.service"}) {
    CopyUnit(src + u, dir.File(u));
  }
  EXPECT_EQ(Verify(dir.path(), {"cryfttee.socket", "cryfttee.service"}), "");
  EXPECT_EQ(Verify(dir.path(), {"cryfttee-enclave.service"}), "");

  CopyUnit(src + "cryfttee.service", dir.File("broken.service"), "Type=notifyy");
  EXPECT_NE(Verify(dir.path(), {"broken.service"}), "")
      << "verify reports nothing: it checks nothing";
}

}  // namespace
}  // namespace cryfttee::testing
