// Test helpers for the Web3Signer backend: the stand-in server (server.mjs) as a child process
// with its control port, typed eth2 request bodies, and blst verification through verify.mjs.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/daemon_process.h"

namespace cryfttee::testing {

using Json = nlohmann::json;

// node tests/web3signer/server.mjs, stopped (SIGKILL) on destruction.
class Web3SignerStandIn {
 public:
  explicit Web3SignerStandIn(std::vector<std::string> extra_args = {});
  ~Web3SignerStandIn();
  Web3SignerStandIn(const Web3SignerStandIn&) = delete;
  Web3SignerStandIn& operator=(const Web3SignerStandIn&) = delete;

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // {"mode": mode, "delay_ms": delay_ms} to the control port.
  void Fault(const std::string& mode, int delay_ms = 0);
  Json State();
  std::vector<std::string> PublicKeys();
  // Adds a raw key ("a key Web3Signer already has"); returns its public key.
  std::string AddKey(const std::string& secret_hex);
  void Kill();

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int control_port_ = 0;
};

// Web3Signer sign bodies (mainnet fork 0x00000000, genesis_validators_root 0x11..11).
Json Attestation(int source, int target, const std::string& block_root_byte = "22");
Json BlockV2(int slot, const std::string& body_root_byte = "33");
Json RandaoReveal(int epoch);
Json AggregationSlot(int slot);
Json VoluntaryExit(int epoch, int validator_index);

// Runs verify.mjs; one bool per case ({"pubkey","signature","request"} or {..,"message"}).
// Empty when the npm oracles are missing.
std::vector<bool> VerifyWithBlst(const Json& cases);

// Polls until pred holds; returns whether it did.
bool WaitFor(int timeout_ms, const std::function<bool()>& pred);

}  // namespace cryfttee::testing
