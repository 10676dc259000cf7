#include "tee/enclave_server.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "tee/stream.h"

namespace cryfttee::tee {
namespace {

using wire::Op;

template <typename T, typename F>
Bytes Encode(const Result<T>& r, F encode) {
  return r.ok() ? encode(*r) : wire::EncodeError(r.status());
}

bool Sensitive(Op op) {
  return op == Op::kImport || op == Op::kImportEip2335 || op == Op::kRegisterTls ||
         op == Op::kExportEip2335;
}

std::string_view AsText(const SecretBytes& b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace

Bytes AnswerRequest(Client& keys, const wire::Request& q, ExtensionHandler* extension) {
  if (wire::IsKmsOp(q.op)) {
    if (!extension) {
      return wire::EncodeError(Status::FailedPrecondition(
          "kms_not_enabled", "this enclave runs no KMS engine (no [kms] in the parent)"));
    }
    return Encode(extension->Handle(q.op, q.data),
                  [](const Bytes& answer) { return wire::EncodeOpaque(answer); });
  }
  auto key = [](const keys::KeyInfo& k) { return wire::EncodeKeyInfo(k); };
  auto sig = [](const Bytes& s) { return wire::EncodeSignature(s); };
  auto cert = [](const crypto::Certificate& c) { return wire::EncodeCertificate(c); };
  switch (q.op) {
    case Op::kHello:
      return Encode(keys.Hello(), [](const EnclaveInfo& i) { return wire::EncodeEnclaveInfo(i); });
    case Op::kGenerate:
      return Encode(keys.Generate(q.key_type, q.label), key);
    case Op::kImport:
      return Encode(keys.Import(q.key_type, q.secret.span(), q.label), key);
    case Op::kImportEip2335:
      return Encode(keys.ImportEip2335(AsText(q.keystore), AsText(q.password), q.label), key);
    case Op::kGet:
      return Encode(keys.Get(q.handle), key);
    case Op::kFindByPublicKey:
      return Encode(keys.FindByPublicKey(q.data), key);
    case Op::kList:
      return Encode(keys.List(),
                    [](const std::vector<keys::KeyInfo>& l) { return wire::EncodeKeyList(l); });
    case Op::kSignBls:
      return Encode(keys.SignBls(q.handle, q.data, q.dst), sig);
    case Op::kProveBlsPossession:
      return Encode(keys.ProveBlsPossession(q.handle), sig);
    case Op::kSignEcdsaDigest:
      return Encode(keys.SignEcdsaDigest(q.handle, q.data),
                    [](const crypto::EcdsaSignature& s) { return wire::EncodeEcdsaSignature(s); });
    case Op::kCreateSelfSignedCertificate:
      return Encode(keys.CreateSelfSignedCertificate(q.handle, q.certificate), cert);
    case Op::kIssueCertificate:
      return Encode(keys.IssueCertificate(q.handle, q.csr_pem, q.certificate), cert);
    case Op::kQuote:
      return Encode(keys.GetQuote(q.data), [](const Quote& x) { return wire::EncodeQuote(x); });
    case Op::kRegisterTls:
      return Encode(
          keys.RegisterTls(q.key_type, q.secret.span(), q.label, q.csr_pem, q.certificate),
          [](const keys::TlsRegistration& t) { return wire::EncodeTlsRegistration(t); });
    case Op::kExportEip2335: {
      auto exported = keys.ExportEip2335(q.handle, AsText(q.password), q.iterations);
      Bytes answer =
          Encode(exported, [](const KeystoreExport& e) { return wire::EncodeKeystoreExport(e); });
      if (exported.ok()) SecureWipe(exported->keystore.data(), exported->keystore.size());
      return answer;
    }
    default:  // the KMS ops, above
      break;
  }
  return wire::EncodeError(wire::ProtocolError("unknown op"));
}

Result<std::unique_ptr<EnclaveServer>> EnclaveServer::Listen(EnclaveServerOptions options,
                                                             std::shared_ptr<Client> keys) {
  CRYFTTEE_ASSIGN_OR_RETURN(UniqueFd listener, ListenOn(options.listen));
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake.get() < 0) {
    return Status::Internal("io_error", std::string("eventfd: ") + std::strerror(errno));
  }
  return std::unique_ptr<EnclaveServer>(
      new EnclaveServer(std::move(options), std::move(keys), std::move(listener), std::move(wake)));
}

EnclaveServer::EnclaveServer(EnclaveServerOptions options, std::shared_ptr<Client> keys,
                             UniqueFd listener, UniqueFd wake)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      listener_(std::move(listener)),
      wake_(std::move(wake)) {}

EnclaveServer::~EnclaveServer() {
  Stop();
  if (options_.listen.kind == Address::Kind::kUnix) ::unlink(options_.listen.path.c_str());
}

bool EnclaveServer::Admit(int fd) {
  auto peer = PeerOf(fd, options_.listen.kind);
  if (!peer.ok()) {
    spdlog::warn("enclave: refused a connection: {}", peer.status().message());
    return false;
  }
  if (peer->has_uid && peer->uid != options_.parent_uid) {
    spdlog::warn("enclave: refused a connection from uid {} (pid {}): only uid {} may connect",
                 peer->uid, peer->pid, options_.parent_uid);
    return false;
  }
  if (peer->has_cid && peer->cid != options_.parent_cid) {
    spdlog::warn("enclave: refused a connection from CID {}: only CID {} may connect", peer->cid,
                 options_.parent_cid);
    return false;
  }
  MutexLock lock(&mu_);
  if (stopping_ || static_cast<int>(active_.size()) >= options_.max_connections) {
    spdlog::warn("enclave: refused a connection: {} already open", active_.size());
    return false;
  }
  active_.insert(fd);
  return true;
}

void EnclaveServer::Run() {
  for (;;) {
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    int r = ::poll(fds, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      spdlog::error("enclave: poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    if (!Admit(fd)) {
      ::close(fd);
      continue;
    }
    std::thread([this, fd] { Serve(fd); }).detach();
  }
}

void EnclaveServer::Serve(int fd) {
  wire::ServerSession session;
  for (;;) {
    // Until it greets, a connection is a stranger holding one of max_connections slots.
    auto first_byte = session.greeted() ? std::chrono::milliseconds(-1) : options_.frame_timeout;
    auto frame = ReadFrameWithin(fd, first_byte, options_.frame_timeout);
    wire::Header answer_header;
    answer_header.kind = wire::Kind::kResponse;
    Bytes answer;
    bool close_after = false;
    if (!frame.ok()) {
      // EOF or a broken peer: nothing to answer. A bad header: say why, then close.
      if (frame.status().code() == "enclave_unavailable") break;
      answer = wire::EncodeError(frame.status());
      close_after = true;
    } else {
      answer_header.op = frame->header.op;
      answer_header.request_id = frame->header.request_id;
      auto request = session.Accept(frame->header, frame->payload);
      if (Sensitive(frame->header.op)) SecureWipe(frame->payload.data(), frame->payload.size());
      if (!request.ok()) {
        answer = wire::EncodeError(request.status());
        close_after = true;
      } else {
        answer = AnswerRequest(*keys_, *request, options_.extension.get());
      }
    }
    answer_header.payload_size = static_cast<uint32_t>(answer.size());
    if (!WriteFrame(fd, answer_header, answer).ok() || close_after) break;
  }
  MutexLock lock(&mu_);
  active_.erase(fd);
  ::close(fd);
}

void EnclaveServer::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    for (int fd : active_) ::shutdown(fd, SHUT_RDWR);
  }
  uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof(one));
  // Connection threads close their own descriptors; wait for them (they hold `this`).
  for (;;) {
    {
      MutexLock lock(&mu_);
      if (active_.empty()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace cryfttee::tee
