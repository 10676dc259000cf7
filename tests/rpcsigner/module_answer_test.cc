// A module's failed answer, classified once (runtime::ModuleAnswerStatus, shared with the HTTP
// handlers) and mapped to gRPC once (rpcsigner::ToGrpcStatus): the codes the issue names
// (INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE) come out of the module answers that mean them.
#include <gtest/gtest.h>

#include "rpcsigner/grpc_status.h"
#include "runtime/module_call.h"

namespace cryfttee::rpcsigner {
namespace {

struct Case {
  nlohmann::json answer;
  StatusCategory category;
  std::string code;  // the stable code the client sees first in the message
  grpc::StatusCode grpc_code;
};

TEST(ModuleAnswer, ClassifiedOnceAndMappedToGrpc) {
  const Case cases[] = {
      // The code's shape decides when the module gives no kind.
      {{{"error", "key_not_found"}},
       StatusCategory::kNotFound,
       "key_not_found",
       grpc::StatusCode::NOT_FOUND},
      {{{"error", "invalid_message"}},
       StatusCategory::kInvalidArgument,
       "invalid_message",
       grpc::StatusCode::INVALID_ARGUMENT},
      {{{"error", "missing_key_handle"}},
       StatusCategory::kInvalidArgument,
       "missing_key_handle",
       grpc::StatusCode::INVALID_ARGUMENT},
      {{{"error", "wrong_key_type"}},
       StatusCategory::kInvalidArgument,
       "wrong_key_type",
       grpc::StatusCode::INVALID_ARGUMENT},
      // Anything else is the module's failure, named as such.
      {{{"error", "sign_failed"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {nlohmann::json::object(), StatusCategory::kUpstream, "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", 42}}, StatusCategory::kUpstream, "module_error", grpc::StatusCode::UNAVAILABLE},
      // A host transport code relayed by a module (Web3Signer unreachable).
      {{{"error", "http_timeout"}},
       StatusCategory::kUnavailable,
       "http_timeout",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", "http_origin_not_allowed"}},
       StatusCategory::kPermissionDenied,
       "http_origin_not_allowed",
       grpc::StatusCode::PERMISSION_DENIED},
      // An explicit kind wins over the code's shape, and the code is kept.
      {{{"error", "share_missing"}, {"error_kind", "not_found"}},
       StatusCategory::kNotFound,
       "share_missing",
       grpc::StatusCode::NOT_FOUND},
      {{{"error", "invalid_quorum"}, {"error_kind", "unavailable"}},
       StatusCategory::kUnavailable,
       "invalid_quorum",
       grpc::StatusCode::UNAVAILABLE},
      // An unknown kind is ignored.
      {{{"error", "invalid_x"}, {"error_kind", "nonsense"}},
       StatusCategory::kInvalidArgument,
       "invalid_x",
       grpc::StatusCode::INVALID_ARGUMENT},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.answer.dump());
    Status st = runtime::ModuleAnswerStatus("some_module", c.answer);
    EXPECT_EQ(st.category(), c.category);
    EXPECT_EQ(st.code(), c.code);
    grpc::Status g = ToGrpcStatus(st);
    EXPECT_EQ(g.error_code(), c.grpc_code);
    EXPECT_EQ(g.error_message().rfind(c.code + ": ", 0), 0u) << g.error_message();
  }
}

TEST(ModuleAnswer, AModuleErrorNamesTheModuleAndKeepsItsMessage) {
  Status st = runtime::ModuleAnswerStatus(
      "bls_tls_signer_v1", {{"error", "sign_failed"}, {"message", "the vault said no"}});
  EXPECT_EQ(st.message(), "module bls_tls_signer_v1 failed: the vault said no");
}

}  // namespace
}  // namespace cryfttee::rpcsigner
