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

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);
  HttpResponse Dispatch(HttpRequest request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  static std::vector<std::string> Split(const std::string& path);
  static bool Match(const Route& r, const std::vector<std::string>& segs,
                    std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
};

}  // namespace cryfttee::api
