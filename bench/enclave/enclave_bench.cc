// What the parent/enclave split costs a signature: BLS sign and TLS (secp256k1) sign through the
// real daemon's Unix socket, keep-alive, one client, with the keys in process and with the keys
// in a real cryfttee-enclave over a Unix socket. The two daemons run side by side and are
// measured in alternating rounds, so machine load hits both alike. Prints medians and the
// remote/in-process ratio per route (issue 15's goal: <= 1.10).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "support/daemon_process.h"
#include "support/raw_http.h"

namespace {

using Clock = std::chrono::steady_clock;
using cryfttee::testing::DaemonProcess;
using cryfttee::testing::RawConnection;

struct Target {
  const char* name;
  std::unique_ptr<DaemonProcess> daemon;
  std::string bls_body, tls_body;
};

// One daemon, with a BLS and a secp256k1 key registered; `remote` puts its keys in an enclave.
bool StartTarget(Target* t, bool remote) {
  cryfttee::testing::DaemonOptions options;
  options.args = {"--log-level", "warn"};
  options.keys = remote ? cryfttee::testing::DaemonOptions::Keys::kAlways
                        : cryfttee::testing::DaemonOptions::Keys::kNever;
  t->daemon = std::make_unique<DaemonProcess>(options);
  if (!t->daemon->Start()) {
    std::fprintf(stderr, "%s daemon did not start:\n%s\n", t->name, t->daemon->Log().c_str());
    return false;
  }
  auto bls = t->daemon->Post("/v1/staking/bls/register", R"({"mode":0})").Json();
  auto tls =
      t->daemon->Post("/v1/staking/tls/register", R"({"mode":0,"key_type":"secp256k1"})").Json();
  std::string b = bls.value("key_handle", ""), s = tls.value("key_handle", "");
  if (b.empty() || s.empty()) {
    std::fprintf(stderr, "%s: register failed: %s %s\n", t->name, bls.dump().c_str(),
                 tls.dump().c_str());
    return false;
  }
  cryfttee::Bytes message(200), digest(32);
  for (size_t i = 0; i < message.size(); ++i) message[i] = static_cast<uint8_t>(i * 7);
  for (size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<uint8_t>(i * 11 + 1);
  t->bls_body = R"({"key_handle":")" + b + R"(","message":"0x)" + cryfttee::HexEncode(message) +
                R"(","message_encoding":"hex"})";
  t->tls_body =
      R"({"key_handle":")" + s + R"(","digest":"0x)" + cryfttee::HexEncode(digest) + R"("})";
  return true;
}

// `calls` keep-alive requests on one connection; their latencies in microseconds.
std::vector<double> Round(const DaemonProcess& d, const std::string& route, const std::string& body,
                          int calls) {
  RawConnection conn = RawConnection::Unix(d.socket_path());
  std::string request = cryfttee::testing::BuildRequest("POST", route, body,
                                                        "Content-Type: application/json\r\n", true);
  std::vector<double> out;
  for (int i = 0; i < calls; ++i) {
    Clock::time_point start = Clock::now();
    if (!conn.Send(request) || conn.Read().status != 200) {
      std::fprintf(stderr, "%s failed\n", route.c_str());
      std::exit(1);
    }
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (!std::getenv("CRYFTTEE_BUILD_DIR"))
    setenv("CRYFTTEE_BUILD_DIR", CRYFTTEE_DEFAULT_BUILD_DIR, 1);
  int calls = argc > 1 ? std::max(20, std::atoi(argv[1])) : 400;
  Target in_process{"in-process", nullptr, "", ""};
  Target remote{"remote enclave", nullptr, "", ""};
  if (!StartTarget(&in_process, false) || !StartTarget(&remote, true)) return 1;

  std::printf("API sign, one keep-alive connection, %d calls each, alternating rounds of %d\n",
              calls, calls / 10);
  for (const char* route : {"/v1/staking/bls/sign", "/v1/staking/tls/sign"}) {
    bool bls = std::string(route).find("bls") != std::string::npos;
    std::vector<double> local, far;
    Round(*in_process.daemon, route, bls ? in_process.bls_body : in_process.tls_body, 10);  // warm
    Round(*remote.daemon, route, bls ? remote.bls_body : remote.tls_body, 10);
    for (int r = 0; r < 10; ++r) {
      auto a = Round(*in_process.daemon, route, bls ? in_process.bls_body : in_process.tls_body,
                     calls / 10);
      auto b = Round(*remote.daemon, route, bls ? remote.bls_body : remote.tls_body, calls / 10);
      local.insert(local.end(), a.begin(), a.end());
      far.insert(far.end(), b.begin(), b.end());
    }
    double l = Median(local), f = Median(far);
    std::printf("  %-22s in-process %8.1f us   remote %8.1f us   remote/in-process %.2fx\n",
                bls ? "BLS sign (200 B)" : "TLS sign (secp256k1)", l, f, f / l);
  }
  return 0;
}
