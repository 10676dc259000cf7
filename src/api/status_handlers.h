// GET /v1/staking/status: the union of the integration seed's and the attestation seed's status
// shapes (design §4). Until a signer module is loaded it says so: ready=false and a reason.
#pragma once

#include "api/api_context.h"
#include "api/router.h"

namespace cryfttee::api {

void AddStatusRoutes(Router& router, const ApiContext& ctx);

}  // namespace cryfttee::api
