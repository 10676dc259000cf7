// The daemon's Prometheus metrics (docs/operations.md lists every series).
//
// Purpose: one registry that the API, the staking path and (later) the gRPC signer and KMS feed,
// scraped on its own loopback listener (`--metrics-addr`), never on the signing socket. Names
// follow Web3Signer's where a twin exists (signing_bls_signing_duration,
// signing_signers_loaded_count, http_bls_malformed_request_count_total) so an operator's
// dashboards carry over; ours are prefixed cryfttee_.
//
// Seams: ObserveRequest and ObserveSigning are the only writers callers need. A signer outside
// the HTTP API (src/rpcsigner) calls ObserveSigning with its own `module` label.
//
// The same two calls also feed `history()` (live_history.h), the last hour in 10-second slots
// that the kiosk's live panel draws.
//
// Values read at scrape time (keys loaded, heartbeat age) come from a LiveSource callback so they
// are never stale and cost nothing between scrapes.
//
// Threading: every method is thread-safe (prometheus-cpp families are internally locked and
// metric handles are stable); the LiveSource callback runs on the scraper's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ops/live_history.h"

namespace prometheus {
class Registry;
class Collectable;
}  // namespace prometheus

namespace cryfttee::ops {

// One gauge value computed at scrape time.
struct LiveValue {
  std::string name;
  std::string help;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};
using LiveSource = std::function<std::vector<LiveValue>()>;

class Metrics {
 public:
  explicit Metrics(const std::string& version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // `route` is the matched route pattern (never the raw path: bounded cardinality), or
  // "unmatched".
  void ObserveRequest(const std::string& route, int status);
  // A signature that was produced; `key_type` is "bls" or "tls".
  void ObserveSigning(const std::string& key_type, const std::string& module, double seconds);
  // A BLS signing request refused as malformed (HTTP 400), Web3Signer's counter.
  void ObserveMalformedBlsRequest();
  void SetLiveSource(LiveSource source);

  // The last hour of what ObserveRequest and ObserveSigning saw, plus the heartbeats callers
  // record on it directly.
  LiveHistory& history() { return history_; }
  const LiveHistory& history() const { return history_; }

  // The registry and the live gauges.
  std::vector<std::shared_ptr<prometheus::Collectable>> Collectables() const;
  // Prometheus text exposition format (0.0.4) of every collectable: the body of GET /metrics on
  // the daemon's metrics listener, which is the daemon's own HTTP server (beside /healthz and
  // /readyz), so the listener obeys the same connection limits and timeouts as every other.
  std::string RenderText() const;

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::shared_ptr<prometheus::Collectable> live_;
  LiveHistory history_;
};

}  // namespace cryfttee::ops
