// bench/ops: the latency of POST /v1/staking/bls/sign on a daemon with metrics and the audit log
// on, against one with both off, in the same run. The two daemons are measured in interleaved
// slices (on, off, off, on, ...) so drift in the machine's load falls on both alike; each slice
// is a closed loop over one keep-alive connection (bench/api/http_load.h). Printed: the median
// over slices of each slice's median latency, per daemon, and their ratio (goal <= 1.05).
// Timings are never judged: the exit code fails only when a request fails.
//
//   ops_bench --on SOCKET --off SOCKET [--rounds N] [--seconds S]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_load.h"

namespace {

using cryfttee::bench::LoadResult;
using cryfttee::bench::LoadSpec;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// A fresh BLS key on the daemon at `socket`; the sign request body for it, "" on failure.
std::string SignBody(const std::string& socket) {
  std::string answer;
  int status = cryfttee::bench::OneRequest(socket, "POST", "/v1/staking/bls/register",
                                           R"({"mode":0})", &answer);
  auto j = nlohmann::json::parse(answer, nullptr, false);
  if (status != 200 || !j.is_object()) {
    std::fprintf(stderr, "ops_bench: register on %s: HTTP %d %s\n", socket.c_str(), status,
                 answer.c_str());
    return "";
  }
  // A 32-byte message, like a signing root.
  return nlohmann::json{{"key_handle", j.value("key_handle", "")},
                        {"message", "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k="}}
      .dump();
}

}  // namespace

int main(int argc, char** argv) {
  std::string on, off;
  int rounds = 12;
  double seconds = 0.5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--on")) on = argv[i + 1];
    if (!std::strcmp(argv[i], "--off")) off = argv[i + 1];
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
  }
  if (on.empty() || off.empty() || rounds < 1 || seconds <= 0) {
    std::fprintf(stderr, "usage: ops_bench --on SOCKET --off SOCKET [--rounds N] [--seconds S]\n");
    return 64;
  }
  const std::string body_on = SignBody(on), body_off = SignBody(off);
  if (body_on.empty() || body_off.empty()) return 1;

  std::vector<double> p50_on, p50_off, mean_on, mean_off;
  uint64_t requests_on = 0, requests_off = 0;
  for (int r = 0; r < rounds; ++r) {
    // ABBA order: neither daemon always runs first (warm caches, frequency steps).
    for (int k = 0; k < 2; ++k) {
      bool measure_on = (r % 2 == 0) == (k == 0);
      LoadSpec spec;
      spec.socket_path = measure_on ? on : off;
      spec.target = "/v1/staking/bls/sign";
      spec.body = measure_on ? body_on : body_off;
      spec.seconds = seconds;
      spec.warmup_seconds = std::min(0.1, seconds / 4);
      LoadResult res = cryfttee::bench::RunLoad(spec);
      if (res.errors > 0 || res.requests == 0) {
        std::fprintf(stderr, "ops_bench: %s daemon: %llu errors (%s)\n", measure_on ? "on" : "off",
                     static_cast<unsigned long long>(res.errors), res.first_error.c_str());
        return 1;
      }
      (measure_on ? p50_on : p50_off).push_back(res.p50_us);
      (measure_on ? mean_on : mean_off).push_back(res.mean_us);
      (measure_on ? requests_on : requests_off) += res.requests;
    }
  }
  double on_p50 = Median(p50_on), off_p50 = Median(p50_off);
  double on_mean = Median(mean_on), off_mean = Median(mean_off);
  std::printf(
      "bench/ops: POST /v1/staking/bls/sign, 1 connection, %d interleaved rounds of %.2f s\n",
      rounds, seconds);
  std::printf("  %-28s %10s %10s %10s\n", "daemon", "median p50", "median mean", "requests");
  std::printf("  %-28s %8.1f us %8.1f us %10llu\n", "metrics + audit on", on_p50, on_mean,
              static_cast<unsigned long long>(requests_on));
  std::printf("  %-28s %8.1f us %8.1f us %10llu\n", "metrics + audit off", off_p50, off_mean,
              static_cast<unsigned long long>(requests_off));
  std::printf("  ratio on/off: p50 %.3f, mean %.3f (goal <= 1.05)\n", on_p50 / off_p50,
              on_mean / off_mean);
  return 0;
}
