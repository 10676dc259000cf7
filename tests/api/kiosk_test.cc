// Unit tests of the kiosk listener: static files without traversal, the Host allow-list, the CSRF
// guard, and the route allow-list in front of the API router. The browser tests (tests/ui) run
// the same paths through the real daemon.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "api/kiosk.h"
#include "api/kiosk_security.h"
#include "api/kiosk_static.h"
#include "api/responses.h"
#include "api/router.h"
#include "core/clock.h"

namespace cryfttee::api {
namespace {
namespace fs = std::filesystem;

class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/cryfttee-kiosk-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    fs::create_directories(root_ + "/ui/css");
    Write("ui/index.html", "<!doctype html><title>x</title>");
    Write("ui/app.js", "export {};");
    Write("ui/css/site.css", "body{}");
    Write("ui/notes.md", "not a served type");
    Write("ui/.hidden.js", "secret");
    Write("secret.txt", "outside");
    fs::create_symlink(root_ + "/secret.txt", root_ + "/ui/escape.txt");
    fs::create_symlink(root_ + "/ui/app.js", root_ + "/ui/alias.js");
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ + "/" + rel) << text;
  }
  std::string ui() const { return fs::canonical(root_ + "/ui").string(); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

HttpRequest Get(const std::string& path, const std::string& host = "127.0.0.1:8323") {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  r.listener = "kiosk";
  if (!host.empty()) r.headers["host"] = host;
  return r;
}

std::string HeaderOf(const HttpResponse& resp, const std::string& name) {
  for (const auto& [n, v] : resp.headers) {
    if (n == name) return v;
  }
  return "";
}

std::string CodeOf(const HttpResponse& resp) {
  auto j = Json::parse(resp.body, nullptr, false);
  return j.is_object() && j.contains("code") ? j["code"].get<std::string>() : "";
}

// ---- static files -------------------------------------------------------------------------

TEST(KioskStatic, ContentTypes) {
  EXPECT_EQ(KioskContentType("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(KioskContentType("/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(KioskContentType("/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(KioskContentType("/favicon.svg"), "image/svg+xml");
  EXPECT_EQ(KioskContentType("/notes.md"), "");
  EXPECT_EQ(KioskContentType("/Makefile"), "");
  EXPECT_EQ(KioskContentType("/dir.js/file"), "");
}

TEST(KioskStatic, ResolvesFilesInsideTheRoot) {
  TempTree t;
  auto index = ResolveKioskFile(t.ui(), "/");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(*index, t.ui() + "/index.html");
  auto nested = ResolveKioskFile(t.ui(), "/css/site.css");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(*nested, t.ui() + "/css/site.css");
  // A symlink that stays inside ui/ is fine.
  EXPECT_TRUE(ResolveKioskFile(t.ui(), "/alias.js").ok());
}

TEST(KioskStatic, RefusesTraversalAndOddSpellings) {
  TempTree t;
  for (const char* path :
       {"/../secret.txt", "/css/../../secret.txt", "/..", "/./index.html", "/css//site.css",
        "/.hidden.js", "/index.html/", "index.html", "", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
        "/css\\..\\..\\secret.txt", "/ind ex.html", "/%252e%252e/secret.txt"}) {
    auto r = ResolveKioskFile(t.ui(), path);
    EXPECT_FALSE(r.ok()) << "served " << path;
  }
  // The decoded form of "%00" and of ".." (the server decodes before routing).
  EXPECT_FALSE(ResolveKioskFile(t.ui(), std::string("/index.html\0x", 13)).ok());
  // Symlink out of ui/, unknown types, missing files: 404, no detail.
  EXPECT_EQ(ResolveKioskFile(t.ui(), "/escape.txt").status().code(), "not_found");
  EXPECT_EQ(ResolveKioskFile(t.ui(), "/notes.md").status().code(), "not_found");
  EXPECT_EQ(ResolveKioskFile(t.ui(), "/missing.js").status().code(), "not_found");
  EXPECT_EQ(ResolveKioskFile(t.ui(), "/css").status().code(), "not_found");
}

TEST(KioskStatic, ServesWithContentTypeAndRefusesOtherMethods) {
  TempTree t;
  KioskStaticFiles files(t.root() + "/ui");
  ASSERT_TRUE(files.available());
  HttpResponse index = files.Serve(Get("/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>x</title>");
  EXPECT_EQ(files.Serve(Get("/escape.txt")).status, 404);
  HttpRequest post = Get("/index.html");
  post.method = "POST";
  HttpResponse refused = files.Serve(post);
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(HeaderOf(refused, "Allow"), "GET, HEAD");
}

TEST(KioskStatic, MissingUiDirSaysSo) {
  KioskStaticFiles files("/nonexistent/cryfttee-ui");
  EXPECT_FALSE(files.available());
  HttpResponse r = files.Serve(Get("/"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(CodeOf(r), "ui_not_found");
  EXPECT_NE(r.body.find("/nonexistent/cryfttee-ui"), std::string::npos);
}

// ---- Host allow-list ------------------------------------------------------------------------

TEST(KioskHosts, LoopbackNamesWithTheBoundPort) {
  HostAllowList hosts("127.0.0.1:0", "");
  hosts.SetPort(8323);
  EXPECT_TRUE(hosts.Allows("127.0.0.1:8323"));
  EXPECT_TRUE(hosts.Allows("localhost:8323"));
  EXPECT_TRUE(hosts.Allows("LOCALHOST:8323"));
  EXPECT_TRUE(hosts.Allows("[::1]:8323"));
  EXPECT_FALSE(hosts.Allows("localhost:8324"));
  EXPECT_FALSE(hosts.Allows("localhost"));  // port 80 only
  EXPECT_FALSE(hosts.Allows("evil.example:8323"));
  EXPECT_FALSE(hosts.Allows("127.0.0.1.evil.example:8323"));
  EXPECT_FALSE(hosts.Allows("localhost.:8323"));
  EXPECT_FALSE(hosts.Allows(""));
  EXPECT_TRUE(hosts.AllowsOrigin("http://localhost:8323"));
  EXPECT_FALSE(hosts.AllowsOrigin("https://localhost:8323"));
  EXPECT_FALSE(hosts.AllowsOrigin("null"));
  EXPECT_FALSE(hosts.AllowsOrigin("http://evil.example:8323"));
}

TEST(KioskHosts, ConfiguredNamesAndBindAddress) {
  HostAllowList hosts("10.1.2.3:323", "kiosk.lan, Panel.Example:9000 ,fe80::1");
  hosts.SetPort(323);
  EXPECT_TRUE(hosts.Allows("10.1.2.3:323"));
  EXPECT_TRUE(hosts.Allows("kiosk.lan:323"));
  EXPECT_FALSE(hosts.Allows("kiosk.lan:324"));
  EXPECT_TRUE(hosts.Allows("panel.example:9000"));
  EXPECT_FALSE(hosts.Allows("panel.example:323"));
  EXPECT_TRUE(hosts.Allows("[fe80::1]:323"));

  HostAllowList wildcard("0.0.0.0:80", "");
  wildcard.SetPort(80);
  EXPECT_FALSE(wildcard.Allows("0.0.0.0:80"));
  EXPECT_TRUE(wildcard.Allows("localhost"));  // port 80 may be omitted
  EXPECT_TRUE(wildcard.Allows("localhost:80"));
}

// ---- CSRF --------------------------------------------------------------------------------------

TEST(KioskCsrf, TokensAreRandomPerProcessAndHex) {
  auto a = CsrfGuard::Create();
  auto b = CsrfGuard::Create();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->token().size(), 64u);
  EXPECT_NE(a->token(), b->token());
  EXPECT_EQ(a->token().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a->SetCookieHeader(8323).find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(a->SetCookieHeader(8323).find("HttpOnly"), std::string::npos);
}

TEST(KioskCsrf, NeedsHeaderAndCookieFromTheSameOrigin) {
  auto guard = CsrfGuard::Create();
  ASSERT_TRUE(guard.ok());
  HostAllowList hosts("127.0.0.1:8323", "");
  hosts.SetPort(8323);
  const std::string tok = guard->token();
  const std::string cookie = "other=1; " + guard->CookieName(8323) + "=" + tok;

  HttpRequest r = Get("/v1/admin/reload-modules");
  r.method = "POST";
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "csrf_token_missing");

  r.headers["x-csrf-token"] = tok;
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "csrf_token_invalid");  // no cookie

  r.headers["cookie"] = cookie;
  EXPECT_TRUE(guard->Check(r, hosts, 8323).ok());

  std::string wrong = tok;
  wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
  r.headers["x-csrf-token"] = wrong;
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "csrf_token_invalid");
  r.headers["x-csrf-token"] = tok + "0";
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "csrf_token_invalid");
  r.headers["x-csrf-token"] = tok;

  r.headers["cookie"] = guard->CookieName(8324) + "=" + tok;  // another kiosk's cookie
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "csrf_token_invalid");
  r.headers["cookie"] = cookie;

  r.headers["origin"] = "http://evil.example:8323";
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "cross_origin_request");
  r.headers["origin"] = "http://localhost:8323";
  EXPECT_TRUE(guard->Check(r, hosts, 8323).ok());

  r.headers["sec-fetch-site"] = "cross-site";
  EXPECT_EQ(guard->Check(r, hosts, 8323).code(), "cross_origin_request");
  r.headers["sec-fetch-site"] = "same-origin";
  EXPECT_TRUE(guard->Check(r, hosts, 8323).ok());
}

TEST(KioskCsrf, CookieParsing) {
  EXPECT_EQ(CookieValue("a=1; b=2", "b"), "2");
  EXPECT_EQ(CookieValue("ab=1; b=2", "b"), "2");
  EXPECT_EQ(CookieValue("ab=1", "b"), "");
  EXPECT_EQ(CookieValue("", "b"), "");
  EXPECT_EQ(CookieValue("b", "b"), "");
}

// ---- the kiosk router
// ----------------------------------------------------------------------------

class KioskRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ok = [](const std::string& what) {
      return [what](const HttpRequest& r) {
        return JsonResponse({{"success", true},
                             {"handler", what},
                             {"listener", r.listener},
                             {"id", r.path_params.count("id") ? r.path_params.at("id") : ""}});
      };
    };
    api_.Add("GET", "/v1/staking/status", ok("status"));
    api_.Add("GET", "/v1/staking/keys", ok("keys"));
    api_.Add("GET", "/v1/runtime/attestation", ok("attestation"));
    api_.Add("GET", "/v1/runtime/connection", ok("connection"));
    api_.Add("POST", "/v1/runtime/heartbeat", ok("heartbeat"));
    api_.Add("GET", "/v1/schema/modules", ok("schema"));
    api_.Add("GET", "/v1/modules/{id}/status-panel", ok("panel"));
    api_.Add("POST", "/v1/admin/reload-modules", ok("reload"));
    for (const char* p : {"/v1/staking/bls/register", "/v1/staking/bls/sign",
                          "/v1/staking/tls/register", "/v1/staking/tls/sign"}) {
      api_.Add("POST", p, ok("staking"));
    }
    auto created = Kiosk::Create({tree_.root() + "/ui", "127.0.0.1:0", "", &live_}, &api_);
    ASSERT_TRUE(created.ok());
    kiosk_ = std::move(*created);
    kiosk_->SetBoundPort(8323);
  }

  HttpResponse Send(HttpRequest r) { return kiosk_->router().Dispatch(std::move(r)); }

  TempTree tree_;
  Router api_;
  ops::LiveHistory live_;
  std::unique_ptr<Kiosk> kiosk_;
};

TEST_F(KioskRouterTest, LivePanelDataIsTheHistorysSnapshot) {
  live_.RecordSigning(NowUnixMillis(), "bls", 0.0005);
  live_.RecordHeartbeat(NowUnixMillis());
  HttpResponse r = Send(Get("/kiosk/live"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = Json::parse(r.body);
  EXPECT_EQ(j["success"], true);
  EXPECT_EQ(j["hour"]["signing"]["bls"]["count"], 1);
  EXPECT_EQ(j["hour"]["heartbeats"], 1);
  EXPECT_FALSE(HeaderOf(r, "Content-Security-Policy").empty());
  EXPECT_EQ(Send(Get("/kiosk/live", "evil.example:8323")).status, 421);
  // Without a history (the daemon always passes one) there is no such route.
  auto bare = Kiosk::Create({tree_.root() + "/ui", "127.0.0.1:0", ""}, &api_);
  ASSERT_TRUE(bare.ok());
  (*bare)->SetBoundPort(8323);
  EXPECT_EQ((*bare)->router().Dispatch(Get("/kiosk/live")).status, 404);
}

TEST_F(KioskRouterTest, ForwardsReadOnlyViewsToTheApiHandlers) {
  for (const auto& [path, handler] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/staking/status", "status"},
           {"/v1/staking/keys", "keys"},
           {"/v1/runtime/attestation", "attestation"},
           {"/v1/runtime/connection", "connection"},
           {"/v1/schema/modules", "schema"},
           {"/v1/modules/debug_v1/status-panel", "panel"}}) {
    HttpResponse r = Send(Get(path));
    ASSERT_EQ(r.status, 200) << path;
    auto j = Json::parse(r.body);
    EXPECT_EQ(j["handler"], handler);
    EXPECT_EQ(j["listener"], "kiosk");
  }
  EXPECT_EQ(Json::parse(Send(Get("/v1/modules/debug_v1/status-panel")).body)["id"], "debug_v1");
}

TEST_F(KioskRouterTest, NeverServesKeyRegistrationSigningOrHeartbeat) {
  for (const char* path :
       {"/v1/staking/bls/register", "/v1/staking/bls/sign", "/v1/staking/tls/register",
        "/v1/staking/tls/sign", "/v1/runtime/heartbeat"}) {
    for (const char* method : {"POST", "GET"}) {
      HttpRequest r = Get(path);
      r.method = method;
      HttpResponse resp = Send(r);
      EXPECT_EQ(resp.status, 404) << method << " " << path;
      EXPECT_EQ(CodeOf(resp), "not_found");
    }
  }
}

TEST_F(KioskRouterTest, ForeignHostIsRefusedBeforeRouting) {
  for (const std::string& host : {std::string("evil.example:8323"), std::string("")}) {
    for (const char* path : {"/", "/v1/staking/status", "/kiosk/csrf", "/nope"}) {
      HttpResponse r = Send(Get(path, host));
      EXPECT_EQ(r.status, 421) << host << " " << path;
      EXPECT_EQ(CodeOf(r), "host_not_allowed");
      EXPECT_FALSE(HeaderOf(r, "Content-Security-Policy").empty());
    }
  }
}

TEST_F(KioskRouterTest, ReloadNeedsTheToken) {
  HttpRequest r = Get("/v1/admin/reload-modules");
  r.method = "POST";
  EXPECT_EQ(Send(r).status, 403);
  EXPECT_EQ(CodeOf(Send(r)), "csrf_token_missing");

  HttpResponse tok = Send(Get("/kiosk/csrf"));
  ASSERT_EQ(tok.status, 200);
  std::string token = Json::parse(tok.body)["token"];
  std::string set_cookie = HeaderOf(tok, "Set-Cookie");
  ASSERT_EQ(set_cookie.rfind("cryfttee_csrf_8323=" + token + ";", 0), 0u) << set_cookie;

  r.headers["x-csrf-token"] = token;
  EXPECT_EQ(CodeOf(Send(r)), "csrf_token_invalid");
  r.headers["cookie"] = "cryfttee_csrf_8323=" + token;
  HttpResponse done = Send(r);
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(Json::parse(done.body)["handler"], "reload");
}

TEST_F(KioskRouterTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* path : {"/", "/app.js", "/v1/staking/status", "/missing.js", "/v1/nope"}) {
    HttpResponse r = Send(Get(path));
    std::string csp = HeaderOf(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(HeaderOf(r, "Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-store") << path;
  }
  EXPECT_EQ(Send(Get("/app.js")).content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Send(Get("/../secret.txt")).status, 404);
}

}  // namespace
}  // namespace cryfttee::api
