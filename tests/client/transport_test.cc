// The client's TCP and TLS transports against the real daemon: launch over HTTP (the address
// travels in CRYFTTEE_HTTP_ADDR), HTTPS verified against a CA file, client certificates when the
// daemon pins them, and TLS setup errors that are reported at once instead of retried.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "client/cryfttee_client.h"
#include "node_test_util.h"

namespace cryfttee::testing {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return out.good();
}

int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl.
struct Pki {
  TempDir dir;
  std::string ca = dir.File("ca.pem"), server = dir.File("server.pem"),
              server_key = dir.File("server.key"), client = dir.File("client.pem"),
              client_key = dir.File("client.key"), other_ca = dir.File("other.pem");
  bool ok = false;
  Pki() {
    std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
    ok = Sh("openssl req -x509" + ec + "-keyout " + dir.File("ca.key") + " -out " + ca +
            " -days 1 -subj /CN=test-ca") == 0 &&
         Sh("openssl req -x509" + ec + "-keyout " + dir.File("other.key") + " -out " + other_ca +
            " -days 1 -subj /CN=other-ca") == 0 &&
         Sh("openssl req" + ec + "-keyout " + server_key + " -out " + dir.File("server.csr") +
            " -subj /CN=127.0.0.1") == 0 &&
         WriteFile(dir.File("san.ext"), "subjectAltName=IP:127.0.0.1\n") &&
         Sh("openssl x509 -req -in " + dir.File("server.csr") + " -CA " + ca + " -CAkey " +
            dir.File("ca.key") + " -CAcreateserial -days 1 -extfile " + dir.File("san.ext") +
            " -out " + server) == 0 &&
         Sh("openssl req" + ec + "-keyout " + client_key + " -out " + dir.File("client.csr") +
            " -subj /CN=node") == 0 &&
         Sh("openssl x509 -req -in " + dir.File("client.csr") + " -CA " + ca + " -CAkey " +
            dir.File("ca.key") + " -CAcreateserial -days 1 -out " + client) == 0;
  }
};

client::ClientOptions Https(int port, const std::string& ca) {
  client::ClientOptions o;
  o.transport.transport = "https";
  o.transport.http_addr = "127.0.0.1:" + std::to_string(port);
  o.transport.ca_file = ca;
  o.transport.timeout = std::chrono::milliseconds(5000);
  o.retry.max_attempts = 3;
  o.retry.sleep = [](std::chrono::milliseconds) {};
  return o;
}

TEST(Transport, LaunchOverHttpPassesTheAddress) {
  TempDir dir;
  int port = FreePort();
  std::string addr = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> argv = {BinaryPath("cryftteectl"),
                                   "--transport",
                                   "http",
                                   "--http-addr",
                                   addr,
                                   "launch",
                                   "--binary",
                                   BinaryPath("cryfttee"),
                                   "--wait-timeout",
                                   "20",
                                   "--"};
  for (auto& a : DaemonArgs(dir, false)) argv.push_back(a);
  Proc launcher(argv);
  ASSERT_TRUE(Eventually(20'000, [&] {
    return launcher.Err().find("attestation verified") != std::string::npos || !launcher.Running();
  })) << launcher.Err();
  auto r = TcpRequest(port, "GET", "/v1/runtime/connection");
  EXPECT_EQ(r.Json().value("transport", ""), "http") << r.body;
  EXPECT_EQ(r.Json().value("endpoint", ""), addr);
  launcher.Signal(SIGTERM);
  EXPECT_EQ(launcher.Wait(15'000), 0) << launcher.Err();
}

TEST(Transport, HttpsWithCaFileAndClientCertificate) {
  Pki pki;
  ASSERT_TRUE(pki.ok) << "openssl could not create the test PKI";
  int port = FreePort();
  DaemonProcess d(DaemonOptions{
      .args = {"--api-transport", "https", "--http-addr", "127.0.0.1:" + std::to_string(port),
               "--tls-cert", pki.server, "--tls-key", pki.server_key, "--tls-client-ca", pki.ca},
      .env = {},
      .use_uds = false,
      .bundled_modules = false});
  ASSERT_TRUE(d.Start()) << d.Log();

  // With the client certificate: answers.
  client::ClientOptions o = Https(port, pki.ca);
  o.transport.client_cert = pki.client;
  o.transport.client_key = pki.client_key;
  client::CryftteeClient good(o);
  auto att = good.GetAttestation();
  ASSERT_TRUE(att.ok()) << att.status().ToString();
  auto conn = good.GetConnection();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(conn->transport, "https");

  // The CLI over the same transport.
  auto cli = RunCtl({"--transport", "https", "--http-addr", "127.0.0.1:" + std::to_string(port),
                     "--ca-file", pki.ca, "--client-cert", pki.client, "--client-key",
                     pki.client_key, "--json", "attestation"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;

  // Without it the daemon refuses the handshake; that is not retried.
  client::CryftteeClient anonymous(Https(port, pki.ca));
  auto refused = anonymous.GetAttestation();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().code(), "unavailable") << refused.status().ToString();
  EXPECT_EQ(anonymous.last_attempts(), 1);

  // A server certificate from another CA is rejected, not retried.
  client::ClientOptions wrong = Https(port, pki.other_ca);
  wrong.transport.client_cert = pki.client;
  wrong.transport.client_key = pki.client_key;
  client::CryftteeClient untrusting(wrong);
  auto bad = untrusting.GetAttestation();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), "tls_error") << bad.status().ToString();
  EXPECT_EQ(untrusting.last_attempts(), 1);

  // A CA file that does not exist is a configuration error, reported before connecting.
  client::CryftteeClient missing(Https(port, pki.dir.File("absent.pem")));
  auto cfg = missing.GetAttestation();
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), "tls_config_error") << cfg.status().ToString();
  EXPECT_EQ(missing.last_attempts(), 1);
  EXPECT_EQ(d.Stop(), 0);
}

}  // namespace
}  // namespace cryfttee::testing
