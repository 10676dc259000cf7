// Tracks the node's (cryftgo's) use of the API: heartbeats, request and error counts.
//
// "Connected" rule: a heartbeat arrived within the last `connected_window_ms` (default 15 s, i.e.
// three missed 5-second heartbeats). Requests other than heartbeats count toward request_count
// and last_seen but do not by themselves make the node "connected", because any local process can
// query status; only heartbeats identify the node.
#pragma once

#include <cstdint>
#include <string>

#include "core/mutex.h"

namespace cryfttee::runtime {

struct ConnectionSnapshot {
  bool connected = false;
  std::string transport;
  std::string endpoint;
  int64_t last_seen_ms = 0;       // last request of any kind (Unix ms), 0 = never
  int64_t last_heartbeat_ms = 0;  // 0 = never
  int64_t latency_ms = 0;         // from the last heartbeat's timestamp to its arrival
  std::string cryftgo_version;
  std::string cryftgo_node_id;
  uint64_t request_count = 0;
  uint64_t error_count = 0;
  uint64_t heartbeat_count = 0;
  std::string last_error;
  int64_t last_error_time_ms = 0;
};

class ConnectionTracker {
 public:
  ConnectionTracker(std::string transport, std::string endpoint, int64_t connected_window_ms);

  // The endpoint is known exactly only once the listener is bound (port 0 picks one).
  void SetEndpoint(const std::string& endpoint);
  void RecordRequest(int64_t now_ms);
  void RecordError(const std::string& message, int64_t now_ms);
  // `sent_ms` is the client's timestamp (Unix ms); 0 or a value in the future gives latency 0.
  void RecordHeartbeat(const std::string& version, const std::string& node_id, int64_t sent_ms,
                       int64_t now_ms);

  ConnectionSnapshot Snapshot(int64_t now_ms) const;
  int64_t connected_window_ms() const { return connected_window_ms_; }

 private:
  mutable Mutex mu_;
  ConnectionSnapshot state_ GUARDED_BY(mu_);
  const int64_t connected_window_ms_;
};

}  // namespace cryfttee::runtime
