#include "rpcsigner/grpc_status.h"

namespace cryfttee::rpcsigner {

grpc::StatusCode GrpcCodeFor(StatusCategory category) {
  switch (category) {
    case StatusCategory::kOk:
      return grpc::StatusCode::OK;
    case StatusCategory::kInvalidArgument:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case StatusCategory::kNotFound:
      return grpc::StatusCode::NOT_FOUND;
    case StatusCategory::kAlreadyExists:
      return grpc::StatusCode::ALREADY_EXISTS;
    case StatusCategory::kUnauthenticated:
      return grpc::StatusCode::UNAUTHENTICATED;
    case StatusCategory::kPermissionDenied:
      return grpc::StatusCode::PERMISSION_DENIED;
    case StatusCategory::kFailedPrecondition:
    case StatusCategory::kUnavailable:
    case StatusCategory::kUpstream:
      return grpc::StatusCode::UNAVAILABLE;
    case StatusCategory::kTooLarge:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case StatusCategory::kInternal:
      return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(GrpcCodeFor(status.category()), status.code() + ": " + status.message());
}

}  // namespace cryfttee::rpcsigner
