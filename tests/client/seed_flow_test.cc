// The whole node flow of the seeds in one run: launch with the binary hash -> attestation ->
// wait for the signer -> init-node -> BLS sign -> TLS sign -> heartbeat -> status panels.
// Signatures are checked by independent code: BLS by blst (node + @chainsafe/blst), ECDSA by the
// openssl command line against the public key in the certificate init-node saved.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "client/attestation_check.h"
#include "client/cryfttee_client.h"
#include "core/sha256.h"
#include "node_test_util.h"

namespace cryfttee::testing {
namespace {

using Json = nlohmann::json;

int Shell(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void WriteBytes(const std::string& path, ByteSpan data) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), data.size());
}

TEST(SeedFlow, LaunchAttestInitSignHeartbeatPanels) {
  TempDir dir;
  std::string sock = dir.File("api.sock");
  auto hash = Sha256File(BinaryPath("cryfttee"));
  ASSERT_TRUE(hash.ok());

  // 1. Launch with the pinned hash.
  std::vector<std::string> argv = {BinaryPath("cryftteectl"),
                                   "--socket",
                                   sock,
                                   "launch",
                                   "--binary",
                                   BinaryPath("cryfttee"),
                                   "--expected-hash",
                                   *hash,
                                   "--reverify-every",
                                   "1",
                                   "--wait-timeout",
                                   "20",
                                   "--"};
  for (auto& a : DaemonArgs(dir, true)) argv.push_back(a);
  Proc launcher(argv);
  ASSERT_TRUE(Eventually(20'000, [&] {
    return launcher.Err().find("attestation verified") != std::string::npos || !launcher.Running();
  })) << launcher.Err();
  ASSERT_TRUE(launcher.Running()) << launcher.Err();

  client::ClientOptions options;
  options.transport.socket_path = sock;
  options.transport.timeout = std::chrono::milliseconds(10'000);
  client::CryftteeClient api(options);

  // 2. Attestation, nonce-bound, reporting the launcher's hash.
  auto nonce = client::NewAttestationNonce();
  ASSERT_TRUE(nonce.ok());
  auto att = api.GetAttestation(*nonce);
  ASSERT_TRUE(att.ok()) << att.status().ToString();
  EXPECT_TRUE(client::CheckAttestation(*att, {*hash, *nonce}).ok());
  EXPECT_EQ(att->binary_hash_source, "parent");

  // 3. Signer.
  auto status =
      api.WaitForSigner(std::chrono::milliseconds(10'000), std::chrono::milliseconds(100));
  if (!status.ok())
    GTEST_SKIP() << "no signer module in this build yet: " << status.status().ToString();
  std::string signer = status->SignerModule()->id;

  // 4. init-node through the CLI, pinned to the same hash.
  std::string state = dir.File("state");
  auto init = RunCtl(
      {"--socket", sock, "--json", "init-node", "--state-dir", state, "--expect-hash", *hash});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  Json id = Json::parse(init.out);
  std::string bls_pub = id["bls"]["public_key"], bls_handle = id["bls"]["key_handle"];
  std::string tls_handle = id["tls"]["key_handle"], node_id = id["node_id"];
  ASSERT_FALSE(bls_handle.empty());
  ASSERT_FALSE(tls_handle.empty());

  // 5. BLS sign; blst verifies, and rejects the signature on another message.
  Bytes message(AsBytes("cryft staking tx: validator add").begin(),
                AsBytes("cryft staking tx: validator add").end());
  client::BlsSignRequest bls_req;
  bls_req.key_handle = bls_handle;
  bls_req.message = message;
  auto bls_sig = api.SignBls(bls_req);
  ASSERT_TRUE(bls_sig.ok()) << bls_sig.status().ToString();
  ASSERT_EQ(bls_sig->signature.size(), 96u);
  std::string verify =
      "cd " + SourceDir() + " && node tests/client/bls_verify.mjs " + bls_pub + " ";
  int blst_rc =
      Shell(verify + HexEncode(message) + " " + HexEncode(bls_sig->signature) + " >/dev/null");
  if (blst_rc == 2) GTEST_SKIP() << "@chainsafe/blst is not installed (run npm ci)";
  EXPECT_EQ(blst_rc, 0) << "blst rejects our BLS signature";
  EXPECT_EQ(Shell(verify + HexEncode(AsBytes("another message")) + " " +
                  HexEncode(bls_sig->signature) + " >/dev/null"),
            1);

  // 6. TLS sign a SHA-256 digest; openssl verifies the DER signature with the certificate's key.
  Sha256Digest digest = Sha256(message);
  client::TlsSignRequest tls_req;
  tls_req.key_handle = tls_handle;
  tls_req.digest = Bytes(digest.begin(), digest.end());
  auto tls_sig = api.SignTls(tls_req);
  ASSERT_TRUE(tls_sig.ok()) << tls_sig.status().ToString();
  WriteBytes(dir.File("digest.bin"), digest);
  WriteBytes(dir.File("sig.der"), tls_sig->signature);
  ASSERT_EQ(Shell("openssl x509 -in " + state + "/tls_certificate.pem -pubkey -noout > " +
                  dir.File("tls_pub.pem")),
            0);
  std::string ossl = "openssl pkeyutl -verify -pubin -inkey " + dir.File("tls_pub.pem") +
                     " -sigfile " + dir.File("sig.der") + " -in ";
  EXPECT_EQ(Shell(ossl + dir.File("digest.bin") + " >/dev/null 2>&1"), 0)
      << "openssl rejects the ECDSA signature";
  digest[0] ^= 1;
  WriteBytes(dir.File("other.bin"), digest);
  EXPECT_NE(Shell(ossl + dir.File("other.bin") + " >/dev/null 2>&1"), 0);

  // 7. Heartbeat as the node, and the daemon's view of the connection.
  auto hb =
      RunCtl({"--socket", sock, "heartbeat", "--node-id", node_id, "--cryftgo-version", "1.0.0"});
  EXPECT_EQ(hb.exit_code, 0) << hb.err;
  auto conn = api.GetConnection();
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_TRUE(conn->connected);
  EXPECT_EQ(conn->cryftgo_node_id, node_id);
  EXPECT_TRUE(conn->signer_ready);

  // 8. The signer's panel lists the node's keys and counts the signatures.
  auto panel = api.GetStatusPanel(signer);
  ASSERT_TRUE(panel.ok()) << panel.status().ToString();
  std::string sections = panel->sections.dump();
  EXPECT_NE(sections.find(bls_pub), std::string::npos) << sections;
  EXPECT_NE(sections.find(id["tls"]["public_key"].get<std::string>()), std::string::npos)
      << sections;

  // The launcher is still supervising (re-verification passed); SIGTERM ends it all cleanly.
  EXPECT_TRUE(launcher.Running()) << launcher.Err();
  launcher.Signal(SIGTERM);
  EXPECT_EQ(launcher.Wait(15'000), 0) << launcher.Err();
}

}  // namespace
}  // namespace cryfttee::testing
