// The one JSON shape for every answer: success bodies carry "success": true, errors are
// {"success": false, "error": "<human message>", "code": "<stable_code>"} with a matching status.
#pragma once

#include <nlohmann/json.hpp>

#include "api/http_types.h"
#include "core/json_fields.h"
#include "core/status.h"

namespace cryfttee::api {

using Json = nlohmann::json;

int HttpStatusFor(StatusCategory category);
HttpResponse ErrorResponse(int http_status, const std::string& code, const std::string& message);
HttpResponse ErrorResponse(const Status& status);
// Serialises `body` with status 200 (or the given one).
HttpResponse JsonResponse(const Json& body, int http_status = 200);

// Every API body is parsed within these bounds: a real request (even one carrying an EIP-2335
// keystore object) nests about five levels and holds a few dozen values. A body nested deeper
// would parse (the parser is iterative) and then overflow the stack when serialised for a module.
inline constexpr JsonLimits kRequestJsonLimits{/*max_bytes=*/16 << 20, /*max_depth=*/16,
                                               /*max_elements=*/10000};

// Parses a request body as a JSON object within kRequestJsonLimits; duplicate keys are refused
// (which one a reader takes is not defined). Codes (400): "invalid_json", "json_too_deep",
// "json_too_large". An empty body is an empty object, so POSTs without fields still work.
Result<Json> ParseJsonObject(const std::string& body);

// Longest accepted values of small identifying fields (heartbeat, key selectors).
inline constexpr size_t kMaxNodeIdLength = 128;
inline constexpr size_t kMaxVersionLength = 64;
// Code "field_too_long" (400) when `value` is longer than `max` bytes.
Status CheckFieldLength(std::string_view field, std::string_view value, size_t max);

}  // namespace cryfttee::api
