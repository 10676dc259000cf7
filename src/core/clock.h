// Wall-clock helpers. Times on the wire are RFC 3339 UTC strings (Go's time.Time JSON form) or
// Unix milliseconds where the seeds use int64.
#pragma once

#include <cstdint>
#include <string>

namespace cryfttee {

int64_t NowUnixMillis();
// Monotonic milliseconds, for measuring durations and uptime.
int64_t MonotonicMillis();
// "2025-11-29T15:30:00.123Z". Zero means "never" and renders as Go's zero time
// "0001-01-01T00:00:00Z", so Go clients decode it.
std::string FormatRfc3339Millis(int64_t unix_millis);

}  // namespace cryfttee
