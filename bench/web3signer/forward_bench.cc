// Forwarded sign vs direct call: the same RANDAO_REVEAL request (no slashing bookkeeping) signed
// by the Web3Signer stand-in directly over loopback TCP, through cryfttee's Web3Signer face on its
// Unix socket, and through /v1/staking/bls/sign (the web3signer_v1 module and the http host
// function). One new connection per request on every path, as the client under test makes them.
// Prints medians and the ratios to the direct call. Usage (from the build dir's parent):
//   CRYFTTEE_BUILD_DIR=build CRYFTTEE_SOURCE_DIR=. build/bench/web3signer/web3signer_forward_bench
//   [n]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "support/daemon_process.h"
#include "support/raw_http.h"
#include "web3signer/w3s_fixture.h"

using namespace cryfttee::testing;

namespace {

double MedianMicros(int n, const std::function<bool()>& call) {
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    auto t = std::chrono::steady_clock::now();
    if (!call()) {
      std::fprintf(stderr, "request failed\n");
      std::exit(1);
    }
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 300;
  Web3SignerStandIn w3s;
  if (!w3s.started()) {
    std::fprintf(stderr, "the Web3Signer stand-in did not start (node, npm ci?)\n");
    return 1;
  }
  std::string pk = w3s.AddKey(std::string(62, '0') + "2a");
  DaemonOptions o;
  o.args = {"--web3signer-url", w3s.url(), "--log-level", "warn"};
  DaemonProcess d(o);
  if (!d.Start() || !WaitFor(5000, [&] {
        return d.Get("/v1/staking/status").Json().value("web3signer_connected", false);
      })) {
    std::fprintf(stderr, "daemon not ready:\n%s\n", d.Log().c_str());
    return 1;
  }
  std::string body = RandaoReveal(7).dump();
  Json ours = RandaoReveal(7);
  ours["pubkey"] = pk;
  std::string ours_body = ours.dump();
  const std::string accept = "Accept: application/json\r\n";

  auto direct = [&] {
    return TcpRequest(w3s.port(), "POST", "/api/v1/eth2/sign/" + pk, body, accept).status == 200;
  };
  auto face = [&] {
    RawConnection c = RawConnection::Unix(d.socket_path());
    return c.Send(BuildRequest("POST", "/api/v1/eth2/sign/" + pk, body, accept)) &&
           c.Read().status == 200;
  };
  auto module = [&] { return d.Post("/v1/staking/bls/sign", ours_body).status == 200; };
  // Warm-up: JIT in node, module instances in the daemon.
  MedianMicros(30, direct);
  MedianMicros(30, face);
  MedianMicros(30, module);
  double t_direct = MedianMicros(n, direct);
  double t_face = MedianMicros(n, face);
  double t_module = MedianMicros(n, module);
  std::printf("sign RANDAO_REVEAL, median of %d, one connection per request\n", n);
  std::printf("  direct to Web3Signer stand-in   %8.1f us   1.00x\n", t_direct);
  std::printf("  cryfttee Web3Signer face        %8.1f us   %.2fx\n", t_face, t_face / t_direct);
  std::printf("  cryfttee /v1/staking/bls/sign   %8.1f us   %.2fx\n", t_module,
              t_module / t_direct);
  return 0;
}
