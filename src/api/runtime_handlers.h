// /v1/runtime/* : attestation, heartbeat and connection status.
#pragma once

#include <nlohmann/json.hpp>

#include "api/api_context.h"
#include "api/router.h"

namespace cryfttee::api {

void AddRuntimeRoutes(Router& router, const ApiContext& ctx);

// Whether a loaded module serves bls_sign for the default (what "signer ready" means everywhere).
struct SignerState {
  bool ready = false;
  std::string module_id;
  std::string module_version;
  std::string reason;  // why not, when not ready
};
// From the one signer view (runtime/signer_backends.h): in remote mode a vault-backed signer is
// ready only while the enclave answers; through Web3Signer only while Web3Signer does.
SignerState SignerReadiness(const ApiContext& ctx);

// How the keys are reached right now (probes the enclave in remote mode), and its JSON:
// {"mode": "in_process"|"remote", "connected": bool, "address": "unix:..."|"vsock://..."|null}.
tee::Connection ProbeKeys(const ApiContext& ctx);
nlohmann::json EnclaveJson(const tee::Connection& keys);

// Connection status JSON (shared by /v1/runtime/connection and /v1/staking/status).
nlohmann::json ConnectionJson(const ApiContext& ctx, int64_t now_ms, const SignerState& signer);

// The gRPC signer's report ({"enabled": false} when it is off), shared by status and
// attestation.
nlohmann::json RpcSignerJson(const ApiContext& ctx);

}  // namespace cryfttee::api
