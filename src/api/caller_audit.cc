#include "api/caller_audit.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "api/responses.h"
#include "core/clock.h"
#include "core/json_scan.h"
#include "core/request_bytes.h"
#include "core/sha256.h"

namespace cryfttee::api {
namespace {

// One comma-list entry: a number, or a name resolved now (a later rename does not widen it).
template <class Id, class Lookup>
Status ParseIds(const std::string& text, const char* setting, Lookup lookup, std::vector<Id>* out) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) {
      if (item.find_first_not_of("0123456789") == std::string::npos && item.size() <= 10) {
        out->push_back(static_cast<Id>(std::stoull(item)));
      } else {
        auto id = lookup(item);
        if (!id) {
          return Status::InvalidArgument("invalid_config", std::string("invalid ") + setting +
                                                               ": no such name \"" + item + "\"");
        }
        out->push_back(*id);
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

std::optional<uid_t> LookupUser(const std::string& name) {
  passwd pw{}, *found = nullptr;
  char buf[4096];
  if (::getpwnam_r(name.c_str(), &pw, buf, sizeof(buf), &found) != 0 || !found) return {};
  return found->pw_uid;
}

std::optional<gid_t> LookupGroup(const std::string& name) {
  group gr{}, *found = nullptr;
  char buf[16384];
  if (::getgrnam_r(name.c_str(), &gr, buf, sizeof(buf), &found) != 0 || !found) return {};
  return found->gr_gid;
}

// The value of a top-level string member of `body`, decoded only when it holds escapes (the
// common base64/hex value is returned as a view of the body). False when absent or not a string.
bool StringMember(std::string_view body, const std::vector<JsonMember>& members,
                  std::string_view key, std::string* storage, std::string_view* value) {
  for (const JsonMember& m : members) {
    if (m.kind != JsonKind::kString || m.key_escaped) continue;
    if (body.substr(m.key_offset, m.key_len) != key) continue;
    if (!m.value_escaped) {
      *value = body.substr(m.value_offset + 1, m.value_len - 2);
      return true;
    }
    Json parsed = Json::parse(body.substr(m.value_offset, m.value_len), nullptr, false);
    if (!parsed.is_string()) return false;
    *storage = parsed.get<std::string>();
    *value = *storage;
    return true;
  }
  return false;
}

enum class Action { kNone, kRegister, kSign, kReload, kWeb3SignerSign };

Action ActionOf(const std::string& route) {
  if (route == "/v1/staking/bls/sign" || route == "/v1/staking/tls/sign") return Action::kSign;
  if (route == "/v1/staking/bls/register" || route == "/v1/staking/tls/register") {
    return Action::kRegister;
  }
  if (route == "/v1/admin/reload-modules") return Action::kReload;
  if (route == "/api/v1/eth2/sign/{identifier}") return Action::kWeb3SignerSign;
  return Action::kNone;
}

// "ok" for a success; else the answer's stable code, or "http_<status>" for a body that has
// none (a Web3Signer answer relayed as is).
std::string OutcomeOf(const HttpResponse& resp, const Json& body) {
  if (resp.status < 400) return "ok";
  if (body.is_object()) {
    auto it = body.find("code");
    if (it != body.end() && it->is_string()) return it->get<std::string>();
  }
  return "http_" + std::to_string(resp.status);
}

std::string StringField(const Json& body, const char* name) {
  if (!body.is_object()) return "";
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

ops::AuditRecord BuildRecord(const HttpRequest& req, const HttpResponse& resp,
                             const std::string& route, Action action, double latency_ms) {
  ops::AuditRecord r;
  r.time_unix_ms = NowUnixMillis();
  r.caller = AuditCallerOf(req);
  r.route = route;
  r.latency_ms = latency_ms;
  Json answer =
      resp.content_type == "application/json" ? Json::parse(resp.body, nullptr, false) : Json();
  r.outcome = OutcomeOf(resp, answer);
  if (route.rfind("/v1/staking/bls/", 0) == 0 || action == Action::kWeb3SignerSign) {
    r.key_type = "bls";
  } else if (route.rfind("/v1/staking/tls/", 0) == 0) {
    r.key_type = "tls";
  }
  r.module = StringField(answer, "module_id");
  r.key_handle = StringField(answer, "key_handle");
  // A key Web3Signer holds without a vault copy has no handle: its public key names it.
  if (r.key_handle.empty()) r.key_handle = StringField(answer, "public_key");

  if (action == Action::kWeb3SignerSign) {
    // The typed eth2 request is what Web3Signer derives the signing root from: its hash names
    // what was signed, and the key is the identifier in the path.
    r.message_sha256 = FormatSha256(Sha256(AsBytes(req.body)));
    if (auto it = req.path_params.find("identifier"); it != req.path_params.end()) {
      r.key_handle = it->second;
    }
    return r;
  }
  if (action != Action::kSign && action != Action::kRegister) return r;
  std::vector<JsonMember> members;
  if (!ScanJsonObject(req.body, &members)) return r;
  std::string storage;
  std::string_view value;
  if (r.module.empty() && StringMember(req.body, members, "module_id", &storage, &value)) {
    r.module = std::string(value);
  }
  if (r.key_handle.empty()) {
    if (StringMember(req.body, members, "key_handle", &storage, &value) ||
        StringMember(req.body, members, "pubkey", &storage, &value)) {
      r.key_handle = std::string(value.substr(0, 256));
    }
  }
  if (action != Action::kSign) return r;  // a register's key material is never touched
  ByteEncoding encoding = ByteEncoding::kAuto;
  if (StringMember(req.body, members, "message_encoding", &storage, &value)) {
    auto parsed = ParseByteEncoding(value);
    if (!parsed.ok()) return r;
    encoding = *parsed;
  }
  for (const char* field : {"message", "data", "digest"}) {
    if (!StringMember(req.body, members, field, &storage, &value)) continue;
    auto bytes = DecodeRequestBytes(value, encoding, field);
    if (bytes.ok()) r.message_sha256 = FormatSha256(Sha256(*bytes));
    break;
  }
  return r;
}

}  // namespace

bool CallerAllowList::Admits(const PeerInfo& peer) const {
  if (empty()) return true;
  if (peer.kind != PeerInfo::Kind::kUnix) return false;
  if (std::find(uids.begin(), uids.end(), peer.uid) != uids.end()) return true;
  if (std::find(gids.begin(), gids.end(), peer.gid) != gids.end()) return true;
  for (gid_t g : peer.groups) {
    if (std::find(gids.begin(), gids.end(), g) != gids.end()) return true;
  }
  return false;
}

Result<CallerAllowList> ParseCallerAllowList(const std::string& uids, const std::string& gids) {
  CallerAllowList out;
  CRYFTTEE_RETURN_IF_ERROR(ParseIds(uids, "allowed_uids", LookupUser, &out.uids));
  CRYFTTEE_RETURN_IF_ERROR(ParseIds(gids, "allowed_gids", LookupGroup, &out.gids));
  return out;
}

ops::AuditCaller AuditCallerOf(const HttpRequest& req) {
  ops::AuditCaller c;
  if (!req.peer) return c;
  if (req.peer->kind == PeerInfo::Kind::kUnix) {
    c.kind = ops::AuditCaller::Kind::kUnix;
    c.uid = req.peer->uid;
    c.gid = req.peer->gid;
    c.pid = req.peer->pid;
    c.exe = req.peer->exe;
  } else {
    c.kind = ops::AuditCaller::Kind::kTcp;
    c.address = req.peer->address;
    c.subject = req.peer->subject;
  }
  return c;
}

RequestFilter CallerFilter(CallerAllowList allow, RequestFilter inner, const Router* router,
                           ops::AuditLog* log) {
  return [allow = std::move(allow), inner = std::move(inner), router,
          log](const HttpRequest& req) -> std::optional<HttpResponse> {
    auto start = std::chrono::steady_clock::now();
    std::optional<HttpResponse> refused;
    if (!allow.empty() && (!req.peer || !allow.Admits(*req.peer))) {
      refused = ErrorResponse(
          403, "caller_not_allowed",
          "this caller's user and groups are not in the daemon's allowed_uids / allowed_gids");
    } else if (inner) {
      refused = inner(req);
    }
    if (refused && log) {
      std::string route = router->PatternOf(req.path);
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      // A refused request is audited by route and caller only: its body was never read.
      log->Write(BuildRecord(req, *refused, route, Action::kNone, ms));
    }
    return refused;
  };
}

Middleware AuditMiddleware(const Router* router, ops::AuditLog* log, Middleware inner) {
  return [router, log, inner = std::move(inner)](const HttpRequest& req, const Handler& next) {
    auto start = std::chrono::steady_clock::now();
    HttpResponse resp = inner ? inner(req, next) : next(req);
    std::string route = router->PatternOf(req.path);
    Action action = ActionOf(route);
    if (action == Action::kNone && resp.status != 403) return resp;
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    log->Write(BuildRecord(req, resp, route, action, ms));
    return resp;
  };
}

}  // namespace cryfttee::api
