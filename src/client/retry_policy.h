// The seed's retry rule for calls to the daemon (cryftgo-integration.md, withRetry): start at
// 100 ms, double each time up to 5 s, at most 10 attempts. Only failures that mean "the daemon is
// not there (yet)" are retried: connection refused, socket missing, and HTTP 503. A 4xx, a
// timeout or a connection lost mid-request is returned at once, because the daemon may already
// have acted on the request (retrying a key registration could create a second key).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/status.h"

namespace cryfttee::client {

struct RetryPolicy {
  std::chrono::milliseconds initial_delay{100};
  std::chrono::milliseconds max_delay{5'000};
  int max_attempts = 10;
  // Injectable for tests; defaults to std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Called before each sleep with the attempt that just failed (1-based), the delay, and why.
  std::function<void(int attempt, std::chrono::milliseconds delay, const Status& why)> on_retry;

  // The seed's numbers.
  static RetryPolicy Seed() { return RetryPolicy{}; }
  // One attempt, no waiting (what an interactive command wants by default).
  static RetryPolicy None() {
    RetryPolicy p;
    p.max_attempts = 1;
    return p;
  }

  // Delay after failed attempt `attempt` (1-based): initial * 2^(attempt-1), capped at max_delay.
  std::chrono::milliseconds DelayAfter(int attempt) const;
  void Sleep(std::chrono::milliseconds delay) const;
};

// The outcome of one attempt as the policy sees it: a transport failure, or an HTTP status.
// Codes of retryable transport failures: "unavailable" (refused or socket missing).
bool IsRetryableTransportFailure(const Status& status);
bool IsRetryableHttpStatus(int http_status);

}  // namespace cryfttee::client
