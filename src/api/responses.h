// The one JSON shape for every answer: success bodies carry "success": true, errors are
// {"success": false, "error": "<human message>", "code": "<stable_code>"} with a matching status.
#pragma once

#include <nlohmann/json.hpp>

#include "api/http_types.h"
#include "core/status.h"

namespace cryfttee::api {

using Json = nlohmann::json;

int HttpStatusFor(StatusCategory category);
HttpResponse ErrorResponse(int http_status, const std::string& code, const std::string& message);
HttpResponse ErrorResponse(const Status& status);
// Serialises `body` with status 200 (or the given one).
HttpResponse JsonResponse(const Json& body, int http_status = 200);

// Parses a request body as a JSON object. Code "invalid_json" (400) on failure; an empty body
// is an empty object, so POSTs without fields still work.
Result<Json> ParseJsonObject(const std::string& body);

}  // namespace cryfttee::api
