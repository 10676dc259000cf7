// What the API handlers need from the rest of the daemon. Built once in apps/cryfttee and
// shared read-only by every worker thread; each member is itself thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <memory>

#include <nlohmann/json.hpp>

#include "runtime/attestation.h"
#include "runtime/connection_tracker.h"
#include "runtime/module_registry.h"
#include "runtime/signer_backends.h"
#include "tee/client.h"

namespace cryfttee::api {

struct ApiContext {
  runtime::ConnectionTracker* connection = nullptr;
  // What binary this is; the self-hash may still be running (Get() waits). Null only in tests
  // of the bare server.
  std::shared_ptr<const runtime::BinaryIdentityTask> binary;
  int64_t started_monotonic_ms = 0;
  runtime::ModuleRegistry* registry = nullptr;  // null only in tests of the bare server
  // How keys are reached: in process or in the enclave (may be null in tests of the bare server).
  // Used for what only the key side can answer (attestation quotes); which keys exist, who
  // holds them and readiness come from `backends`.
  std::shared_ptr<tee::Client> keys;
  // Keys, who holds them, and readiness: the API's only view of keys (never the vault itself).
  // Null only in tests of the bare server.
  const runtime::SignerBackends* backends = nullptr;
  // The gRPC signer's report (rpcsigner::SignerServer::StatusJson); unset = not serving. A
  // function, because rpcsigner/ sits beside api/, not below it.
  std::function<nlohmann::json()> rpcsigner_status;
  // KMS operator mode's report (kms::OperatorMode::StatusJson); unset = operator mode is off.
  std::function<nlohmann::json()> kms_status;
};

}  // namespace cryfttee::api
