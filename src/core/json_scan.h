// A single-pass, allocation-light scanner for the top level of one JSON object: it validates the
// whole text (RFC 8259 grammar, nesting at most kJsonScanMaxDepth) and reports where each
// member's key and value lie, without decoding or copying anything. It is what the `json_index`
// host function runs for WebAssembly modules (sdk/cryfttee_module.h looks fields up through it),
// so guest code never walks request bytes itself: a 1 MiB message costs the module nothing.
//
// Strings: control bytes below 0x20 are refused, escapes must be valid, and \u escapes must pair
// surrogates correctly. UTF-8 is not validated (bytes >= 0x80 pass), like the SDK's own reader.
// Duplicate keys are reported as they come; the first occurrence is the one readers use.
//
// Failure: ScanJsonObject returns false when the text is not exactly one object (whitespace
// around it allowed). Threading: pure function.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace cryfttee {

inline constexpr uint32_t kJsonScanMaxDepth = 64;

enum class JsonKind : uint8_t {
  kString = 1,
  kNumber = 2,
  kBool = 3,
  kNull = 4,
  kObject = 5,
  kArray = 6
};

struct JsonMember {
  uint32_t key_offset = 0;  // first byte after the key's opening quote
  uint32_t key_len = 0;     // raw key text between the quotes
  uint32_t value_offset = 0;
  uint32_t value_len = 0;  // raw value text (a string's quotes included)
  JsonKind kind = JsonKind::kNull;
  bool key_escaped = false;    // the key contains a backslash escape
  bool value_escaped = false;  // kString only: the value contains a backslash escape
};

// Texts longer than 4 GiB are refused (offsets are 32-bit, as in wasm32 memory).
bool ScanJsonObject(std::string_view text, std::vector<JsonMember>* members);
// The same for one array: each element is a member with an empty key.
bool ScanJsonArray(std::string_view text, std::vector<JsonMember>* elements);

}  // namespace cryfttee
