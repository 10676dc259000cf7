// Runs one capability of a dispatched module with a JSON request and classifies its answer. The
// one module-call path shared by every front door (api/ for HTTP, rpcsigner/ for gRPC), so a
// request reaches the same module, under the same engine limits, whichever door it came in by,
// and a failure has the same category everywhere; each door maps the category to its transport
// once (api/responses.cc to HTTP, rpcsigner/grpc_status.cc to gRPC).
//
// Failure codes of CallModule:
//   - the registry's dispatch codes: "module_not_found" (kNotFound), "module_not_loaded",
//     "no_module_for_capability" (kUnavailable)
//   - "request_too_large" (kTooLarge): the request is above the engine's request cap
//   - "module_failed" (kUpstream): trap, fuel, wall time, an answer that is not a JSON object
// A module that answered {"success": false, ...} is NOT a failure of CallModule: the caller
// classifies that answer with ModuleAnswerStatus.
//
// Threading: both functions may be called from any thread at once (the registry and the engine
// are thread-safe).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "runtime/module_registry.h"

namespace cryfttee::runtime {

struct ModuleAnswer {
  nlohmann::json body;    // the module's JSON answer (an object)
  std::string module_id;  // which module answered
  std::string module_version;
};

// `module_id` empty = dispatch by default (Snapshot::Resolve's rule). `request` is the JSON text
// handed to the module as is (an HTTP client's own body: the module owns its shapes, so nothing
// is parsed or re-encoded on the way; a large signing request costs the host no per-byte work).
Result<ModuleAnswer> CallModule(const ModuleRegistry* registry, const std::string& capability,
                                const std::string& module_id, std::string_view request);

// The status of a failed answer {"success": false, "error": "<code>", "kind": "<category>",
// "message"?}. The module (or the host function whose error it relays: every host function's
// error carries its kind, docs/module-abi.md) says what kind of failure it is; the code's
// spelling is never guessed from:
//   "kind" (or the older spelling "error_kind") names a category other than ok
//        (core/status.h StatusCategoryFromName)          -> that category, the module's code
//   no valid kind, code "enclave_unavailable" (relayed from tee/client.h by a module that
//        did not forward the kind)                       -> kUnavailable (the caller retries)
//   anything else (no kind, unknown kind, "ok", no code) -> kUpstream "module_error", the
//                                                           message names the module
Status ModuleAnswerStatus(const std::string& module_id, const nlohmann::json& answer);

}  // namespace cryfttee::runtime
