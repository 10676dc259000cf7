// Web3SignerMonitor: whether the configured Web3Signer works right now, and which keys it holds.
//
// A background thread asks, every `interval`: GET /upcheck (200 "OK", text/plain) and
// GET /healthcheck (200 with "status":"UP"), each bounded by `probe_timeout` and never retried,
// then GET /api/v1/eth2/publicKeys. `connected` is true only while both health probes pass, so
// it turns false within interval + probe_timeout of Web3Signer stopping (or hanging) and true
// within the same time of its return: 1 s + 1.5 s by default, inside the 5 s the node is
// promised. The key list is the last one read while connected; it is empty while disconnected,
// because keys that cannot be used must not be offered.
//
// Threading: Start() once, Stop() joins (the destructor calls it); every reader may be called
// from any thread at any time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/mutex.h"
#include "net/http_client.h"

namespace cryfttee::runtime {

struct Web3SignerHealth {
  bool connected = false;
  std::string last_error;                // why the last probe failed ("" when connected)
  int64_t checked_at_ms = 0;             // unix ms of the last completed probe (0 = none yet)
  std::vector<std::string> public_keys;  // "0x" + 96 lower-case hex, Web3Signer's order
};

class Web3SignerMonitor {
 public:
  struct Options {
    std::chrono::milliseconds interval{1000};
    std::chrono::milliseconds probe_timeout{1500};
  };
  Web3SignerMonitor(std::shared_ptr<net::HttpClient> client, Options options);
  ~Web3SignerMonitor();
  Web3SignerMonitor(const Web3SignerMonitor&) = delete;
  Web3SignerMonitor& operator=(const Web3SignerMonitor&) = delete;

  // Starts probing at once, then every interval (until the first probe ends: not connected).
  void Start();
  void Stop();

  // Re-reads Web3Signer's key list now, on the calling thread (after a key was imported, so
  // the next status lists it without waiting for the next probe). Kept only while connected.
  void RefreshKeys();

  bool connected() const { return connected_.load(std::memory_order_acquire); }
  Web3SignerHealth Health() const;
  const std::string& url() const { return client_->options().url; }
  net::HttpClient& client() const { return *client_; }

 private:
  void ProbeOnce();
  void Run();

  const std::shared_ptr<net::HttpClient> client_;
  const Options options_;
  std::atomic<bool> connected_{false};
  mutable Mutex mu_;
  Web3SignerHealth health_ GUARDED_BY(mu_);
  // Stop signalling only (std types: the condition variable needs them).
  std::mutex stop_mu_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace cryfttee::runtime
