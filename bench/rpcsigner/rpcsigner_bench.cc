// What the gRPC door costs: one BLS Sign of a warp-sized message (200 bytes) three ways, in the
// same run, with one and two concurrent clients:
//   raw   bls::SecretKey::Sign in this process (the crypto alone: the floor)
//   http  POST /v1/staking/bls/sign on the daemon's Unix socket, keep-alive
//   grpc  /signer.Signer/Sign on the daemon's gRPC Unix socket (one channel per client)
// The daemon is the real binary (build tree), with a fresh vault key. Prints mean, p50 and p99
// latency per call, calls per second, and each mode's mean latency as a ratio to raw and http.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "crypto/bls12_381/bls.h"
#include "signer.grpc.pb.h"
#include "support/daemon_process.h"
#include "support/raw_http.h"

namespace {

using Clock = std::chrono::steady_clock;
using cryfttee::testing::DaemonOptions;
using cryfttee::testing::DaemonProcess;

constexpr int kCallsPerClient = 300;
constexpr int kWarmup = 20;

struct Result {
  double mean_us = 0, p50_us = 0, p99_us = 0, calls_per_s = 0;
};

// Runs `clients` threads, each with its own connection (made by `make`), each timing
// kCallsPerClient calls after kWarmup.
Result Measure(int clients, const std::function<std::function<bool()>()>& make) {
  std::vector<std::vector<double>> per(clients);
  std::vector<std::function<bool()>> calls;
  for (int c = 0; c < clients; ++c) calls.push_back(make());
  for (auto& call : calls) {
    for (int i = 0; i < kWarmup; ++i) {
      if (!call()) std::abort();
    }
  }
  Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < kCallsPerClient; ++i) {
        Clock::time_point t = Clock::now();
        if (!calls[c]()) std::abort();
        per[c].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : per) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Result r;
  for (double v : all) r.mean_us += v;
  r.mean_us /= static_cast<double>(all.size());
  r.p50_us = all[all.size() / 2];
  r.p99_us = all[all.size() * 99 / 100];
  r.calls_per_s = static_cast<double>(all.size()) / wall_s;
  return r;
}

}  // namespace

int main() {
  if (!std::getenv("CRYFTTEE_BUILD_DIR"))
    setenv("CRYFTTEE_BUILD_DIR", CRYFTTEE_DEFAULT_BUILD_DIR, 1);
  cryfttee::Bytes message(200);
  for (size_t i = 0; i < message.size(); ++i) message[i] = static_cast<uint8_t>(i * 7);
  std::string message_b64 = cryfttee::Base64Encode(message);

  // A key in a fresh vault, made through the API, then the daemon restarted with the signer on.
  DaemonProcess keygen;
  if (!keygen.Start()) {
    std::fprintf(stderr, "daemon did not start:\n%s\n", keygen.Log().c_str());
    return 1;
  }
  auto reg = keygen.Post("/v1/staking/bls/register", R"({"mode":0})").Json();
  std::string handle = reg.value("key_handle", "");
  keygen.Stop();
  std::string grpc_socket = keygen.dir().File("signer.sock");
  DaemonOptions options;
  options.args = {"--data-dir",       keygen.data_dir(),
                  "--rpcsigner-addr", "unix://" + grpc_socket,
                  "--log-level",      "warn"};
  DaemonProcess daemon(options);
  if (handle.empty() || !daemon.Start()) {
    std::fprintf(stderr, "daemon with the gRPC signer did not start:\n%s\n", daemon.Log().c_str());
    return 1;
  }
  std::string http_body = R"({"key_handle":")" + handle + R"(","message":")" + message_b64 +
                          R"(","message_encoding":"base64"})";

  auto sk = cryfttee::bls::SecretKey::Generate();
  auto raw = [&]() -> std::function<bool()> {
    return [&] { return sk->Sign(message).ToBytes().size() == cryfttee::bls::kSignatureSize; };
  };
  auto http = [&]() -> std::function<bool()> {
    auto conn = std::make_shared<cryfttee::testing::RawConnection>(
        cryfttee::testing::RawConnection::Unix(daemon.socket_path()));
    std::string request = cryfttee::testing::BuildRequest(
        "POST", "/v1/staking/bls/sign", http_body, "Content-Type: application/json\r\n", true);
    return [conn, request] { return conn->Send(request) && conn->Read().status == 200; };
  };
  auto grpc_client = [&]() -> std::function<bool()> {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one connection per client
    auto channel =
        grpc::CreateCustomChannel("unix:" + grpc_socket, grpc::InsecureChannelCredentials(), args);
    std::shared_ptr<signer::Signer::Stub> stub = signer::Signer::NewStub(channel);
    signer::SignRequest request;
    request.set_message(message.data(), message.size());
    return [stub, request] {
      grpc::ClientContext ctx;
      signer::SignResponse response;
      return stub->Sign(&ctx, request, &response).ok() && response.signature().size() == 96;
    };
  };

  std::printf("BLS Sign of a %zu-byte message, %d calls per client after %d warm-up calls\n",
              message.size(), kCallsPerClient, kWarmup);
  std::printf("%-5s %7s %9s %9s %9s %9s %8s %8s\n", "mode", "clients", "mean_us", "p50_us",
              "p99_us", "calls/s", "vs_raw", "vs_http");
  for (int clients : {1, 2}) {
    Result r = Measure(clients, raw);
    Result h = Measure(clients, http);
    Result g = Measure(clients, grpc_client);
    for (auto [name, m] : {std::pair{"raw", r}, std::pair{"http", h}, std::pair{"grpc", g}}) {
      std::printf("%-5s %7d %9.1f %9.1f %9.1f %9.0f %8.2f %8.2f\n", name, clients, m.mean_us,
                  m.p50_us, m.p99_us, m.calls_per_s, m.mean_us / r.mean_us, m.mean_us / h.mean_us);
    }
  }
  daemon.Stop();
  return 0;
}
