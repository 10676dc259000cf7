#include "rpcsigner/signer_service.h"

#include <grpc/grpc_security_constants.h>

#include <chrono>

#include "core/sha256.h"
#include "rpcsigner/grpc_status.h"

namespace cryfttee::rpcsigner {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

// The verified client certificate's subject, "" without TLS or a client certificate.
std::string ClientSubject(const grpc::CallbackServerContext* context) {
  auto auth = context->auth_context();
  if (!auth) return "";
  auto values = auth->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
  return values.empty() ? "" : std::string(values.front().data(), values.front().size());
}

}  // namespace

SignerService::SignerService(const SignerBackend* backend, WorkPool* pool, CallObserver observer)
    : backend_(backend), pool_(pool), observer_(std::move(observer)) {}

grpc::ServerUnaryReactor* SignerService::PublicKey(grpc::CallbackServerContext* context,
                                                   const signer::PublicKeyRequest* /*request*/,
                                                   signer::PublicKeyResponse* response) {
  Clock::time_point start = Clock::now();
  const Bytes& pk = backend_->public_key();
  response->set_public_key(pk.data(), pk.size());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  if (observer_) {
    CallRecord record;
    record.method = "PublicKey";
    record.duration_us = MicrosSince(start);
    record.peer = context->peer();
    observer_(record);
  }
  return reactor;
}

grpc::ServerUnaryReactor* SignerService::Sign(grpc::CallbackServerContext* context,
                                              const signer::SignRequest* request,
                                              signer::SignResponse* response) {
  return SignWith(context, "Sign", &request->message(), response->mutable_signature(),
                  keys::BlsDst::kSignature);
}

grpc::ServerUnaryReactor* SignerService::SignProofOfPossession(
    grpc::CallbackServerContext* context, const signer::SignProofOfPossessionRequest* request,
    signer::SignProofOfPossessionResponse* response) {
  return SignWith(context, "SignProofOfPossession", &request->message(),
                  response->mutable_signature(), keys::BlsDst::kProofOfPossession);
}

grpc::ServerUnaryReactor* SignerService::SignWith(grpc::CallbackServerContext* context,
                                                  const char* method, const std::string* message,
                                                  std::string* signature, keys::BlsDst dst) {
  Clock::time_point start = Clock::now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Read now, while the context and the message are certainly alive.
  CallRecord who;
  who.peer = context->peer();
  who.subject = ClientSubject(context);
  who.message_sha256 = FormatSha256(Sha256(AsBytes(*message)));
  auto finish = [this, reactor, method, start, size = message->size(), who = std::move(who)](
                    const Status& status, std::string module_id) {
    // Measured before Finish: after it the RPC's message and the reactor may be gone.
    CallRecord record{method,   status,      MicrosSince(start), size, std::move(module_id),
                      who.peer, who.subject, who.message_sha256};
    reactor->Finish(ToGrpcStatus(status));
    if (observer_) observer_(record);
  };
  bool queued = pool_->TrySubmit(
      [this, message, signature, dst, finish] {
        std::string module_id;
        Result<Bytes> sig = backend_->Sign(AsBytes(*message), dst, &module_id);
        if (sig.ok()) signature->assign(sig->begin(), sig->end());
        finish(sig.status(), sig.ok() ? module_id : std::string());
      },
      message->size());
  if (!queued) {
    // kTooLarge is the category of "over a bound": RESOURCE_EXHAUSTED on this door.
    finish(Status::Error(StatusCategory::kTooLarge, "signer_busy",
                         "too many signing requests are waiting; retry shortly"),
           "");
  }
  return reactor;
}

}  // namespace cryfttee::rpcsigner
