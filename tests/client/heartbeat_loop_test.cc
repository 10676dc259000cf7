// cryftteectl heartbeat --every across a daemon restart: every beat is reported (latency or
// failure), the loop keeps going while the daemon is down, and the new daemon's
// /v1/runtime/connection shows the node connected again.
#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

#include "node_test_util.h"

namespace cryfttee::testing {
namespace {

std::vector<nlohmann::json> Lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) lines.push_back(j);
  }
  return lines;
}

int Count(const std::string& out, bool ok) {
  int n = 0;
  for (auto& l : Lines(out)) n += l.contains("ok") && l["ok"] == ok;
  return n;
}

TEST(HeartbeatLoop, SurvivesADaemonRestart) {
  TempDir dir;
  std::string sock = dir.File("api.sock");
  auto daemon = [&](const std::string& data) {
    return DaemonOptions{.args = {"--uds-path", sock, "--data-dir", dir.File(data)},
                         .env = {},
                         .use_uds = false,
                         .bundled_modules = false};
  };
  auto ready = [&] { return UnixRequest(sock, "GET", "/v1/runtime/connection").status == 200; };

  auto first = std::make_unique<DaemonProcess>(daemon("d1"));
  ASSERT_TRUE(first->Spawn());
  ASSERT_TRUE(Eventually(15'000, ready)) << first->Log();

  Proc hb({BinaryPath("cryftteectl"), "--socket", sock, "--timeout", "2", "--json", "heartbeat",
           "--every", "150ms", "--node-id", "NodeID-test", "--cryftgo-version", "1.2.3"});
  ASSERT_TRUE(Eventually(10'000, [&] { return Count(hb.Out(), true) >= 2; }))
      << hb.Out() << hb.Err();
  auto c1 = UnixRequest(sock, "GET", "/v1/runtime/connection").Json();
  EXPECT_TRUE(c1.value("connected", false));
  EXPECT_EQ(c1.value("cryftgo_node_id", ""), "NodeID-test");
  EXPECT_EQ(c1.value("cryftgo_version", ""), "1.2.3");
  for (auto& l : Lines(hb.Out())) {
    if (l.value("ok", false)) {
      EXPECT_GE(l.value("latency_ms", -1), 0);
      EXPECT_LT(l.value("latency_ms", 99999), 2000);
    }
  }

  // Daemon goes away: the loop reports failures and keeps running.
  EXPECT_EQ(first->Stop(), 0);
  ASSERT_TRUE(Eventually(10'000, [&] { return Count(hb.Out(), false) >= 2; })) << hb.Out();
  EXPECT_TRUE(hb.Running());
  for (auto& l : Lines(hb.Out())) {
    if (l.contains("ok") && l["ok"] == false) {
      EXPECT_EQ(l.value("error", ""), "unavailable") << l.dump();
    }
  }

  // A new daemon on the same socket: the loop recovers and the new daemon sees the node.
  auto second = std::make_unique<DaemonProcess>(daemon("d2"));
  ASSERT_TRUE(second->Spawn());
  ASSERT_TRUE(Eventually(15'000, [&] {
    return hb.Out().find("recovered_after") != std::string::npos;
  })) << hb.Out();
  auto c2 = UnixRequest(sock, "GET", "/v1/runtime/connection").Json();
  EXPECT_TRUE(c2.value("connected", false)) << c2.dump();
  EXPECT_EQ(c2.value("cryftgo_node_id", ""), "NodeID-test");
  EXPECT_GE(c2.value("heartbeat_count", 0), 1);

  hb.Signal(SIGTERM);
  EXPECT_EQ(hb.Wait(5'000), 0) << hb.Err();
  auto lines = Lines(hb.Out());
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().value("summary", false)) << lines.back().dump();
  EXPECT_GE(lines.back().value("failures", 0), 2);
  EXPECT_EQ(second->Stop(), 0);
}

TEST(HeartbeatLoop, HumanOutputAndCount) {
  DaemonProcess d(DaemonOptions{.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  ASSERT_TRUE(d.Start()) << d.Log();
  auto r = RunCtl({"--socket", d.socket_path(), "heartbeat", "--every", "50ms", "--count", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  size_t acked = 0, pos = 0;
  while ((pos = r.out.find("heartbeat acknowledged in", pos)) != std::string::npos) ++acked, ++pos;
  EXPECT_EQ(acked, 3u) << r.out;
  EXPECT_NE(r.out.find("3 heartbeat(s), 0 failed"), std::string::npos) << r.out;
  EXPECT_EQ(d.Get("/v1/runtime/connection").Json().value("heartbeat_count", 0), 3);
}

}  // namespace
}  // namespace cryfttee::testing
