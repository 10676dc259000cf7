#include "runtime/connection_tracker.h"

#include <algorithm>

namespace cryfttee::runtime {

ConnectionTracker::ConnectionTracker(std::string transport, std::string endpoint,
                                     int64_t connected_window_ms)
    : connected_window_ms_(connected_window_ms) {
  state_.transport = std::move(transport);
  state_.endpoint = std::move(endpoint);
}

void ConnectionTracker::SetEndpoint(const std::string& endpoint) {
  MutexLock lock(&mu_);
  state_.endpoint = endpoint;
}

void ConnectionTracker::RecordRequest(int64_t now_ms) {
  MutexLock lock(&mu_);
  ++state_.request_count;
  state_.last_seen_ms = now_ms;
}

void ConnectionTracker::RecordError(const std::string& message, int64_t now_ms) {
  MutexLock lock(&mu_);
  ++state_.error_count;
  state_.last_error = message;
  state_.last_error_time_ms = now_ms;
}

void ConnectionTracker::RecordHeartbeat(const std::string& version, const std::string& node_id,
                                        int64_t sent_ms, int64_t now_ms) {
  MutexLock lock(&mu_);
  ++state_.heartbeat_count;
  state_.last_heartbeat_ms = now_ms;
  state_.latency_ms = (sent_ms > 0 && sent_ms <= now_ms) ? now_ms - sent_ms : 0;
  if (!version.empty()) state_.cryftgo_version = version;
  if (!node_id.empty()) state_.cryftgo_node_id = node_id;
}

ConnectionSnapshot ConnectionTracker::Snapshot(int64_t now_ms) const {
  MutexLock lock(&mu_);
  ConnectionSnapshot s = state_;
  s.connected = s.last_heartbeat_ms != 0 && now_ms - s.last_heartbeat_ms <= connected_window_ms_;
  return s;
}

}  // namespace cryfttee::runtime
