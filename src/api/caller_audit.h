// Who may call the API, and the audit line for what each caller did (docs/operations.md,
// "Audit log" and "Who may call").
//
// CallerAllowList: `--allowed-uids` / `--allowed-gids`, comma lists of names or numbers. Empty
// both = anyone who can open the Unix socket (its mode and directory decide). Otherwise a caller
// is admitted when its uid is listed, or its gid or one of its supplementary groups is; root is
// not implied. The credentials are the kernel's (SO_PEERCRED, SO_PEERGROUPS) as of connect().
//
// CallerFilter refuses every request of a connection from anyone else with 403
// `caller_not_allowed`, before routing, and writes an audit line for it. It runs the listener's
// other filter (the browser guard on TCP) after, auditing its refusals too.
//
// AuditMiddleware writes one line per register, sign (including the Web3Signer face's), module
// reload and 403 answer, on the worker thread that answered; the line's fields are in
// ops/audit_log.h. It reads the request's selectors and message with the allocation-light JSON
// scanner (a 1 MiB message is hashed, never copied into a document) and the answer's module and
// key handle. Messages are decoded by the request rule (core/request_bytes.h) and hashed; one
// that does not decode is audited with a null hash (the answer says why).
//
// Failure: ParseCallerAllowList -> "invalid_config" for an unknown user or group name.
// Threading: everything here is safe to call from every worker thread at once.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "api/http_server.h"
#include "api/router.h"
#include "core/status.h"
#include "ops/audit_log.h"

namespace cryfttee::api {

struct CallerAllowList {
  std::vector<uid_t> uids;
  std::vector<gid_t> gids;
  bool empty() const { return uids.empty() && gids.empty(); }
  bool Admits(const PeerInfo& peer) const;
};

Result<CallerAllowList> ParseCallerAllowList(const std::string& uids, const std::string& gids);

ops::AuditCaller AuditCallerOf(const HttpRequest& req);

// `inner` may be empty; `log` may be null (refusals are then not audited).
RequestFilter CallerFilter(CallerAllowList allow, RequestFilter inner, const Router* router,
                           ops::AuditLog* log);

// Wraps `inner` (may be empty: then the routing itself).
Middleware AuditMiddleware(const Router* router, ops::AuditLog* log, Middleware inner);

}  // namespace cryfttee::api
