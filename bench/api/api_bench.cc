// bench/api: what a signing request costs through the daemon, against what it could cost.
//
//   api_bench floor <socket>        serve the transport floor (floor_server.h) until killed
//   api_bench coldstart ...         time daemon starts (coldstart.h)
//   api_bench run --daemon <socket> --floor <socket> [--nginx <socket>] [--seconds S]
//                 [--ref-seconds R] [--conns 1,2] [--message-bytes N]
//
// `run` registers one key of each kind through the daemon's API, measures the reference costs
// in-process (reference_ops.h), drives every route closed-loop at each connection count
// (http_load.h), and prints each route's latency beside floor + reference, and the ratios of
// issue 11's table. bench/api/run.sh starts the daemon and the floor and calls this. It exits
// non-zero only when a request fails (a broken route is not a measurement), never on a timing.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "coldstart.h"
#include "core/bytes.h"
#include "floor_server.h"
#include "http_load.h"
#include "reference_ops.h"

namespace cryfttee::bench {
namespace {

using nlohmann::json;

struct Options {
  std::string daemon, floor, nginx;
  double seconds = 2.0;
  double ref_seconds = 1.0;
  std::vector<int> conns = {1, 2};
  size_t message_bytes = 32;
  std::string only;  // run only routes whose name contains this (floors always run)
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: api_bench floor <socket>\n"
               "       api_bench coldstart --dir <tmp> [--runs N] [--keys K] -- <daemon argv>\n"
               "       api_bench run --daemon <socket> --floor <socket> [--nginx <socket>]\n"
               "                     [--seconds S] [--ref-seconds R] [--conns 1,2]\n"
               "                     [--message-bytes N] [--only ROUTE]\n");
  std::exit(64);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) Usage();
    std::string v = argv[++i];
    if (a == "--daemon") {
      o.daemon = v;
    } else if (a == "--floor") {
      o.floor = v;
    } else if (a == "--nginx") {
      o.nginx = v;
    } else if (a == "--seconds") {
      o.seconds = std::atof(v.c_str());
    } else if (a == "--ref-seconds") {
      o.ref_seconds = std::atof(v.c_str());
    } else if (a == "--only") {
      o.only = v;
    } else if (a == "--message-bytes") {
      o.message_bytes = std::strtoul(v.c_str(), nullptr, 10);
    } else if (a == "--conns") {
      o.conns.clear();
      for (const char* p = v.c_str(); *p;) {
        o.conns.push_back(std::atoi(p));
        p = std::strchr(p, ',');
        if (!p) break;
        ++p;
      }
    } else {
      Usage();
    }
  }
  if (o.daemon.empty() || o.floor.empty() || o.conns.empty()) Usage();
  return o;
}

// Registers a key through the API and returns its handle (exits on failure).
std::string Register(const Options& o, const std::string& route, const json& body) {
  std::string answer;
  int status = OneRequest(o.daemon, "POST", route, body.dump(), &answer);
  json parsed = json::parse(answer, nullptr, false);
  if (status != 200 || !parsed.is_object() || !parsed.contains("key_handle")) {
    std::fprintf(stderr, "api_bench: %s answered %d: %s\n", route.c_str(), status, answer.c_str());
    std::exit(1);
  }
  return parsed["key_handle"].get<std::string>();
}

struct Route {
  std::string name;    // as printed
  std::string socket;  // daemon or floor
  std::string method;
  std::string target;
  std::string body;
  double reference_us;  // the operation's own cost, without any transport (0 for floors)
};

int Run(const Options& o) {
  const std::string bls = Register(o, "/v1/staking/bls/register", json::object());
  const std::string k1 = Register(o, "/v1/staking/tls/register", {{"key_type", "secp256k1"}});
  const std::string p256 = Register(o, "/v1/staking/tls/register", {{"key_type", "p256"}});

  std::printf("reference costs (in-process, %.1f s each) ...\n", o.ref_seconds);
  std::fflush(stdout);
  ReferenceCosts ref = MeasureReferenceCosts(o.ref_seconds);
  std::printf(
      "  BLS sign %.1f us, secp256k1 sign %.1f us, P-256 sign %.1f us, "
      "vault generate (BLS) %.1f us\n",
      ref.bls_sign_us, ref.secp256k1_sign_us, ref.p256_sign_us, ref.vault_generate_us);

  const std::string message = Base64Encode(Bytes(o.message_bytes, 0x5a));
  const std::string digest = Base64Encode(Bytes(32, 0x3c));
  std::vector<Route> routes = {
      {"floor (in-tree responder)", o.floor, "POST", "/", "{}", 0},
      {"heartbeat (no module)", o.daemon, "POST", "/v1/runtime/heartbeat",
       json({{"node_id", "NodeID-bench"}, {"cryftgo_version", "bench"}}).dump(), 0},
      {"BLS sign", o.daemon, "POST", "/v1/staking/bls/sign",
       json({{"key_handle", bls}, {"message", message}}).dump(), ref.bls_sign_us},
      {"TLS secp256k1 sign", o.daemon, "POST", "/v1/staking/tls/sign",
       json({{"key_handle", k1}, {"digest", digest}}).dump(), ref.secp256k1_sign_us},
      {"P-256 sign", o.daemon, "POST", "/v1/staking/tls/sign",
       json({{"key_handle", p256}, {"digest", digest}}).dump(), ref.p256_sign_us},
      {"BLS register (generate)", o.daemon, "POST", "/v1/staking/bls/register", "{}",
       ref.vault_generate_us},
  };
  if (!o.nginx.empty()) {
    routes.insert(routes.begin() + 1, {"floor (nginx)", o.nginx, "POST", "/", "{}", 0});
  }

  bool failed = false;
  // ratio[route][conns]
  std::map<std::string, std::map<int, double>> ratio;
  std::printf("\n%-26s %5s %9s %9s %9s %9s %11s %7s\n", "route", "conns", "p50_us", "mean_us",
              "p99_us", "req/s", "floor+ref", "ratio");
  for (int c : o.conns) {
    double floor_us = 0;
    for (const Route& r : routes) {
      bool is_floor = r.name.rfind("floor", 0) == 0;
      if (!o.only.empty() && !is_floor && r.name.find(o.only) == std::string::npos) continue;
      LoadSpec spec;
      spec.socket_path = r.socket;
      spec.method = r.method;
      spec.target = r.target;
      spec.body = r.body;
      spec.connections = c;
      spec.seconds = o.seconds;
      spec.warmup_seconds = std::min(0.3, o.seconds / 4);
      LoadResult res = RunLoad(spec);
      // Medians: on a shared 2-core machine a few scheduling stalls move the mean a lot.
      if (r.name.rfind("floor (in-tree", 0) == 0) floor_us = res.p50_us;
      double base = floor_us + r.reference_us;
      double rat = base > 0 ? res.p50_us / base : 0;
      ratio[r.name][c] = rat;
      std::printf("%-26s %5d %9.1f %9.1f %9.1f %9.0f %11.1f %6.2fx\n", r.name.c_str(), c,
                  res.p50_us, res.mean_us, res.p99_us,
                  static_cast<double>(res.requests) / res.seconds, base, rat);
      if (res.errors > 0 || res.requests == 0) {
        failed = true;
        std::printf("  %llu failed requests; first: %s\n",
                    static_cast<unsigned long long>(res.errors), res.first_error.c_str());
      }
      std::fflush(stdout);
    }
  }

  std::printf("\nissue 11 table (ratio = route median / (in-tree floor median + reference)):\n");
  std::printf("%-56s", "metric");
  for (int c : o.conns) std::printf(" %8s", (std::to_string(c) + " conn").c_str());
  std::printf("   goal\n");
  const std::pair<const char*, const char*> rows[] = {
      {"BLS sign", "<= 1.05x"},
      {"TLS secp256k1 sign", "<= 1.25x"},
      {"P-256 sign", "<= 1.25x"},
      {"BLS register (generate)", "<= 1.2x"},
      {"heartbeat (no module)", "(floor only)"},
  };
  for (const auto& [name, goal] : rows) {
    std::printf("%-56s", (std::string(name) + " / (floor + reference)").c_str());
    for (int c : o.conns) std::printf(" %7.2fx", ratio[name][c]);
    std::printf("   %s\n", goal);
  }
  if (failed) std::printf("\nsome requests failed (see above)\n");
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace cryfttee::bench

int main(int argc, char** argv) {
  if (argc < 2) cryfttee::bench::Usage();
  std::string cmd = argv[1];
  if (cmd == "floor" && argc == 3) return cryfttee::bench::ServeFloor(argv[2]);
  if (cmd == "coldstart") return cryfttee::bench::RunColdStart(argc, argv);
  if (cmd == "run") return cryfttee::bench::Run(cryfttee::bench::Parse(argc, argv));
  cryfttee::bench::Usage();
}
