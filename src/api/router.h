// Maps (method, path) to a handler. Paths are literal segments or "{name}" captures.
// An unknown path answers 404 and a known path with the wrong method answers 405 (with Allow),
// both as the standard JSON error body.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace cryfttee::api {

using Handler = std::function<HttpResponse(const HttpRequest&)>;
// Wraps the whole dispatch of one listener: it sees every request first (including those no
// route matches) and every answer last. `next` runs the routing.
using Middleware = std::function<HttpResponse(const HttpRequest&, const Handler& next)>;

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);
  void SetMiddleware(Middleware middleware) { middleware_ = std::move(middleware); }
  HttpResponse Dispatch(HttpRequest request) const;
  // The pattern of the route `path` matches (any method), or "unmatched": a bounded label for
  // metrics, unlike the raw path.
  std::string PatternOf(const std::string& path) const;

 private:
  HttpResponse RouteRequest(HttpRequest request) const;
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    std::string pattern;
    Handler handler;
  };
  static std::vector<std::string> Split(const std::string& path);
  static bool Match(const Route& r, const std::vector<std::string>& segs,
                    std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
  Middleware middleware_;
};

}  // namespace cryfttee::api
