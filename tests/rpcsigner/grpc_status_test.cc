#include "rpcsigner/grpc_status.h"

#include <gtest/gtest.h>

namespace cryfttee::rpcsigner {
namespace {

TEST(GrpcStatus, CategoriesMapOnce) {
  EXPECT_TRUE(ToGrpcStatus(Status::Ok()).ok());
  struct Case {
    StatusCategory category;
    grpc::StatusCode code;
  } cases[] = {
      {StatusCategory::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {StatusCategory::kNotFound, grpc::StatusCode::NOT_FOUND},
      {StatusCategory::kTooLarge, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {StatusCategory::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {StatusCategory::kUpstream, grpc::StatusCode::UNAVAILABLE},
      {StatusCategory::kFailedPrecondition, grpc::StatusCode::UNAVAILABLE},
      {StatusCategory::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
      {StatusCategory::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {StatusCategory::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {StatusCategory::kInternal, grpc::StatusCode::INTERNAL},
  };
  for (const Case& c : cases) {
    grpc::Status s = ToGrpcStatus(Status::Error(c.category, "some_code", "what happened"));
    EXPECT_EQ(s.error_code(), c.code);
    // The stable code leads the message, as "error" does in an HTTP answer.
    EXPECT_EQ(s.error_message(), "some_code: what happened");
  }
}

}  // namespace
}  // namespace cryfttee::rpcsigner
