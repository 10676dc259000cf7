#include "api/staking_handlers.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "api/module_call.h"
#include "api/responses.h"
#include "core/json_fields.h"
#include "core/json_scan.h"

namespace cryfttee::api {
namespace {

HttpResponse FailureResponse(const Status& st) { return ErrorResponse(st); }

// The small fields of a staking request have natural sizes (a handle is ~25 characters, a
// public key at most 130 in hex); a client's 100 KB key_handle is refused here with 400 instead
// of costing a module its fuel (and the module its health). Messages, digests and key material
// are bounded only by the body limit.
Status CheckSelectorSizes(const Json& request) {
  static constexpr std::pair<const char*, size_t> kCaps[] = {{"key_handle", 128},
                                                             {"pubkey", 256},
                                                             {"module_id", 64},
                                                             {"key_type", 32},
                                                             {"type", 64},
                                                             {"dst", 16},
                                                             {"signature_encoding", 16},
                                                             {"message_encoding", 16},
                                                             {"format", 16},
                                                             {"action", 32},
                                                             {"label", 256},
                                                             {"purpose", 256},
                                                             {"password", 4096},
                                                             {"algorithm", 32}};
  for (const auto& [field, max] : kCaps) {
    auto it = request.find(field);
    if (it != request.end() && it->is_string()) {
      CRYFTTEE_RETURN_IF_ERROR(CheckFieldLength(field, it->get_ref<const std::string&>(), max));
    }
  }
  return Status::Ok();
}

// The fields read here (module_id and CheckSelectorSizes'): their values are always parsed.
constexpr std::string_view kReadFields[] = {
    "key_handle",         "pubkey",           "module_id", "key_type", "type",  "dst",
    "signature_encoding", "message_encoding", "format",    "action",   "label", "purpose",
    "password",           "algorithm"};
// Longer string values of other fields are "bulk" (a message, a digest, key material).
constexpr uint32_t kBulkStringBytes = 1024;

// RFC 3629 UTF-8, as nlohmann's lexer demands it of strings (no overlongs, no surrogates, at
// most U+10FFFF); ASCII runs are tested eight bytes at a time.
bool IsUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (end - p <= n || p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
    }
    p += n + 1;
  }
  return true;
}

// ParseJsonObject's verdict on a signing request without lexing its bulk into the document:
// the native scanner (core/json_scan.h) checks the whole grammar and IsUtf8 the bulk strings,
// then the full parser (limits, duplicate keys) runs on a copy whose bulk strings are empty, so
// the result holds every field read here. Lexing a 1 MiB message into a std::string was the
// largest single cost of a large sign. Any failure re-parses the whole body with
// ParseJsonObject, so errors (codes and messages) are exactly its.
Result<Json> ParseSelectors(const std::string& body) {
  if (body.size() > kRequestJsonLimits.max_bytes) return ParseJsonObject(body);
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  std::vector<JsonMember> members;
  if (!ScanJsonObject(body, &members)) return ParseJsonObject(body);
  std::string skeleton;
  size_t copied = 0;
  for (const JsonMember& m : members) {
    if (m.kind != JsonKind::kString || m.value_len <= kBulkStringBytes) continue;
    const std::string_view key(body.data() + m.key_offset, m.key_len);
    if (m.key_escaped ||
        std::find(std::begin(kReadFields), std::end(kReadFields), key) != std::end(kReadFields)) {
      continue;
    }
    if (!IsUtf8(std::string_view(body).substr(m.value_offset + 1, m.value_len - 2))) {
      return ParseJsonObject(body);
    }
    if (skeleton.empty()) skeleton.reserve(body.size() < 4096 ? body.size() : 4096);
    skeleton.append(body, copied, m.value_offset + 1 - copied);  // up to the opening quote
    copied = m.value_offset + m.value_len - 1;                   // from the closing quote
  }
  if (copied == 0) return ParseJsonObject(body);  // nothing bulky: the plain path
  skeleton.append(body, copied, std::string::npos);
  auto parsed = ParseJsonObject(skeleton);
  if (!parsed.ok()) return ParseJsonObject(body);
  return parsed;
}

HttpResponse RunCapability(const ApiContext& ctx, const std::string& capability,
                           const HttpRequest& req) {
  auto parsed = ParseSelectors(req.body);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  JsonFields fields(*parsed, "");
  std::string module_id = fields.Str("module_id");
  if (!fields.status().ok()) return ErrorResponse(fields.status());
  if (Status s = CheckSelectorSizes(*parsed); !s.ok()) return ErrorResponse(s);
  // The body goes to the module verbatim (it was only validated here); an empty body is "{}".
  const bool blank = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
  auto answer = CallModule(ctx, capability, module_id, blank ? std::string_view("{}") : req.body);
  if (!answer.ok()) return FailureResponse(answer.status());
  if (!answer->body.value("success", false)) {
    return ModuleErrorResponse(answer->module_id, answer->body);
  }
  answer->body["module_id"] = answer->module_id;
  // A new key: the key list (status, bls_pubkeys) shows it from the next request on.
  if (ctx.backends && capability.find("_register") != std::string::npos) {
    ctx.backends->KeysChanged();
  }
  return JsonResponse(answer->body);
}

HttpResponse StatusPanel(const ApiContext& ctx, const HttpRequest& req) {
  const std::string& id = req.path_params.at("id");
  // get_status_panel is an optional export, not a capability: look the module up by id.
  auto snapshot = ctx.registry ? ctx.registry->Current() : nullptr;
  const runtime::ModuleRecord* record = snapshot ? snapshot->Find(id) : nullptr;
  if (!record) return ErrorResponse(404, "module_not_found", "no module " + id);
  auto panel = FetchStatusPanel(*record);
  if (!panel.ok()) return ErrorResponse(panel.status());
  (*panel)["success"] = true;
  return JsonResponse(*panel);
}

}  // namespace

void AddStakingRoutes(Router& router, const ApiContext& ctx) {
  const std::pair<const char*, const char*> routes[] = {
      {"/v1/staking/bls/register", "bls_register"},
      {"/v1/staking/bls/sign", "bls_sign"},
      {"/v1/staking/tls/register", "tls_register"},
      {"/v1/staking/tls/sign", "tls_sign"},
  };
  for (const auto& [path, capability] : routes) {
    std::string cap = capability;
    router.Add("POST", path,
               [&ctx, cap](const HttpRequest& r) { return RunCapability(ctx, cap, r); });
  }
}

void AddPanelRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/v1/modules/{id}/status-panel",
             [&ctx](const HttpRequest& r) { return StatusPanel(ctx, r); });
}

}  // namespace cryfttee::api
