// /v1/runtime/* : attestation, heartbeat and connection status.
#pragma once

#include <nlohmann/json.hpp>

#include "api/api_context.h"
#include "api/router.h"

namespace cryfttee::api {

void AddRuntimeRoutes(Router& router, const ApiContext& ctx);

// Connection status JSON (shared by /v1/runtime/connection and /v1/staking/status).
nlohmann::json ConnectionJson(const ApiContext& ctx, int64_t now_ms);

}  // namespace cryfttee::api
