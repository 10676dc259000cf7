// libFuzzer target for core/json_scan (the json_index intrinsic: it reads whatever bytes a
// module points it at) and core Base64Decode (every signing request's bytes). Any input must
// give an answer, never a crash or a read outside the text, and the scanner must never accept
// what the reference parser refuses: if ScanJsonObject/Array accepts an input, nlohmann accepts
// it too (bytes >= 0x80 aside: the scanner leaves UTF-8 to its callers; and numbers beyond a
// double's range, which RFC 8259's grammar allows and nlohmann refuses as out of range), and
// every reported span lies inside the text, each key before its value.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/json_scan.h"

namespace {

bool Ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void CheckSpans(std::string_view text, const std::vector<cryfttee::JsonMember>& members) {
  for (const cryfttee::JsonMember& m : members) {
    if (uint64_t{m.key_offset} + m.key_len > text.size()) __builtin_trap();
    if (uint64_t{m.value_offset} + m.value_len > text.size() || m.value_len == 0) __builtin_trap();
    if (m.key_len > 0 && m.key_offset + m.key_len >= m.value_offset) __builtin_trap();
    const std::string_view value = text.substr(m.value_offset, m.value_len);
    if (m.kind == cryfttee::JsonKind::kString && (value.front() != '"' || value.back() != '"')) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<cryfttee::JsonMember> members;
  const bool object = cryfttee::ScanJsonObject(text, &members);
  if (object) CheckSpans(text, members);
  members.clear();
  const bool array = cryfttee::ScanJsonArray(text, &members);
  if (array) CheckSpans(text, members);
  if ((object || array) && Ascii(text)) {
    try {
      const nlohmann::json doc = nlohmann::json::parse(text);
      (void)doc;
    } catch (const nlohmann::json::parse_error&) {
      __builtin_trap();  // the grammar disagrees
    } catch (const nlohmann::json::out_of_range&) {
      // a number too large for a double: grammatical JSON
    }
  }

  // Base64: whatever decodes re-encodes to the same text, up to padding and alphabet.
  auto decoded = cryfttee::Base64Decode(text);
  if (decoded.ok()) {
    auto again = cryfttee::Base64Decode(cryfttee::Base64Encode(*decoded));
    if (!again.ok() || *again != *decoded) __builtin_trap();
  }
  return 0;
}
