#include "rpcsigner/call_record.h"

namespace cryfttee::rpcsigner {

void CallCounters::Record(const CallRecord& record, int64_t now_ms) {
  std::lock_guard lock(mu_);
  MethodCounts& counts = state_.methods[record.method];
  ++counts.calls;
  if (!record.status.ok()) {
    ++counts.errors;
    state_.last_error = record.method + ": " + record.status.ToString();
    state_.last_error_ms = now_ms;
  }
}

CountersSnapshot CallCounters::Snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

}  // namespace cryfttee::rpcsigner
