// Runs one capability of a module for an API request (through runtime/module_call.h, the path
// the gRPC signer shares) and turns the module's answer into an HTTP response. Shared by the
// staking and panel handlers so every module call maps failures the same way:
//   - no module offers the capability        -> the registry's status (404/503) as JSON
//   - the module trapped, ran out of fuel... -> 502 "module_failed", naming the module
//   - the request is above the engine's cap  -> 413 "request_too_large"
//   - the module answered {"success": false, "error": "<code>", "kind": "<category>"} -> the
//     code with the category's HTTP status (runtime::ModuleAnswerStatus classifies,
//     api/responses.cc HttpStatusFor maps); an answer without a valid kind -> 502
//     "module_error"; the module's upstream_status is kept when it gave one
#pragma once

#include <string>
#include <string_view>

#include "api/api_context.h"
#include "api/http_types.h"
#include "api/responses.h"
#include "runtime/module_call.h"

namespace cryfttee::api {

using runtime::ModuleAnswer;

// `module_id` empty = dispatch by default. `request` is the JSON text handed to the module as
// is (the client's own body: the module owns its shapes, so nothing is re-encoded on the way).
// Fails as runtime::CallModule does; a module that answered {"success": false} is NOT a
// failure here: the caller maps it with ModuleErrorResponse.
Result<ModuleAnswer> CallModule(const ApiContext& ctx, const std::string& capability,
                                const std::string& module_id, std::string_view request);

// Calls a loaded module's optional get_status_panel export and returns the panel in the seed's
// shape (module_id, module_version, title, sections). Codes: "module_not_loaded" (503),
// "no_status_panel" (404), "module_failed" (502).
Result<Json> FetchStatusPanel(const runtime::ModuleRecord& record);

// Maps a failed module answer to the response described above.
HttpResponse ModuleErrorResponse(const std::string& module_id, const Json& answer);

}  // namespace cryfttee::api
