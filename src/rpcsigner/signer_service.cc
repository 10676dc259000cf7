#include "rpcsigner/signer_service.h"

#include <chrono>

#include "rpcsigner/grpc_status.h"

namespace cryfttee::rpcsigner {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
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
  if (observer_) observer_({"PublicKey", Status::Ok(), MicrosSince(start), 0, ""});
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
  auto finish = [this, reactor, method, start, size = message->size()](const Status& status,
                                                                       std::string module_id) {
    // Measured before Finish: after it the RPC's message and the reactor may be gone.
    CallRecord record{method, status, MicrosSince(start), size, std::move(module_id)};
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
