// One mapping from cryfttee's Status categories (core/status.h) to gRPC status codes, done once
// for the gRPC door as api/responses.cc does it for HTTP. The gRPC message is
// "<stable code>: <message>", so a client can switch on the code as an HTTP client does on
// "error".
//
//   kInvalidArgument -> INVALID_ARGUMENT      kNotFound       -> NOT_FOUND
//   kTooLarge        -> RESOURCE_EXHAUSTED    kUnavailable, kUpstream, kFailedPrecondition
//                                                             -> UNAVAILABLE (a module that is
//                                                                not loaded, failed or timed out)
//   kUnauthenticated -> UNAUTHENTICATED       kPermissionDenied -> PERMISSION_DENIED
//   kAlreadyExists   -> ALREADY_EXISTS        kInternal       -> INTERNAL
#pragma once

#include <grpcpp/support/status.h>

#include "core/status.h"

namespace cryfttee::rpcsigner {

grpc::StatusCode GrpcCodeFor(StatusCategory category);
grpc::Status ToGrpcStatus(const Status& status);

}  // namespace cryfttee::rpcsigner
