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
SignerState SignerReadiness(const ApiContext& ctx);

// Connection status JSON (shared by /v1/runtime/connection and /v1/staking/status).
nlohmann::json ConnectionJson(const ApiContext& ctx, int64_t now_ms);

// The gRPC signer's report ({"enabled": false} when it is off), shared by status and
// attestation.
nlohmann::json RpcSignerJson(const ApiContext& ctx);

}  // namespace cryfttee::api
