#include "api/router.h"

#include "api/responses.h"

namespace cryfttee::api {

std::vector<std::string> Router::Split(const std::string& path) {
  std::vector<std::string> segs;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segs.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segs;
}

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{method, Split(pattern), pattern, std::move(handler)});
}

bool Router::Match(const Route& r, const std::vector<std::string>& segs,
                   std::map<std::string, std::string>* params) {
  if (r.segments.size() != segs.size()) return false;
  std::map<std::string, std::string> captured;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& pat = r.segments[i];
    if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
      captured[pat.substr(1, pat.size() - 2)] = segs[i];
    } else if (pat != segs[i]) {
      return false;
    }
  }
  *params = std::move(captured);
  return true;
}

std::string Router::PatternOf(const std::string& path) const {
  std::vector<std::string> segs = Split(path);
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (Match(r, segs, &params)) return r.pattern;
  }
  return "unmatched";
}

HttpResponse Router::Dispatch(HttpRequest request) const {
  if (!middleware_) return RouteRequest(std::move(request));
  return middleware_(request, [this](const HttpRequest& r) { return RouteRequest(r); });
}

HttpResponse Router::RouteRequest(HttpRequest request) const {
  std::vector<std::string> segs = Split(request.path);
  std::string allowed;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (!Match(r, segs, &params)) continue;
    // HEAD is served by GET handlers; the server drops the body.
    if (r.method == request.method || (request.method == "HEAD" && r.method == "GET")) {
      request.path_params = std::move(params);
      return r.handler(request);
    }
    if (!allowed.empty()) allowed += ", ";
    allowed += r.method;
  }
  if (!allowed.empty()) {
    HttpResponse resp = ErrorResponse(405, "method_not_allowed",
                                      "method " + request.method + " is not allowed on " +
                                          request.path + " (allowed: " + allowed + ")");
    resp.headers.emplace_back("Allow", allowed);
    return resp;
  }
  return ErrorResponse(404, "not_found", "no route for " + request.path);
}

}  // namespace cryfttee::api
