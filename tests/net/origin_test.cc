#include "net/origin.h"

#include <gtest/gtest.h>

namespace cryfttee::net {
namespace {

TEST(Origin, ParsesSchemeHostPortAndBasePath) {
  auto o = ParseOrigin("HTTP://Signer.Local:9000/base/");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->scheme, "http");
  EXPECT_EQ(o->host, "signer.local");
  EXPECT_EQ(o->port, 9000);
  EXPECT_EQ(o->base_path, "/base");
  EXPECT_EQ(ParseOrigin("https://127.0.0.1")->port, 443);
  EXPECT_EQ(ParseOrigin("http://[::1]:9000")->host, "::1");
  EXPECT_EQ(ParseOrigin("http://[::1]:9000")->ToString(), "http://[::1]:9000");
}

TEST(Origin, RefusesWhatABaseUrlHasNoUseFor) {
  for (const char* bad : {"ftp://x:1", "127.0.0.1:9000", "http://", "http://user@host:1",
                          "http://h:1/?q=1", "http://h:1#frag", "http://h:0", "http://h:70000",
                          "http://h:", "http://h o:1", "http://h:1/a b"}) {
    auto o = ParseOrigin(bad);
    EXPECT_FALSE(o.ok()) << bad;
    if (!o.ok()) {
      EXPECT_EQ(o.status().code(), "invalid_url") << bad;
    }
  }
}

TEST(Origin, KeepsRequestsOnTheOrigin) {
  Origin o = *ParseOrigin("http://127.0.0.1:9000/w3s");
  EXPECT_EQ(*ResolveTarget(o, "/upcheck"), "/w3s/upcheck");
  EXPECT_EQ(*ResolveTarget(o, "http://127.0.0.1:9000/w3s/x?y=1"), "/w3s/x?y=1");
  for (const char* other : {"http://127.0.0.2:9000/x", "https://127.0.0.1:9000/x",
                            "http://127.0.0.1:9001/x", "http://localhost:9000/x", "//evil/x"}) {
    auto t = ResolveTarget(o, other);
    ASSERT_FALSE(t.ok()) << other;
    EXPECT_EQ(t.status().code(), "http_origin_not_allowed") << other;
    EXPECT_EQ(t.status().category(), StatusCategory::kPermissionDenied);
  }
  EXPECT_EQ(ResolveTarget(o, "upcheck").status().code(), "invalid_url");
  EXPECT_EQ(ResolveTarget(o, "/a\r\nHost: evil").status().code(), "invalid_url");
}

}  // namespace
}  // namespace cryfttee::net
