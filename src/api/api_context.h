// What the API handlers need from the rest of the daemon. Built once in apps/cryfttee and
// shared read-only by every worker thread; each member is itself thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "runtime/attestation.h"
#include "runtime/connection_tracker.h"

namespace cryfttee::api {

struct ApiContext {
  runtime::ConnectionTracker* connection = nullptr;
  runtime::BinaryIdentity binary;
  int64_t started_monotonic_ms = 0;
  std::string web3signer_url;
  // The module system's share of attestation (manifest and module hashes, loaded modules).
  std::function<runtime::ModuleAttestation()> module_attestation;
};

}  // namespace cryfttee::api
