// The base host functions every module may be granted, and the grant filter that turns a set of
// grant names into the HostFunction list handed to LoadModule. Later host functions ("keyvault",
// "http") are ordinary HostFunction values and go through the same filter.
//
//   grant "log":    cryfttee.log(level: i32, ptr: i32, len: i32)
//   grant "clock":  cryfttee.now_ms() -> i64                 Unix time in milliseconds
//   grant "random": cryfttee.random_bytes(ptr: i32, len: i32) -> i32
//   no grant:       cryfttee.json_index(json: i32, json_len: i32, first: i32, out: i32,
//                                       out_cap: i32) -> i32
//
// Intrinsics (grant kGrantNone) read and write only the calling module's own memory and give it
// no reach outside its sandbox, so every module may import them whatever its publisher is
// allowed; they still bill fuel for their work. json_index is the SDK's JSON reader: it
// validates one object, or one array (core/json_scan.h), and writes kJsonIndexRecordWords u32
// words per member (array element: empty key), for members [first, first + out_cap):
//   key offset, key length, value offset, value length (offsets from `json`; a key without its
//   quotes, a string value with them), flags = kind (1 string, 2 number, 3 bool, 4 null,
//   5 object, 6 array) | 0x100 if the key has escapes | 0x200 if a string value has escapes.
// It returns the total number of members (page with `first` when it exceeds out_cap),
// kHostErrorInvalid when the text is not exactly one JSON object or array, kHostErrorTooLarge when
// out_cap exceeds kMaxJsonIndexRecords. Fuel: 1 unit per kJsonIndexBytesPerFuel bytes scanned.
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
// The grant of intrinsics: none needed (see above).
inline constexpr const char* kGrantNone = "";

inline constexpr uint32_t kJsonIndexRecordWords = 5;
inline constexpr uint32_t kMaxJsonIndexRecords = 4096;
// About what the SDK's own 8-bytes-per-step scan charged per byte, so moving the scan into the
// host changes its speed, not its fuel class.
inline constexpr uint32_t kJsonIndexBytesPerFuel = 4;

// Longest message `log` records; the rest is cut and marked, so a module cannot flood the log
// line by line with megabytes.
inline constexpr uint32_t kMaxLogMessageBytes = 4096;
// Most bytes one random_bytes call fills; larger requests return kHostErrorTooLarge.
inline constexpr uint32_t kMaxRandomBytes = 65536;

// Negative i32 results shared by host functions (the guest sees them as return values).
inline constexpr int32_t kHostErrorTooLarge = -1;
inline constexpr int32_t kHostErrorInternal = -2;
inline constexpr int32_t kHostErrorInvalid = -3;

// Guest log levels for cryfttee.log.
enum class GuestLogLevel : int32_t { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// All base host functions, each tagged with its grant.
std::vector<HostFunction> BaseHostFunctions();

// The subset of `available` whose grant is in `grants` or is kGrantNone, in the order of
// `available`.
std::vector<HostFunction> SelectGranted(const std::vector<HostFunction>& available,
                                        const std::set<std::string>& grants);

// Shorthand for SelectGranted(BaseHostFunctions(), grants).
std::vector<HostFunction> BaseHostFunctionsFor(const std::set<std::string>& grants);

}  // namespace cryfttee::modules
