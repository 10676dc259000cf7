// cryftteectl is a set of command groups, each registered from its own file. A command's callback
// stores its process exit code in CtlContext::exit_code.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cryfttee::ctl {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitAttestationMismatch = 3;  // also: launch refused an unverified binary
inline constexpr int kExitKeyLost = 4;              // init-node: a saved key is gone from cryfttee
inline constexpr int kExitKeyMismatch = 5;          // init-node: cryfttee holds other keys only

struct CtlContext {
  // How to reach the daemon (filled from flags and CRYFTTEE_* env before callbacks run).
  std::string transport = "uds";  // uds | http | https
  std::string socket_path = "/var/run/cryfttee.sock";
  std::string http_addr;  // host:port; default depends on transport
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  double timeout_seconds = 30;
  bool retry = false;  // --retry: the seed's backoff (100 ms doubling to 5 s, 10 attempts)
  bool json = false;
  int exit_code = kExitOk;
};

void RegisterRuntimeCommands(CLI::App& app,
                             CtlContext& ctx);  // status, attestation, heartbeat, connection
void RegisterBlsCommands(CLI::App& app, CtlContext& ctx);        // bls ...
void RegisterModuleCommands(CLI::App& app, CtlContext& ctx);     // module keygen|sign|verify
void RegisterKeyCommands(CLI::App& app, CtlContext& ctx);        // keys ..., sign bls|tls, panels
void RegisterNodeCommands(CLI::App& app, CtlContext& ctx);       // launch, init-node
void RegisterThresholdCommands(CLI::App& app, CtlContext& ctx);  // threshold deal|verify-share|...
void RegisterKmsCommands(CLI::App& app, CtlContext& ctx);        // kms identity|status|evidence
void RegisterKmsDevnetCommand(CLI::App& kms, CtlContext& ctx);   // kms devnet

}  // namespace cryfttee::ctl
