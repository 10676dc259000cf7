#include "w3s_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace cryfttee::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Repeat(const std::string& byte, int n) {
  std::string out = "0x";
  for (int i = 0; i < n; ++i) out += byte;
  return out;
}

Json ForkInfo() {
  return {{"fork",
           {{"previous_version", "0x00000000"}, {"current_version", "0x00000000"}, {"epoch", "0"}}},
          {"genesis_validators_root", Repeat("11", 32)}};
}

}  // namespace

Web3SignerStandIn::Web3SignerStandIn(std::vector<std::string> extra_args) {
  std::string out = dir_.File("server.out");
  pid_ = ::fork();
  if (pid_ == 0) {
    if (::chdir(SourceDir().c_str()) != 0) ::_exit(127);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<std::string> args = {"node", "tests/web3signer/server.mjs"};
    for (auto& a : extra_args) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("node", argv.data());
    ::_exit(127);
  }
  WaitFor(15'000, [&] {
    Json line = Json::parse(ReadFile(out), nullptr, false);
    if (!line.is_object()) return false;
    port_ = line.value("port", 0);
    control_port_ = line.value("control_port", 0);
    return port_ > 0;
  });
}

Web3SignerStandIn::~Web3SignerStandIn() { Kill(); }

void Web3SignerStandIn::Kill() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

void Web3SignerStandIn::Fault(const std::string& mode, int delay_ms) {
  TcpRequest(control_port_, "POST", "/fault", Json{{"mode", mode}, {"delay_ms", delay_ms}}.dump());
}

Json Web3SignerStandIn::State() { return TcpRequest(control_port_, "GET", "/state").Json(); }

std::vector<std::string> Web3SignerStandIn::PublicKeys() {
  return State()["keys"].get<std::vector<std::string>>();
}

std::string Web3SignerStandIn::AddKey(const std::string& secret_hex) {
  Json r =
      TcpRequest(control_port_, "POST", "/keys", Json{{"secret_keys", {secret_hex}}}.dump()).Json();
  return r["pubkeys"][0].get<std::string>();
}

Json Attestation(int source, int target, const std::string& block_root_byte) {
  return {{"type", "ATTESTATION"},
          {"fork_info", ForkInfo()},
          {"attestation",
           {{"slot", std::to_string(target * 32)},
            {"index", "0"},
            {"beacon_block_root", Repeat(block_root_byte, 32)},
            {"source", {{"epoch", std::to_string(source)}, {"root", Repeat("00", 32)}}},
            {"target", {{"epoch", std::to_string(target)}, {"root", Repeat("00", 32)}}}}}};
}

Json BlockV2(int slot, const std::string& body_root_byte) {
  return {{"type", "BLOCK_V2"},
          {"fork_info", ForkInfo()},
          {"beacon_block",
           {{"version", "DENEB"},
            {"block_header",
             {{"slot", std::to_string(slot)},
              {"proposer_index", "7"},
              {"parent_root", Repeat("44", 32)},
              {"state_root", Repeat("55", 32)},
              {"body_root", Repeat(body_root_byte, 32)}}}}}};
}

Json RandaoReveal(int epoch) {
  return {{"type", "RANDAO_REVEAL"},
          {"fork_info", ForkInfo()},
          {"randao_reveal", {{"epoch", std::to_string(epoch)}}}};
}

Json AggregationSlot(int slot) {
  return {{"type", "AGGREGATION_SLOT"},
          {"fork_info", ForkInfo()},
          {"aggregation_slot", {{"slot", std::to_string(slot)}}}};
}

Json VoluntaryExit(int epoch, int validator_index) {
  return {
      {"type", "VOLUNTARY_EXIT"},
      {"fork_info", ForkInfo()},
      {"voluntary_exit",
       {{"epoch", std::to_string(epoch)}, {"validator_index", std::to_string(validator_index)}}}};
}

std::vector<bool> VerifyWithBlst(const Json& cases) {
  TempDir dir;
  std::string in = dir.File("cases.json"), out = dir.File("out.json");
  std::ofstream(in) << cases.dump();
  std::string cmd =
      "cd " + SourceDir() + " && node tests/web3signer/verify.mjs " + in + " > " + out;
  int st = std::system(cmd.c_str());
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return {};
  Json r = Json::parse(ReadFile(out), nullptr, false);
  return r.is_array() ? r.get<std::vector<bool>>() : std::vector<bool>{};
}

bool WaitFor(int timeout_ms, const std::function<bool()>& pred) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

}  // namespace cryfttee::testing
