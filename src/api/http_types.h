// Transport-neutral HTTP request/response types. Handlers see only these, so they compile
// without Boost.Beast and can be unit-tested without sockets.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cryfttee::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query string
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;      // lower-case names
  std::map<std::string, std::string> path_params;  // filled by the router from "{name}" segments
  std::string body;
  std::string listener;  // "api" or "kiosk": which listener received it

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
