// What the signer reports about each RPC it answered, and the counters it keeps from those
// reports. CallObserver is the seam for everything that watches the signer from outside
// (the daemon's connection tracker and its metrics; an audit log can subscribe the same way): the
// service calls it once per RPC, after the answer is decided, on the thread that decided it.
//
// Threading: CallCounters is thread-safe. An observer must be too (it is called from gRPC's
// and the work pool's threads at once) and must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/status.h"

namespace cryfttee::rpcsigner {

struct CallRecord {
  std::string method;       // "PublicKey" | "Sign" | "SignProofOfPossession" (gRPC method name)
  Status status;            // OK, or the failure with its stable code
  int64_t duration_us = 0;  // from the RPC's arrival to its answer
  size_t message_bytes = 0;
  std::string module_id;  // the module that signed (a successful Sign*), else empty
  // Who called and what (the audit log): gRPC's peer text ("ipv4:127.0.0.1:5555",
  // "unix:/path"), the TLS client certificate's subject ("" without one), and "sha256:<hex>" of
  // the message of a Sign* call ("" for PublicKey).
  std::string peer;
  std::string subject;
  std::string message_sha256;
};

using CallObserver = std::function<void(const CallRecord&)>;

struct MethodCounts {
  uint64_t calls = 0;
  uint64_t errors = 0;
};

struct CountersSnapshot {
  std::map<std::string, MethodCounts> methods;  // by method name; absent = never called
  std::string last_error;                       // "<method>: <code>: <message>"
  int64_t last_error_ms = 0;                    // Unix ms, 0 = never
};

class CallCounters {
 public:
  void Record(const CallRecord& record, int64_t now_ms);
  CountersSnapshot Snapshot() const;

 private:
  mutable std::mutex mu_;
  CountersSnapshot state_;  // guarded by mu_
};

}  // namespace cryfttee::rpcsigner
