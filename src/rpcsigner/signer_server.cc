#include "rpcsigner/signer_server.h"

#include <grpc/support/log.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/file_util.h"
#include "core/unix_socket_path.h"
#include "rpcsigner/signer_service.h"
#include "rpcsigner/work_pool.h"

namespace cryfttee::rpcsigner {
namespace {

constexpr size_t kMaxPemBytes = 1 << 20;
// A message field (tag and length varint) around the largest message, and then some.
constexpr int kMaxReceiveBytes = static_cast<int>(kMaxMessageBytes) + 64;

// gRPC's own diagnostics go to our log, in our format, instead of straight to stderr.
void RouteGrpcLogs() {
  static std::once_flag once;
  std::call_once(once, [] {
    gpr_set_log_function([](gpr_log_func_args* args) {
      switch (args->severity) {
        case GPR_LOG_SEVERITY_ERROR:
          spdlog::warn("grpc: {}", args->message);
          break;
        case GPR_LOG_SEVERITY_INFO:
          spdlog::debug("grpc: {}", args->message);
          break;
        default:
          spdlog::trace("grpc: {}", args->message);
      }
    });
  });
}

Status BadTls(const std::string& why) {
  return Status::InvalidArgument("invalid_rpcsigner_tls", why);
}

Result<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& o) {
  if (o.tls_cert.empty()) return grpc::InsecureServerCredentials();
  auto cert = ReadFileCapped(o.tls_cert, kMaxPemBytes);
  if (!cert.ok())
    return BadTls("--rpcsigner-tls-cert " + o.tls_cert + ": " + cert.status().message());
  auto key = ReadFileCapped(o.tls_key, kMaxPemBytes);
  if (!key.ok()) return BadTls("--rpcsigner-tls-key " + o.tls_key + ": " + key.status().message());
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  SecureWipe(key->data(), key->size());
  if (!o.tls_client_ca.empty()) {
    auto ca = ReadFileCapped(o.tls_client_ca, kMaxPemBytes);
    if (!ca.ok()) {
      return BadTls("--rpcsigner-tls-client-ca " + o.tls_client_ca + ": " + ca.status().message());
    }
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  auto creds = grpc::SslServerCredentials(ssl);
  for (auto& pair : ssl.pem_key_cert_pairs)
    SecureWipe(pair.private_key.data(), pair.private_key.size());
  return creds;
}

// Binds with the socket's mode already 0660 (no moment where the umask leaves it wider), then
// sets it explicitly. Start-up runs before any other thread creates files.
class UmaskScope {
 public:
  explicit UmaskScope(bool active) : active_(active) {
    if (active_) previous_ = ::umask(0117);
  }
  ~UmaskScope() {
    if (active_) ::umask(previous_);
  }

 private:
  bool active_;
  mode_t previous_ = 0;
};

}  // namespace

struct SignerServer::Impl {
  ListenAddress address;
  std::string endpoint;
  bool tls = false;
  bool client_auth = false;
  ino_t socket_inode = 0;
  std::unique_ptr<SignerBackend> backend;
  CallCounters counters;
  CallObserver observer;
  std::unique_ptr<WorkPool> pool;
  std::unique_ptr<SignerService> service;
  std::unique_ptr<grpc::Server> server;
  bool stopped = false;
};

Result<ListenAddress> ValidateServerOptions(const ServerOptions& o) {
  CRYFTTEE_ASSIGN_OR_RETURN(ListenAddress address, ParseListenAddress(o.addr));
  bool tls = !o.tls_cert.empty() || !o.tls_key.empty();
  if (tls && (o.tls_cert.empty() || o.tls_key.empty())) {
    return BadTls(
        "TLS for the gRPC signer needs both --rpcsigner-tls-cert and --rpcsigner-tls-key");
  }
  if (!o.tls_client_ca.empty() && !tls) {
    return BadTls("--rpcsigner-tls-client-ca needs --rpcsigner-tls-cert and --rpcsigner-tls-key");
  }
  if (tls && address.kind == ListenAddress::Kind::kUnix) {
    return BadTls("TLS applies to a TCP --rpcsigner-addr, not to a unix:// socket");
  }
  if (!address.loopback && !tls) {
    return Status::InvalidArgument(
        "rpcsigner_needs_tls",
        "--rpcsigner-addr " + o.addr +
            " is not a loopback address, and plaintext signing requests never leave the "
            "machine: listen on 127.0.0.1:PORT or unix:///path, or set --rpcsigner-tls-cert and "
            "--rpcsigner-tls-key (and --rpcsigner-tls-client-ca to require client certificates)");
  }
  return address;
}

Result<std::unique_ptr<SignerServer>> SignerServer::Start(const ServerOptions& options,
                                                          std::unique_ptr<SignerBackend> backend,
                                                          CallObserver observer) {
  RouteGrpcLogs();
  auto impl = std::make_unique<Impl>();
  CRYFTTEE_ASSIGN_OR_RETURN(impl->address, ValidateServerOptions(options));
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> creds, Credentials(options));
  impl->tls = !options.tls_cert.empty();
  impl->client_auth = !options.tls_client_ca.empty();
  bool unix_socket = impl->address.kind == ListenAddress::Kind::kUnix;
  if (unix_socket) CRYFTTEE_RETURN_IF_ERROR(PrepareUnixSocketPath(impl->address.path));

  impl->backend = std::move(backend);
  impl->observer = std::move(observer);
  impl->pool =
      std::make_unique<WorkPool>(options.threads, options.max_queued, options.max_queued_bytes);
  Impl* raw = impl.get();
  impl->service = std::make_unique<SignerService>(
      impl->backend.get(), impl->pool.get(), [raw](const CallRecord& record) {
        raw->counters.Record(record, NowUnixMillis());
        if (!record.status.ok()) {
          spdlog::debug("rpcsigner: {} failed: {}", record.method, record.status.ToString());
        }
        if (raw->observer) raw->observer(record);
      });

  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(impl->address.GrpcUri(), creds, unix_socket ? nullptr : &bound_port);
  builder.RegisterService(impl->service.get());
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams);
  // Two processes must never share a port silently: SO_REUSEPORT would let a second daemon
  // bind the same address and take half the connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  {
    UmaskScope umask(unix_socket);
    impl->server = builder.BuildAndStart();
  }
  if (!impl->server || (!unix_socket && bound_port == 0)) {
    if (impl->server) impl->server->Shutdown();
    return Status::FailedPrecondition("rpcsigner_bind_failed",
                                      "cannot listen on --rpcsigner-addr " + options.addr +
                                          " (in use, or not an address of this machine)");
  }
  if (unix_socket) {
    ::chmod(impl->address.path.c_str(), 0660);
    struct stat st {};
    if (::lstat(impl->address.path.c_str(), &st) == 0) impl->socket_inode = st.st_ino;
  }
  impl->endpoint = impl->address.Display(bound_port);
  return std::unique_ptr<SignerServer>(new SignerServer(std::move(impl)));
}

SignerServer::SignerServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SignerServer::~SignerServer() { Shutdown(std::chrono::milliseconds(0)); }

void SignerServer::Shutdown(std::chrono::milliseconds grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // In-flight RPCs finish through the pool, which is still running; past the deadline gRPC
  // cancels them (their answers are then dropped, but each reactor is still finished).
  impl_->server->Shutdown(std::chrono::system_clock::now() + grace);
  impl_->pool.reset();  // runs what is queued, joins
  impl_->server->Wait();
  if (impl_->socket_inode != 0) {
    struct stat st {};
    const std::string& path = impl_->address.path;
    if (::lstat(path.c_str(), &st) == 0 && st.st_ino == impl_->socket_inode) ::unlink(path.c_str());
  }
}

const std::string& SignerServer::endpoint() const { return impl_->endpoint; }
bool SignerServer::tls() const { return impl_->tls; }
const SignerBackend& SignerServer::backend() const { return *impl_->backend; }
CountersSnapshot SignerServer::counters() const { return impl_->counters.Snapshot(); }

nlohmann::json SignerServer::StatusJson() const {
  CountersSnapshot c = counters();
  nlohmann::json calls = nlohmann::json::object();
  for (const char* method : {"PublicKey", "Sign", "SignProofOfPossession"}) {
    auto it = c.methods.find(method);
    MethodCounts m = it == c.methods.end() ? MethodCounts{} : it->second;
    calls[method] = {{"calls", m.calls}, {"errors", m.errors}};
  }
  const keys::KeyInfo& key = impl_->backend->key();
  return {
      {"enabled", true},
      {"protocol", "signer.Signer (AvalancheGo remote signer)"},
      {"endpoint", impl_->endpoint},
      {"transport", impl_->address.kind == ListenAddress::Kind::kUnix ? "uds" : "tcp"},
      {"tls", impl_->tls},
      {"client_auth", impl_->client_auth},
      {"key_handle", key.handle},
      {"public_key", "0x" + HexEncode(key.public_key)},
      {"calls", calls},
      {"last_error", c.last_error},
      {"last_error_time", FormatRfc3339Millis(c.last_error_ms)},
  };
}

nlohmann::json SignerServer::DisabledStatusJson() { return {{"enabled", false}}; }

}  // namespace cryfttee::rpcsigner
