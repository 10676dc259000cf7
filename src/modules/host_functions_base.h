// The base host functions every module may be granted, and the grant filter that turns a set of
// grant names into the HostFunction list handed to LoadModule. Later host functions ("keyvault",
// "http") are ordinary HostFunction values and go through the same filter.
//
//   grant "log":    cryfttee.log(level: i32, ptr: i32, len: i32)
//   grant "clock":  cryfttee.now_ms() -> i64                 Unix time in milliseconds
//   grant "random": cryfttee.random_bytes(ptr: i32, len: i32) -> i32
//
// A pointer range outside guest memory traps the guest (code "bad_guest_pointer" in the trap
// message); it never reaches host memory.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "modules/engine.h"

namespace cryfttee::modules {

inline constexpr const char* kGrantLog = "log";
inline constexpr const char* kGrantClock = "clock";
inline constexpr const char* kGrantRandom = "random";

// Longest message `log` records; the rest is cut and marked, so a module cannot flood the log
// line by line with megabytes.
inline constexpr uint32_t kMaxLogMessageBytes = 4096;
// Most bytes one random_bytes call fills; larger requests return kHostErrorTooLarge.
inline constexpr uint32_t kMaxRandomBytes = 65536;

// Negative i32 results shared by host functions (the guest sees them as return values).
inline constexpr int32_t kHostErrorTooLarge = -1;
inline constexpr int32_t kHostErrorInternal = -2;

// Guest log levels for cryfttee.log.
enum class GuestLogLevel : int32_t { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// All base host functions, each tagged with its grant.
std::vector<HostFunction> BaseHostFunctions();

// The subset of `available` whose grant is in `grants`, in the order of `available`.
std::vector<HostFunction> SelectGranted(const std::vector<HostFunction>& available,
                                        const std::set<std::string>& grants);

// Shorthand for SelectGranted(BaseHostFunctions(), grants).
std::vector<HostFunction> BaseHostFunctionsFor(const std::set<std::string>& grants);

}  // namespace cryfttee::modules
