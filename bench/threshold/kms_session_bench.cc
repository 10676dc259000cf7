// Wall time of whole KMS sessions (kms/node.h): n in-process operators, every message through
// the real encode / sign / verify / envelope path over an in-memory queue, for n = 7, 10, 15:
// a DKG, then a reshare of its key; and the latency of a threshold node signature (own partial
// + t-1 calls, each verified, recombined) over one plain BLS signature, all in the same run.
//
// All n operators share this one thread, so "session" is the sum of every operator's work; in a
// real deployment they run in parallel and "per operator" (session / n) is the closer figure,
// plus network round trips. Usage: kms_session_bench [--quick]   (--quick: n = 7 only)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <string>

#include "crypto/bls12_381/bls.h"
#include "crypto/threshold/partial.h"
#include "crypto/x25519_envelope.h"
#include "kms/node.h"

using namespace cryfttee;
using namespace cryfttee::kms;

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kInterval = 60'000;
constexpr uint64_t kB0 = 1'700'000'040'000;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Network final : public Transport {
 public:
  void Send(const OperatorSetPeer& peer, std::string_view route, std::string wire) override {
    queue_.push_back({peer.id, std::string(route), std::move(wire)});
  }
  Result<std::string> Call(const OperatorSetPeer& peer, std::string_view route, std::string wire,
                           std::chrono::milliseconds) override {
    return nodes.at(peer.id)->ReceiveCall(route, wire);
  }
  void Pump() {
    while (!queue_.empty()) {
      auto [to, route, wire] = std::move(queue_.front());
      queue_.pop_front();
      Status st = nodes.at(to)->Receive(route, wire);
      if (!st.ok()) std::fprintf(stderr, "refused at %s: %s\n", to.c_str(), st.ToString().c_str());
    }
  }
  std::map<std::string, Node*> nodes;

 private:
  struct Delivery {
    std::string to, route, wire;
  };
  std::deque<Delivery> queue_;
};

struct Group {
  Network net;
  std::vector<OperatorSetPeer> peers;
  std::vector<std::unique_ptr<Node>> nodes;

  void Run(uint64_t boundary) {
    for (auto& n : nodes) n->OnBoundary(boundary, peers);
    net.Pump();
    for (double f : {0.31, 0.51, 0.81}) {  // only needed if something was missing
      for (auto& n : nodes) n->Tick(boundary + uint64_t(f * kInterval));
      net.Pump();
    }
  }
  bool Completed() const {
    for (const auto& n : nodes)
      if (n->StatusJson()["session"]["outcome"] != "completed") return false;
    return true;
  }
};

std::unique_ptr<Group> MakeGroup(uint32_t n, const std::string& dir) {
  auto g = std::make_unique<Group>();
  std::vector<std::pair<Bytes, Bytes>> secrets;
  for (uint32_t i = 0; i < n; ++i) {
    auto sk = bls::SecretKey::Generate().value().ToBytes();
    auto x = crypto::X25519Generate().value();
    OperatorSetPeer p;
    p.id = "op" + std::to_string(100 + i);
    p.identity_public_key = NewBls12381Signer(sk).value()->PublicKey();
    p.encryption_public_key = x.public_key;
    p.address = "http://127.0.0.1:1";
    g->peers.push_back(p);
    NodeOptions o;
    o.self_id = p.id;
    o.data_dir = dir + "/" + p.id;
    o.interval = std::chrono::milliseconds(kInterval);
    Bytes enc(x.private_key.data(), x.private_key.data() + 32);
    g->nodes.push_back(Node::Open(o, NewBls12381Signer(sk).value(), enc, &g->net).value());
    g->net.nodes[p.id] = g->nodes.back().get();
  }
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::string dir = std::filesystem::temp_directory_path() / "kms_session_bench.XXXXXX";
  if (!mkdtemp(dir.data())) return 1;

  // Reference: one plain BLS key generation + signature, same run.
  auto sk = bls::SecretKey::Generate().value();
  Bytes msg(32, 0x5a);
  auto start = Clock::now();
  int reps = 0;
  while (reps < 20 || Since(start) < 0.5) {
    auto k = bls::SecretKey::Generate().value();
    (void)k.Sign(msg);
    ++reps;
  }
  double reference = Since(start) / reps;
  start = Clock::now();
  for (int i = 0; i < 20; ++i) (void)sk.Sign(msg);
  double plain_sign = Since(start) / 20;
  std::printf("reference: BLS keygen+sign %.3f ms, sign %.3f ms\n\n", reference * 1e3,
              plain_sign * 1e3);
  std::printf("%4s %4s  %-8s %12s %14s %12s\n", "n", "t", "session", "wall (ms)", "per op (ms)",
              "x keygen+sign");

  for (uint32_t n : {7u, 10u, 15u}) {
    if (quick && n != 7) continue;
    auto g = MakeGroup(n, dir + "/n" + std::to_string(n));
    uint32_t t = ThresholdFor(n, 2, 3);
    for (int round = 0; round < 2; ++round) {
      const char* what = round == 0 ? "dkg" : "reshare";
      start = Clock::now();
      g->Run(kB0 + round * kInterval);
      double s = Since(start);
      if (!g->Completed()) {
        std::fprintf(stderr, "n=%u %s did not complete\n", n, what);
        return 1;
      }
      std::printf("%4u %4u  %-8s %12.1f %14.1f %12.0f\n", n, t, what, s * 1e3, s * 1e3 / n,
                  s / reference);
    }
    start = Clock::now();
    const int signs = 5;
    for (int i = 0; i < signs; ++i) {
      auto sig = g->nodes[0]->NodeSign(msg, threshold::NodeScheme::kDefaultDst);
      if (!sig.ok()) {
        std::fprintf(stderr, "node sign failed: %s\n", sig.status().ToString().c_str());
        return 1;
      }
    }
    double ts = Since(start) / signs;
    std::printf("%4u %4u  %-8s %12.2f %14s %12s   (%.1fx a plain sign)\n", n, t, "sign", ts * 1e3,
                "-", "-", ts / plain_sign);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
