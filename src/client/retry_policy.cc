#include "client/retry_policy.h"

#include <thread>

namespace cryfttee::client {

std::chrono::milliseconds RetryPolicy::DelayAfter(int attempt) const {
  std::chrono::milliseconds delay = initial_delay;
  for (int i = 1; i < attempt && delay < max_delay; ++i) delay *= 2;
  return delay < max_delay ? delay : max_delay;
}

void RetryPolicy::Sleep(std::chrono::milliseconds delay) const {
  if (sleep) {
    sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

bool IsRetryableTransportFailure(const Status& status) {
  return !status.ok() && status.code() == "unavailable";
}

bool IsRetryableHttpStatus(int http_status) { return http_status == 503; }

}  // namespace cryfttee::client
