#include "api/responses.h"

#include "core/json_fields.h"

namespace cryfttee::api {

int HttpStatusFor(StatusCategory category) {
  switch (category) {
    case StatusCategory::kOk:
      return 200;
    case StatusCategory::kInvalidArgument:
      return 400;
    case StatusCategory::kNotFound:
      return 404;
    case StatusCategory::kAlreadyExists:
      return 409;
    case StatusCategory::kUnauthenticated:
      return 401;
    case StatusCategory::kPermissionDenied:
      return 403;
    case StatusCategory::kFailedPrecondition:
      return 409;
    case StatusCategory::kUnavailable:
      return 503;
    case StatusCategory::kUpstream:
      return 502;
    case StatusCategory::kTooLarge:
      return 413;
    case StatusCategory::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(int http_status, const std::string& code, const std::string& message) {
  Json body = {{"success", false}, {"error", message}, {"code", code}};
  return JsonResponse(body, http_status);
}

HttpResponse ErrorResponse(const Status& status) {
  return ErrorResponse(HttpStatusFor(status.category()), status.code(), status.message());
}

HttpResponse JsonResponse(const Json& body, int http_status) {
  HttpResponse resp;
  resp.status = http_status;
  // Replace invalid UTF-8 rather than throwing: a module may return arbitrary bytes in a string.
  resp.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return resp;
}

Result<Json> ParseJsonObject(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json parsed;
  Status s = ParseJsonObjectText(body, "request body", "invalid_json", &parsed, kRequestJsonLimits);
  if (!s.ok()) return s;
  return parsed;
}

Status CheckFieldLength(std::string_view field, std::string_view value, size_t max) {
  if (value.size() <= max) return Status::Ok();
  return Status::InvalidArgument(
      "field_too_long",
      "field \"" + std::string(field) + "\" is longer than " + std::to_string(max) + " bytes");
}

}  // namespace cryfttee::api
