// Web3Signer's own signing face on cryfttee's API socket, so a validator client written for
// Web3Signer can point at cryfttee unchanged:
//
//   GET  /api/v1/eth2/publicKeys
//   POST /api/v1/eth2/sign/{identifier}
//
// Both are forwarded to the configured Web3Signer and its answer (status, Content-Type, body:
// JSON or text/plain by the caller's Accept, reason-phrase errors) comes back byte for byte, so
// Web3Signer's signing-root check and slashing protection stay in force. A key only the vault
// holds is unknown to Web3Signer: 404, never an unprotected typed signature. A forwarded sign is
// never retried and gives up after web3signer_timeout_ms (at most 30 s) with 503; the worker
// thread is the only one waiting. Without a Web3Signer URL both answer 404 "Not Found".
// Every forwarded sign is logged (identifier, type, status, time).
#pragma once

#include <chrono>

#include "api/api_context.h"
#include "api/router.h"

namespace cryfttee::api {

void AddWeb3SignerRoutes(Router& router, const ApiContext& ctx,
                         std::chrono::milliseconds sign_timeout);

}  // namespace cryfttee::api
