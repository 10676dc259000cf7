// The gRPC `signer.Signer` service (proto/signer.proto) on top of a SignerBackend.
//
// PublicKey answers at once on gRPC's thread (the key is resolved at start). Sign and
// SignProofOfPossession hand the message to the WorkPool, which runs the module call and then
// finishes the RPC; a full queue (calls or message bytes) answers RESOURCE_EXHAUSTED
// "signer_busy" at once. Every RPC is reported to the CallObserver exactly once. Errors use
// rpcsigner/grpc_status.h.
//
// Threading: the service is stateless beyond its pointers; gRPC calls it from many threads.
// The backend, pool and observer must outlive the grpc::Server that serves it.
#pragma once

#include "rpcsigner/call_record.h"
#include "rpcsigner/signer_backend.h"
#include "rpcsigner/work_pool.h"
#include "signer.grpc.pb.h"

namespace cryfttee::rpcsigner {

class SignerService final : public signer::Signer::CallbackService {
 public:
  SignerService(const SignerBackend* backend, WorkPool* pool, CallObserver observer);

  grpc::ServerUnaryReactor* PublicKey(grpc::CallbackServerContext* context,
                                      const signer::PublicKeyRequest* request,
                                      signer::PublicKeyResponse* response) override;
  grpc::ServerUnaryReactor* Sign(grpc::CallbackServerContext* context,
                                 const signer::SignRequest* request,
                                 signer::SignResponse* response) override;
  grpc::ServerUnaryReactor* SignProofOfPossession(
      grpc::CallbackServerContext* context, const signer::SignProofOfPossessionRequest* request,
      signer::SignProofOfPossessionResponse* response) override;

 private:
  // `message` and `signature` belong to the RPC and stay valid until the reactor finishes.
  grpc::ServerUnaryReactor* SignWith(grpc::CallbackServerContext* context, const char* method,
                                     const std::string* message, std::string* signature,
                                     keys::BlsDst dst);

  const SignerBackend* backend_;
  WorkPool* pool_;
  CallObserver observer_;
};

}  // namespace cryfttee::rpcsigner
