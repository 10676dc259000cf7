// GET /healthz and GET /readyz: the probes a supervisor (systemd, Kubernetes, a load balancer)
// polls. Both are unauthenticated reads that never touch a key or run a module.
//
// /healthz: 200 {"status":"alive"} whenever the process answers HTTP at all.
// /readyz:  200 {"ready":true,"checks":{...}} when the vault is open and every module the
//           manifest names as a default (defaultFor bls / tls) is loaded; otherwise 503 with
//           {"ready":false,"not_ready":["vault", "module:<id>", ...],"checks":{...}} naming what
//           is missing, so an operator reads the cause from the probe itself.
#pragma once

#include "api/api_context.h"
#include "api/router.h"

namespace cryfttee::api {

void AddHealthRoutes(Router& router, const ApiContext& ctx);

}  // namespace cryfttee::api
