// RemoteClient against a real EnclaveServer on a Unix socket (same process, real sockets, a real
// vault): every operation gives what the in-process client gives, errors keep their codes, and
// the server refuses strangers, misbehaving peers and a second listener.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "crypto/bls12_381/bls.h"
#include "keys/vault_fixture.h"
#include "tee/enclave_server.h"
#include "tee/in_process_client.h"
#include "tee/remote_client.h"
#include "tee/stream.h"

namespace cryfttee::tee {
namespace {

using namespace std::chrono_literals;

class RemoteClientTest : public keys::testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    address_ = *ParseAddress("unix:" + dir_ + "/enclave.sock");
    StartServer(::getuid());
  }
  void TearDown() override {
    StopServer();
    VaultTest::TearDown();
  }

  void StartServer(uid_t parent_uid, std::shared_ptr<ExtensionHandler> extension = nullptr) {
    auto vault = keys::KeyVault::Open(Options());
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    local_ = MakeInProcessClient(std::move(vault).value());
    EnclaveServerOptions options;
    options.listen = address_;
    options.parent_uid = parent_uid;
    options.extension = std::move(extension);
    options.frame_timeout = frame_timeout_;
    auto server = EnclaveServer::Listen(options, local_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    thread_ = std::thread([s = server_.get()] { s->Run(); });
  }
  void StopServer() {
    if (!server_) return;
    server_->Stop();
    thread_.join();
    server_.reset();
    local_.reset();  // releases the vault's directory lock
  }

  RemoteClient Client() {
    RemoteOptions options;
    options.address = address_;
    return RemoteClient(options);
  }

  // A raw connection that speaks frames by hand.
  UniqueFd Raw() {
    auto fd = ConnectTo(address_, 1s, 2s);
    EXPECT_TRUE(fd.ok());
    return std::move(fd).value();
  }
  Result<Frame> Send(int fd, wire::Kind kind, wire::Op op, uint32_t id, ByteSpan payload) {
    CRYFTTEE_RETURN_IF_ERROR(
        WriteFrame(fd, wire::Header{kind, op, id, static_cast<uint32_t>(payload.size())}, payload));
    return ReadFrame(fd);
  }

  Address address_;
  std::chrono::milliseconds frame_timeout_{10'000};
  std::shared_ptr<tee::Client> local_;
  std::unique_ptr<EnclaveServer> server_;
  std::thread thread_;
};

// Answers a KMS op with its number and the payload reversed; "fail" fails.
class ReverseHandler final : public ExtensionHandler {
 public:
  Result<Bytes> Handle(wire::Op op, ByteSpan payload) override {
    if (AsText(payload) == "fail") return Status::FailedPrecondition("kms_not_started", "test");
    Bytes out(payload.rbegin(), payload.rend());
    out.insert(out.begin(), static_cast<uint8_t>(op));
    return out;
  }

 private:
  static std::string_view AsText(ByteSpan b) {
    return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
  }
};

TEST_F(RemoteClientTest, KmsOpsReachTheRegisteredHandlerOnly) {
  RemoteClient client = Client();
  // No handler: the op is known but refused with a stable code, the connection stays usable.
  EXPECT_EQ(client.CallKms(wire::Op::kKmsTick, Bytes{1}).status().code(), "kms_not_enabled");
  EXPECT_TRUE(client.List().ok());
  EXPECT_EQ(client.CallKms(wire::Op::kGet, Bytes{1}).status().code(), "invalid_argument");

  StopServer();
  StartServer(::getuid(), std::make_shared<ReverseHandler>());
  RemoteClient fresh = Client();
  auto answer = fresh.CallKms(wire::Op::kKmsReceive, Bytes{1, 2, 3});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(*answer, (Bytes{0x23, 3, 2, 1}));
  EXPECT_EQ(fresh.CallKms(wire::Op::kKmsQuery, AsBytes(std::string_view("fail"))).status().code(),
            "kms_not_started");
  Bytes big(wire::kMaxKmsPayload + 1, 0);
  EXPECT_EQ(fresh.CallKms(wire::Op::kKmsReceive, big).status().code(), "enclave_frame_too_large");
  EXPECT_TRUE(fresh.CallKms(wire::Op::kKmsTick, {}).ok());  // still connected and in order
  StopServer();
  EXPECT_EQ(fresh.CallKms(wire::Op::kKmsTick, {}).status().code(), "enclave_unavailable");
  StartServer(::getuid());
}

TEST_F(RemoteClientTest, BlsAndEcdsaKeysWorkThroughTheEnclave) {
  RemoteClient remote = Client();
  auto info = remote.Hello();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->protocol_version, wire::kProtocolVersion);
  EXPECT_EQ(info->seal_source, "password_file");
  EXPECT_EQ(info->quote_provider, "none");

  auto bls_key = remote.Generate(keys::KeyType::kBls, "staking");
  ASSERT_TRUE(bls_key.ok()) << bls_key.status().ToString();
  std::string text = "block 42";
  Bytes message(text.begin(), text.end());
  auto sig = remote.SignBls(bls_key->handle, message, keys::BlsDst::kSignature);
  ASSERT_TRUE(sig.ok());
  auto pk = bls::PublicKey::FromBytes(bls_key->public_key);
  auto s = bls::Signature::FromBytes(*sig);
  ASSERT_TRUE(pk.ok() && s.ok());
  EXPECT_TRUE(bls::Verify(*pk, message, *s));
  auto pop = remote.ProveBlsPossession(bls_key->handle);
  ASSERT_TRUE(pop.ok());
  EXPECT_TRUE(bls::PopVerify(*pk, *bls::Signature::FromBytes(*pop)));

  auto tls_key = remote.Generate(keys::KeyType::kP256, "tls");
  ASSERT_TRUE(tls_key.ok());
  Bytes digest(32, 0x5A);
  auto ecdsa = remote.SignEcdsaDigest(tls_key->handle, digest);
  ASSERT_TRUE(ecdsa.ok());
  EXPECT_TRUE(
      crypto::EcdsaVerifyDigest(crypto::EcCurve::kP256, tls_key->public_key, digest, ecdsa->der));
  auto cert = remote.CreateSelfSignedCertificate(tls_key->handle, {});
  ASSERT_TRUE(cert.ok());
  EXPECT_NE(cert->pem.find("BEGIN CERTIFICATE"), std::string::npos);

  // A TLS identity: the key and its certificate cross together, or nothing is stored.
  EXPECT_EQ(remote.RegisterTls(keys::KeyType::kP256, {}, "", "garbage", {}).status().code(),
            "invalid_csr");
  EXPECT_EQ(local_->List()->size(), 2u);
  auto reg = remote.RegisterTls(keys::KeyType::kSecp256k1, Bytes(32, 3), "node", "", {});
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_FALSE(reg->certificate.der.empty());
  EXPECT_EQ(reg->key.certificate, reg->certificate.der);
  EXPECT_EQ(local_->Get(reg->key.handle)->certificate, reg->certificate.der);

  // The enclave's state is the vault's: counts, lookups by public key, the list.
  auto listed = remote.List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[2].certificate, reg->certificate.der);
  auto by_pk = remote.FindByPublicKey(bls_key->public_key);
  ASSERT_TRUE(by_pk.ok());
  EXPECT_EQ(by_pk->handle, bls_key->handle);
  EXPECT_EQ(by_pk->sign_count, 2u);
  EXPECT_EQ(local_->Get(tls_key->handle)->sign_count, 1u);

  // Imports are idempotent across the wire too.
  auto imported = remote.Import(keys::KeyType::kSecp256k1, Bytes(32, 1), "imported");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(remote.Import(keys::KeyType::kSecp256k1, Bytes(32, 1), "again")->handle,
            imported->handle);

  // A key handed to another signer leaves only as a keystore; a fresh one is not stored until it
  // is imported back.
  auto stored = remote.ExportEip2335(bls_key->handle, "transfer pw", 1024);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->public_key, bls_key->public_key);
  auto back = local_->ImportEip2335(stored->keystore, "transfer pw", "");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->handle, bls_key->handle);
  const size_t before = local_->List()->size();
  auto fresh = remote.ExportEip2335("", "transfer pw", 1024);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(local_->List()->size(), before);
  EXPECT_FALSE(local_->FindByPublicKey(fresh->public_key).ok());
  auto kept = remote.ImportEip2335(fresh->keystore, "transfer pw", "kept");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->public_key, fresh->public_key);
  EXPECT_EQ(remote.ExportEip2335(tls_key->handle, "pw", 1024).status().code(), "wrong_key_type");
  EXPECT_EQ(remote.ExportEip2335("", "pw", 1).status().code(), "invalid_argument");
  EXPECT_EQ(remote.ExportEip2335("", "", 1024).status().code(), "invalid_argument");

  auto quote = remote.GetQuote(Bytes(64, 4));
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(quote->provider, "none");
  EXPECT_EQ(quote->report_data, Bytes(64, 4));
  EXPECT_TRUE(quote->quote.empty());

  Connection c = remote.Probe();
  EXPECT_EQ(c.mode, "remote");
  EXPECT_TRUE(c.connected);
  EXPECT_EQ(c.address, address_.ToString());
}

TEST_F(RemoteClientTest, VaultErrorsCrossTheWireUnchanged) {
  RemoteClient remote = Client();
  auto missing = remote.SignBls("bls-0000000000000000", Bytes(1), keys::BlsDst::kSignature);
  EXPECT_EQ(missing.status().code(), "key_not_found");
  EXPECT_EQ(missing.status().category(), StatusCategory::kNotFound);
  auto tls = remote.Generate(keys::KeyType::kSecp256k1, "");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(remote.SignBls(tls->handle, Bytes(1), keys::BlsDst::kSignature).status().code(),
            "wrong_key_type");
  EXPECT_EQ(remote.SignEcdsaDigest(tls->handle, Bytes(31)).status().code(), "invalid_digest");
  EXPECT_EQ(remote.Import(keys::KeyType::kBls, Bytes(31), "").status().code(),
            "invalid_secret_key");
  EXPECT_EQ(remote.Generate(keys::KeyType::kBls, std::string(257, 'l')).status().code(),
            "enclave_frame_too_large");
  EXPECT_EQ(remote.GetQuote(Bytes(10)).status().code(), "invalid_report_data");
}

TEST_F(RemoteClientTest, DownEnclaveFailsFastAndRecoversWithItsKeys) {
  RemoteClient remote = Client();
  auto key = remote.Generate(keys::KeyType::kBls, "");
  ASSERT_TRUE(key.ok());
  StopServer();

  auto start = std::chrono::steady_clock::now();
  auto down = remote.SignBls(key->handle, Bytes(1), keys::BlsDst::kSignature);
  EXPECT_EQ(down.status().code(), "enclave_unavailable");
  EXPECT_EQ(down.status().category(), StatusCategory::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_FALSE(remote.Probe().connected);

  StartServer(::getuid());
  // The pooled connection to the old server is noticed as closed; the next call just works.
  auto back = remote.SignBls(key->handle, Bytes(1), keys::BlsDst::kSignature);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(remote.Probe().connected);
}

TEST_F(RemoteClientTest, OnlyTheParentUidMayConnect) {
  StopServer();
  StartServer(::getuid() + 1);
  RemoteClient remote = Client();
  EXPECT_EQ(remote.Hello().status().code(), "enclave_unavailable");
}

TEST_F(RemoteClientTest, ALiveEnclaveKeepsItsSocketAndAStaleOneIsTakenOver) {
  EnclaveServerOptions options;
  options.listen = address_;
  options.parent_uid = ::getuid();
  EXPECT_EQ(EnclaveServer::Listen(options, local_).status().code(), "address_in_use");

  // A socket file with nobody behind it, as a killed enclave leaves.
  StopServer();
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strcpy(un.sun_path, address_.path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&un), sizeof(un)), 0);
  ::close(fd);  // bound, never listened, now closed: the file stays
  ASSERT_TRUE(std::filesystem::exists(address_.path));
  StartServer(::getuid());
  EXPECT_TRUE(Client().Hello().ok());

  // A path that is not a socket is never removed.
  std::string plain = dir_ + "/plain-file";
  std::ofstream(plain) << "x";
  options.listen = *ParseAddress("unix:" + plain);
  EXPECT_EQ(EnclaveServer::Listen(options, local_).status().code(), "invalid_enclave_addr");
  EXPECT_TRUE(std::filesystem::exists(plain));
}

TEST_F(RemoteClientTest, MisbehavingPeersGetOneErrorAndAreDisconnected) {
  using wire::Kind;
  using wire::Op;
  auto error_code = [](const Result<Frame>& f) -> std::string {
    if (!f.ok()) return "no answer: " + f.status().code();
    return wire::DecodeSignature(f->payload).status().code();
  };
  auto closed = [](int fd) {
    char c;
    return ::recv(fd, &c, 1, 0) == 0;
  };
  {  // A request before hello.
    UniqueFd fd = Raw();
    auto f = Send(fd.get(), Kind::kRequest, Op::kList, 1, {});
    EXPECT_EQ(error_code(f), "enclave_out_of_order");
    EXPECT_TRUE(closed(fd.get()));
  }
  {  // A response frame sent to the enclave.
    UniqueFd fd = Raw();
    EXPECT_EQ(error_code(Send(fd.get(), Kind::kResponse, Op::kHello, 1, {})),
              "enclave_out_of_order");
    EXPECT_TRUE(closed(fd.get()));
  }
  {  // Ids that do not increase.
    UniqueFd fd = Raw();
    ASSERT_TRUE(Send(fd.get(), Kind::kRequest, Op::kHello, 7, {}).ok());
    EXPECT_EQ(error_code(Send(fd.get(), Kind::kRequest, Op::kList, 7, {})), "enclave_out_of_order");
    EXPECT_TRUE(closed(fd.get()));
  }
  {  // An oversized length: refused from the header, the payload is never read.
    UniqueFd fd = Raw();
    ASSERT_TRUE(Send(fd.get(), Kind::kRequest, Op::kHello, 1, {}).ok());
    auto head = wire::EncodeHeader(wire::Header{Kind::kRequest, Op::kGet, 2, 1u << 30});
    ASSERT_EQ(::send(fd.get(), head.data(), head.size(), 0), 16);
    auto f = ReadFrame(fd.get());
    EXPECT_EQ(error_code(f), "enclave_frame_too_large");
    EXPECT_TRUE(closed(fd.get()));
  }
  {  // Garbage.
    UniqueFd fd = Raw();
    std::string junk = "GET / HTTP/1.1\r\n\r\n";
    ASSERT_GT(::send(fd.get(), junk.data(), junk.size(), 0), 0);
    EXPECT_EQ(error_code(ReadFrame(fd.get())), "enclave_protocol");
  }
  {  // A malformed payload of a valid length.
    UniqueFd fd = Raw();
    ASSERT_TRUE(Send(fd.get(), Kind::kRequest, Op::kHello, 1, {}).ok());
    Bytes bad = {0, 0, 0, 200};  // a handle claiming 200 bytes in a 4-byte payload
    EXPECT_EQ(error_code(Send(fd.get(), Kind::kRequest, Op::kGet, 2, bad)), "enclave_protocol");
  }
  // The enclave is still serving its parent.
  EXPECT_TRUE(Client().Hello().ok());
}

TEST_F(RemoteClientTest, StrangersThatStallAreDisconnectedButTheParentsIdleConnectionIsNot) {
  using wire::Kind;
  using wire::Op;
  StopServer();
  frame_timeout_ = 300ms;
  StartServer(::getuid());
  auto closed_within = [](int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, 0) == 0;
  };
  {  // Connects and never greets: it would hold one of the enclave's 64 slots for good.
    UniqueFd fd = Raw();
    EXPECT_TRUE(closed_within(fd.get(), 3000));
  }
  {  // Greets, then starts a header (6 of its 16 bytes) and stalls.
    UniqueFd fd = Raw();
    ASSERT_TRUE(Send(fd.get(), Kind::kRequest, Op::kHello, 1, {}).ok());
    auto head = wire::EncodeHeader(wire::Header{Kind::kRequest, Op::kList, 2, 0});
    ASSERT_EQ(::send(fd.get(), head.data(), 6, 0), 6);
    EXPECT_TRUE(closed_within(fd.get(), 3000));
  }
  {  // A greeted connection idles for three timeouts between frames, as the parent's pool does.
    UniqueFd fd = Raw();
    ASSERT_TRUE(Send(fd.get(), Kind::kRequest, Op::kHello, 1, {}).ok());
    std::this_thread::sleep_for(900ms);
    EXPECT_TRUE(IsIdleAndOpen(fd.get()));
    auto list = Send(fd.get(), Kind::kRequest, Op::kList, 2, {});
    ASSERT_TRUE(list.ok()) << list.status().ToString();
    EXPECT_EQ(list->header.op, Op::kList);
  }
  EXPECT_TRUE(Client().Hello().ok());
}

}  // namespace
}  // namespace cryfttee::tee
