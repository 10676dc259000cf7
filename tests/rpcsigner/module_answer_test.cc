// A module's failed answer, classified once (runtime::ModuleAnswerStatus, shared with the HTTP
// handlers) and mapped to gRPC once (rpcsigner::ToGrpcStatus): the codes the issue names
// (INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE) come out of the module answers that say so (their
// "kind", docs/module-abi.md 1.10).
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
      // The module's kind decides, and its code is kept.
      {{{"error", "key_not_found"}, {"kind", "not_found"}},
       StatusCategory::kNotFound,
       "key_not_found",
       grpc::StatusCode::NOT_FOUND},
      {{{"error", "invalid_message"}, {"kind", "invalid_argument"}},
       StatusCategory::kInvalidArgument,
       "invalid_message",
       grpc::StatusCode::INVALID_ARGUMENT},
      {{{"error", "share_missing"}, {"kind", "unavailable"}},
       StatusCategory::kUnavailable,
       "share_missing",
       grpc::StatusCode::UNAVAILABLE},
      // A host transport failure relayed with its kind (Web3Signer unreachable, origin refused).
      {{{"error", "http_timeout"}, {"kind", "unavailable"}},
       StatusCategory::kUnavailable,
       "http_timeout",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", "http_origin_not_allowed"}, {"kind", "permission_denied"}},
       StatusCategory::kPermissionDenied,
       "http_origin_not_allowed",
       grpc::StatusCode::PERMISSION_DENIED},
      // The older spelling error_kind is read too; kind wins when both are there.
      {{{"error", "share_missing"}, {"error_kind", "not_found"}},
       StatusCategory::kNotFound,
       "share_missing",
       grpc::StatusCode::NOT_FOUND},
      {{{"error", "invalid_quorum"}, {"kind", "unavailable"}, {"error_kind", "invalid_argument"}},
       StatusCategory::kUnavailable,
       "invalid_quorum",
       grpc::StatusCode::UNAVAILABLE},
      // The enclave is down: retryable even when a module dropped the kind.
      {{{"error", "enclave_unavailable"}},
       StatusCategory::kUnavailable,
       "enclave_unavailable",
       grpc::StatusCode::UNAVAILABLE},
      // Nothing is guessed from a code's spelling: without a valid kind it is the module's own
      // failure, named as such.
      {{{"error", "key_not_found"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", "invalid_message"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", "http_timeout"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", "invalid_x"}, {"kind", "nonsense"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      // A failure claiming success's kind, or naming no code, is the module's failure too.
      {{{"error", "sign_failed"}, {"kind", "ok"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {{{"kind", "not_found"}},
       StatusCategory::kUpstream,
       "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {nlohmann::json::object(), StatusCategory::kUpstream, "module_error",
       grpc::StatusCode::UNAVAILABLE},
      {{{"error", 42}}, StatusCategory::kUpstream, "module_error", grpc::StatusCode::UNAVAILABLE},
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
