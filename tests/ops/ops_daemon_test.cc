// The operator's view through the running daemon: /metrics on its own listener moves with real
// signing traffic, and /healthz and /readyz answer on the API socket.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "support/daemon_process.h"

namespace cryfttee::testing {
namespace {

using Json = nlohmann::json;

DaemonOptions WithMetrics(bool bundled_modules, const std::string& metrics_addr) {
  return DaemonOptions{.args = {"--metrics-addr", metrics_addr},
                       .env = {},
                       .use_uds = true,
                       .bundled_modules = bundled_modules};
}

// The port the daemon logged for its metrics listener (it binds port 0 in tests), 0 if none.
int MetricsPort(const DaemonProcess& d) {
  std::smatch m;
  std::string log = d.Log();
  static const std::regex kLine(R"(metrics listening: http://127\.0\.0\.1:(\d+)/metrics)");
  return std::regex_search(log, m, kLine) ? std::stoi(m[1]) : 0;
}

std::string Scrape(int port) {
  RawResponse r = TcpRequest(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.body;
}

// The value of one sample, `series` being the exact name{labels} text; -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

TEST(OpsDaemon, MetricsCountRealSigningTraffic) {
  DaemonProcess d(WithMetrics(true, "127.0.0.1:0"));
  ASSERT_TRUE(d.Start()) << d.Log();
  int port = MetricsPort(d);
  ASSERT_GT(port, 0) << d.Log();

  std::string before = Scrape(port);
  EXPECT_TRUE(
      std::regex_search(before, std::regex(R"(\ncryfttee_build_info\{version="[^"]+"\} 1\n)")))
      << before;
  // The vault may hold keys from startup: compare the key gauges before and after.
  double signers = Sample(before, "signing_signers_loaded_count");
  double bls_keys = Sample(before, "cryfttee_keys_loaded{key_type=\"bls\"}");
  EXPECT_GE(signers, 0) << before;
  EXPECT_GE(bls_keys, 0) << before;
  EXPECT_GE(Sample(before, "cryfttee_modules_loaded"), 1) << before;
  EXPECT_EQ(Sample(before, "cryfttee_heartbeat_age_seconds"), -1) << before;
  EXPECT_EQ(Sample(before, "http_bls_malformed_request_count_total"), 0) << before;

  RawResponse reg = d.Post("/v1/staking/bls/register", R"({"mode":0})");
  ASSERT_EQ(reg.status, 200) << reg.body;
  std::string handle = reg.Json().value("key_handle", "");
  Json sign = {{"key_handle", handle}, {"message", "Y3J5ZnQ="}};
  for (int i = 0; i < 2; ++i) ASSERT_EQ(d.Post("/v1/staking/bls/sign", sign.dump()).status, 200);
  EXPECT_EQ(d.Post("/v1/staking/bls/sign", R"({"key_handle":7})").status, 400);
  EXPECT_EQ(d.Post("/v1/runtime/heartbeat", "{}").status, 200);
  EXPECT_EQ(d.Get("/v1/no/such/route").status, 404);

  std::string after = Scrape(port);
  const std::string bls = "{key_type=\"bls\",module=\"bls_tls_signer_v1\"}";
  EXPECT_EQ(Sample(after, "cryfttee_signing_duration_seconds_count" + bls), 2) << after;
  EXPECT_GT(Sample(after, "cryfttee_signing_duration_seconds_sum" + bls), 0) << after;
  EXPECT_EQ(Sample(after, "signing_bls_signing_duration_count"), 2) << after;
  EXPECT_EQ(
      Sample(after, "cryfttee_http_requests_total{route=\"/v1/staking/bls/sign\",status=\"200\"}"),
      2)
      << after;
  EXPECT_EQ(
      Sample(after, "cryfttee_http_requests_total{route=\"/v1/staking/bls/sign\",status=\"400\"}"),
      1)
      << after;
  EXPECT_EQ(Sample(after, "cryfttee_http_requests_total{route=\"unmatched\",status=\"404\"}"), 1)
      << after;
  EXPECT_EQ(Sample(after, "http_bls_malformed_request_count_total"), 1) << after;
  EXPECT_EQ(Sample(after, "signing_signers_loaded_count"), signers + 1) << after;
  EXPECT_EQ(Sample(after, "cryfttee_keys_loaded{key_type=\"bls\"}"), bls_keys + 1) << after;
  double age = Sample(after, "cryfttee_heartbeat_age_seconds");
  EXPECT_GE(age, 0) << after;
  EXPECT_LT(age, 60) << after;

  // The signing socket never serves metrics.
  EXPECT_EQ(d.Get("/metrics").status, 404);
  // The metrics listener answers the same probes as the API socket.
  RawResponse alive = TcpRequest(port, "GET", "/healthz");
  EXPECT_EQ(alive.status, 200) << alive.body;
  EXPECT_EQ(alive.Json().value("status", ""), "alive");
  RawResponse ready = TcpRequest(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(ready.Json().value("ready", false)) << ready.body;
  EXPECT_EQ(TcpRequest(port, "POST", "/v1/staking/bls/sign").status, 404);
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

TEST(OpsDaemon, ProbesOnTheApiSocket) {
  DaemonProcess d(WithMetrics(true, ""));
  ASSERT_TRUE(d.Start()) << d.Log();
  EXPECT_EQ(MetricsPort(d), 0) << "empty --metrics-addr must not listen\n" << d.Log();
  RawResponse alive = d.Get("/healthz");
  EXPECT_EQ(alive.status, 200);
  EXPECT_EQ(alive.Json().value("status", ""), "alive");
  RawResponse ready = d.Get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(ready.Json().value("ready", false)) << ready.body;
  EXPECT_EQ(ready.Json()["checks"].value("module:bls_tls_signer_v1", ""), "loaded") << ready.body;
  EXPECT_EQ(ready.Json()["checks"].value("signer", ""), "ready") << ready.body;
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

TEST(OpsDaemon, ReadyzNamesWhatIsMissing) {
  DaemonProcess d(WithMetrics(false, ""));
  ASSERT_TRUE(d.Start()) << d.Log();
  EXPECT_EQ(d.Get("/healthz").status, 200);
  RawResponse ready = d.Get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  Json body = ready.Json();
  EXPECT_FALSE(body.value("ready", true));
  ASSERT_TRUE(body["not_ready"].is_array()) << ready.body;
  EXPECT_NE(std::find(body["not_ready"].begin(), body["not_ready"].end(), "modules"),
            body["not_ready"].end())
      << ready.body;
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

TEST(OpsDaemon, TakenMetricsAddressStopsStartup) {
  DaemonProcess first(WithMetrics(false, "127.0.0.1:0"));
  ASSERT_TRUE(first.Start()) << first.Log();
  int port = MetricsPort(first);
  ASSERT_GT(port, 0) << first.Log();
  DaemonProcess second(WithMetrics(false, "127.0.0.1:" + std::to_string(port)));
  ASSERT_TRUE(second.Spawn());
  EXPECT_EQ(second.Wait(15'000), 1) << second.Log();
  EXPECT_NE(second.Log().find("metrics listener on 127.0.0.1:"), std::string::npos) << second.Log();
  EXPECT_EQ(first.Stop(), 0) << first.Log();
}

}  // namespace
}  // namespace cryfttee::testing
