#include "rpcsigner/listen_address.h"

#include <gtest/gtest.h>

namespace cryfttee::rpcsigner {
namespace {

TEST(ListenAddress, UnixSocket) {
  auto a = ParseListenAddress("unix:///run/cryfttee/signer.sock");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->kind, ListenAddress::Kind::kUnix);
  EXPECT_EQ(a->path, "/run/cryfttee/signer.sock");
  EXPECT_TRUE(a->loopback);
  EXPECT_EQ(a->GrpcUri(), "unix:/run/cryfttee/signer.sock");
  EXPECT_EQ(a->Display(), "unix:///run/cryfttee/signer.sock");
}

TEST(ListenAddress, TcpHosts) {
  struct Case {
    const char* text;
    const char* host;
    int port;
    bool loopback;
    const char* uri;
  } cases[] = {
      {"127.0.0.1:7741", "127.0.0.1", 7741, true, "127.0.0.1:7741"},
      {"127.8.9.10:0", "127.8.9.10", 0, true, "127.8.9.10:0"},
      {"localhost:1", "localhost", 1, true, "localhost:1"},
      {"[::1]:65535", "::1", 65535, true, "[::1]:65535"},
      {"0.0.0.0:7741", "0.0.0.0", 7741, false, "0.0.0.0:7741"},
      {"10.0.0.5:7741", "10.0.0.5", 7741, false, "10.0.0.5:7741"},
      {"[::]:7741", "::", 7741, false, "[::]:7741"},
      {"[::ffff:127.0.0.1]:7741", "::ffff:127.0.0.1", 7741, false, "[::ffff:127.0.0.1]:7741"},
      {"signer.example:7741", "signer.example", 7741, false, "signer.example:7741"},
      {"128.0.0.1:7741", "128.0.0.1", 7741, false, "128.0.0.1:7741"},
  };
  for (const Case& c : cases) {
    auto a = ParseListenAddress(c.text);
    ASSERT_TRUE(a.ok()) << c.text << ": " << a.status().ToString();
    EXPECT_EQ(a->kind, ListenAddress::Kind::kTcp) << c.text;
    EXPECT_EQ(a->host, c.host) << c.text;
    EXPECT_EQ(a->port, c.port) << c.text;
    EXPECT_EQ(a->loopback, c.loopback) << c.text;
    EXPECT_EQ(a->GrpcUri(), c.uri) << c.text;
  }
  EXPECT_EQ(ParseListenAddress("127.0.0.1:0")->Display(43210), "127.0.0.1:43210");
}

TEST(ListenAddress, RefusalsNameTheFlag) {
  for (const char* text :
       {"", "unix://", "unix://relative.sock", "7741", ":7741", "127.0.0.1:", "127.0.0.1:65536",
        "127.0.0.1:-1", "127.0.0.1:77x", "::1:7741", "[::1:7741", "[]:7741"}) {
    auto a = ParseListenAddress(text);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_EQ(a.status().code(), "invalid_rpcsigner_addr") << text;
    EXPECT_NE(a.status().message().find("--rpcsigner-addr"), std::string::npos) << text;
  }
  std::string long_path = "unix:///" + std::string(200, 'a');
  EXPECT_FALSE(ParseListenAddress(long_path).ok());
}

}  // namespace
}  // namespace cryfttee::rpcsigner
