// POST /v1/staking/{bls,tls}/{register,sign} and GET /v1/modules/{id}/status-panel.
//
// The handlers validate the envelope (a JSON object, an optional string "module_id") and route
// the request to the module that serves the capability: an explicit module_id wins, otherwise
// the manifest's defaultFor module. The module (for the embedded default, bls_tls_signer_v1 on
// the key vault) accepts the canonical shapes of the integration seed and the aliases of the
// attestation seed; see docs/api.md.
#pragma once

#include "api/api_context.h"
#include "api/router.h"

namespace cryfttee::api {

void AddStakingRoutes(Router& router, const ApiContext& ctx);
void AddPanelRoutes(Router& router, const ApiContext& ctx);

}  // namespace cryfttee::api
