#include "tee/remote_client.h"

#include <spdlog/spdlog.h>

namespace cryfttee::tee {
namespace {

using wire::Op;
using wire::Request;

Request Make(Op op) {
  Request r;
  r.op = op;
  return r;
}

Request ForHandle(Op op, std::string_view handle) {
  Request r = Make(op);
  r.handle = std::string(handle);
  return r;
}

}  // namespace

RemoteClient::RemoteClient(RemoteOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<RemoteClient::Conn>> RemoteClient::Take() {
  {
    MutexLock lock(&mu_);
    while (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      if (IsIdleAndOpen(conn->fd.get())) return conn;
      // Closed by the enclave (it restarted or timed the connection out): drop it.
    }
  }
  CRYFTTEE_ASSIGN_OR_RETURN(
      UniqueFd fd, ConnectTo(options_.address, options_.connect_timeout, options_.io_timeout));
  auto conn = std::make_unique<Conn>(Conn{std::move(fd), 1});
  Bytes hello;
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes answer, Exchange(*conn, Op::kHello, hello, false));
  CRYFTTEE_ASSIGN_OR_RETURN(EnclaveInfo info, wire::DecodeEnclaveInfo(answer));
  if (info.protocol_version != wire::kProtocolVersion) {
    return Status::FailedPrecondition(
        "enclave_protocol_version",
        "the enclave speaks protocol " + std::to_string(info.protocol_version));
  }
  return conn;
}

void RemoteClient::Give(std::unique_ptr<Conn> conn) {
  MutexLock lock(&mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(conn));
}

Result<Bytes> RemoteClient::Exchange(Conn& conn, Op op, Bytes& payload, bool sensitive) {
  wire::Header header;
  header.kind = wire::Kind::kRequest;
  header.op = op;
  header.request_id = conn.next_id++;
  header.payload_size = static_cast<uint32_t>(payload.size());
  Status sent = WriteFrame(conn.fd.get(), header, payload);
  if (sensitive) SecureWipe(payload.data(), payload.size());
  CRYFTTEE_RETURN_IF_ERROR(sent);
  auto frame = ReadFrame(conn.fd.get());
  if (!frame.ok()) {
    if (frame.status().code() == "enclave_unavailable") return frame.status();
    return wire::ProtocolError("the enclave sent a bad frame: " + frame.status().message());
  }
  if (frame->header.kind != wire::Kind::kResponse || frame->header.op != op ||
      frame->header.request_id != header.request_id) {
    return wire::ProtocolError("the enclave answered out of turn");
  }
  return std::move(frame->payload);
}

Result<Bytes> RemoteClient::Call(const Request& request, bool sensitive) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::unique_ptr<Conn> conn, Take());
  Bytes payload = wire::EncodeRequest(request);
  if (payload.size() > wire::MaxPayload(wire::Kind::kRequest, request.op)) {
    if (sensitive) SecureWipe(payload.data(), payload.size());
    Give(std::move(conn));
    return Status::Error(StatusCategory::kTooLarge, "enclave_frame_too_large",
                         std::string(wire::OpName(request.op)) + " request is over its bound");
  }
  auto answer = Exchange(*conn, request.op, payload, sensitive);
  if (!answer.ok()) {
    // The connection's state is unknown after a failure: it is dropped, not pooled.
    spdlog::warn("enclave {}: {}", options_.address.ToString(), answer.status().ToString());
    return answer.status();
  }
  Give(std::move(conn));
  return answer;
}

Result<EnclaveInfo> RemoteClient::Hello() {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(Make(Op::kHello)));
  return wire::DecodeEnclaveInfo(a);
}

Result<keys::KeyInfo> RemoteClient::Generate(keys::KeyType type, std::string_view label) {
  Request r = Make(Op::kGenerate);
  r.key_type = type;
  r.label = std::string(label);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeKeyInfo(a);
}

Result<keys::KeyInfo> RemoteClient::Import(keys::KeyType type, ByteSpan secret,
                                           std::string_view label) {
  Request r = Make(Op::kImport);
  r.key_type = type;
  r.secret = SecretBytes(secret);
  r.label = std::string(label);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r, /*sensitive=*/true));
  return wire::DecodeKeyInfo(a);
}

Result<keys::KeyInfo> RemoteClient::ImportEip2335(std::string_view keystore_json,
                                                  std::string_view password,
                                                  std::string_view label) {
  Request r = Make(Op::kImportEip2335);
  r.keystore = SecretBytes(AsBytes(keystore_json));
  r.password = SecretBytes(AsBytes(password));
  r.label = std::string(label);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r, /*sensitive=*/true));
  return wire::DecodeKeyInfo(a);
}

Result<KeystoreExport> RemoteClient::ExportEip2335(std::string_view handle,
                                                   std::string_view password,
                                                   uint32_t pbkdf2_iterations) {
  Request r = ForHandle(Op::kExportEip2335, handle);
  r.password = SecretBytes(AsBytes(password));
  r.iterations = pbkdf2_iterations;
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r, /*sensitive=*/true));
  auto exported = wire::DecodeKeystoreExport(a);
  SecureWipe(a.data(), a.size());
  return exported;
}

Result<keys::KeyInfo> RemoteClient::Get(std::string_view handle) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(ForHandle(Op::kGet, handle)));
  return wire::DecodeKeyInfo(a);
}

Result<keys::KeyInfo> RemoteClient::FindByPublicKey(ByteSpan public_key) {
  Request r = Make(Op::kFindByPublicKey);
  r.data.assign(public_key.begin(), public_key.end());
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeKeyInfo(a);
}

Result<std::vector<keys::KeyInfo>> RemoteClient::List() {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(Make(Op::kList)));
  return wire::DecodeKeyList(a);
}

Result<Bytes> RemoteClient::SignBls(std::string_view handle, ByteSpan message, keys::BlsDst dst) {
  Request r = ForHandle(Op::kSignBls, handle);
  r.dst = dst;
  r.data.assign(message.begin(), message.end());
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeSignature(a);
}

Result<Bytes> RemoteClient::ProveBlsPossession(std::string_view handle) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(ForHandle(Op::kProveBlsPossession, handle)));
  return wire::DecodeSignature(a);
}

Result<crypto::EcdsaSignature> RemoteClient::SignEcdsaDigest(std::string_view handle,
                                                             ByteSpan digest) {
  Request r = ForHandle(Op::kSignEcdsaDigest, handle);
  r.data.assign(digest.begin(), digest.end());
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeEcdsaSignature(a);
}

Result<crypto::Certificate> RemoteClient::CreateSelfSignedCertificate(
    std::string_view handle, const crypto::CertificateOptions& options) {
  Request r = ForHandle(Op::kCreateSelfSignedCertificate, handle);
  r.certificate = options;
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeCertificate(a);
}

Result<crypto::Certificate> RemoteClient::IssueCertificate(
    std::string_view handle, std::string_view csr_pem, const crypto::CertificateOptions& options) {
  Request r = ForHandle(Op::kIssueCertificate, handle);
  r.csr_pem = std::string(csr_pem);
  r.certificate = options;
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeCertificate(a);
}

Result<keys::TlsRegistration> RemoteClient::RegisterTls(keys::KeyType type, ByteSpan secret,
                                                        std::string_view label,
                                                        std::string_view csr_pem,
                                                        const crypto::CertificateOptions& options) {
  Request r = Make(Op::kRegisterTls);
  r.key_type = type;
  r.secret = SecretBytes(secret);
  r.label = std::string(label);
  r.csr_pem = std::string(csr_pem);
  r.certificate = options;
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r, /*sensitive=*/!secret.empty()));
  return wire::DecodeTlsRegistration(a);
}

Result<Quote> RemoteClient::GetQuote(ByteSpan report_data) {
  if (report_data.size() != wire::kReportDataSize) {
    return Status::InvalidArgument("invalid_report_data", "report data is exactly 64 bytes");
  }
  Request r = Make(Op::kQuote);
  r.data.assign(report_data.begin(), report_data.end());
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeQuote(a);
}

Result<Bytes> RemoteClient::CallKms(wire::Op op, ByteSpan payload) {
  if (!wire::IsKmsOp(op)) return Status::InvalidArgument("invalid_argument", "not a KMS op");
  Request r = Make(op);
  r.data.assign(payload.begin(), payload.end());
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes a, Call(r));
  return wire::DecodeOpaque(a);
}

Connection RemoteClient::Probe() {
  return Connection{"remote", Hello().ok(), options_.address.ToString()};
}

}  // namespace cryfttee::tee
