// Transport-neutral HTTP request/response types. Handlers see only these, so they compile
// without Boost.Beast and can be unit-tested without sockets.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cryfttee::api {

// Who is on the other end of a connection, read once when it is accepted (the audit log and the
// caller allow-list use it). Unix sockets: the kernel's SO_PEERCRED at connect time and the
// executable behind the pid ("" when /proc/PID/exe cannot be read, e.g. another user's process
// and no CAP_SYS_PTRACE). TCP: the peer address; TLS adds the verified client certificate's
// subject (RFC 2253), "" without one.
struct PeerInfo {
  enum class Kind { kUnix, kTcp } kind = Kind::kTcp;
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  std::vector<gid_t> groups;  // supplementary groups at connect time (SO_PEERGROUPS)
  std::string exe;
  std::string address;
  std::string subject;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query string
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;      // lower-case names
  std::map<std::string, std::string> path_params;  // filled by the router from "{name}" segments
  std::string body;
  std::string listener;                  // "api" or "kiosk": which listener received it
  std::shared_ptr<const PeerInfo> peer;  // null when not served from a socket (handler tests)

  const std::string* Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  const std::string* Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Splits "a=1&b=%20x" into a map, percent-decoding names and values ('+' means space).
std::map<std::string, std::string> ParseQueryString(const std::string& query);
// Percent-decodes a path; returns false on a malformed escape.
bool PercentDecode(const std::string& in, std::string* out, bool plus_is_space);

}  // namespace cryfttee::api
