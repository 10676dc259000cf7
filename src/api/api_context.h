// What the API handlers need from the rest of the daemon. Built once in apps/cryfttee and
// shared read-only by every worker thread; each member is itself thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <memory>

#include "runtime/attestation.h"
#include "runtime/connection_tracker.h"
#include "runtime/module_registry.h"
#include "tee/client.h"

namespace cryfttee::api {

struct ApiContext {
  runtime::ConnectionTracker* connection = nullptr;
  runtime::BinaryIdentity binary;
  int64_t started_monotonic_ms = 0;
  std::string web3signer_url;
  runtime::ModuleRegistry* registry = nullptr;  // null only in tests of the bare server
  // How keys are reached: in process or in the enclave (may be null in tests of the bare server).
  std::shared_ptr<tee::Client> keys;
};

}  // namespace cryfttee::api
