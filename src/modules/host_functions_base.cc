#include "modules/host_functions_base.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <string>

#include "core/clock.h"
#include "core/json_scan.h"

namespace cryfttee::modules {
namespace {

// Keeps a guest's log line on one line and free of terminal escapes: control bytes become '?'.
// Bytes >= 0x80 pass through (UTF-8); spdlog's JSON formatter escapes what it must.
std::string SanitizeForLog(ByteSpan bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (uint8_t b : bytes) out.push_back(b < 0x20 || b == 0x7f ? '?' : static_cast<char>(b));
  return out;
}

HostFunction Log() {
  HostFunction f;
  f.name = "log";
  f.grant = kGrantLog;
  f.params = {ValType::kI32, ValType::kI32, ValType::kI32};
  f.fn = [](HostCallContext& ctx, std::span<const uint64_t> args) -> Result<std::vector<uint64_t>> {
    const auto level = static_cast<int32_t>(args[0]);
    const auto ptr = static_cast<uint32_t>(args[1]);
    const auto len = static_cast<uint32_t>(args[2]);
    // The whole range must be valid even though only a prefix is logged: a guest bug should trap,
    // not be papered over.
    CRYFTTEE_ASSIGN_OR_RETURN(ByteSpan bytes, ctx.memory.Read(ptr, len));
    const bool cut = bytes.size() > kMaxLogMessageBytes;
    std::string text = SanitizeForLog(bytes.first(cut ? kMaxLogMessageBytes : bytes.size()));
    if (cut) text += "...[cut " + std::to_string(bytes.size() - kMaxLogMessageBytes) + " bytes]";
    spdlog::level::level_enum spd = spdlog::level::info;
    switch (static_cast<GuestLogLevel>(level)) {
      case GuestLogLevel::kDebug:
        spd = spdlog::level::debug;
        break;
      case GuestLogLevel::kInfo:
        spd = spdlog::level::info;
        break;
      case GuestLogLevel::kWarn:
        spd = spdlog::level::warn;
        break;
      case GuestLogLevel::kError:
        spd = spdlog::level::err;
        break;
    }
    spdlog::log(spd, "module {}: {}", ctx.module_id, text);
    return std::vector<uint64_t>{};
  };
  return f;
}

HostFunction NowMs() {
  HostFunction f;
  f.name = "now_ms";
  f.grant = kGrantClock;
  f.results = {ValType::kI64};
  f.fn = [](HostCallContext&, std::span<const uint64_t>) -> Result<std::vector<uint64_t>> {
    return std::vector<uint64_t>{static_cast<uint64_t>(NowUnixMillis())};
  };
  return f;
}

HostFunction RandomBytes() {
  HostFunction f;
  f.name = "random_bytes";
  f.grant = kGrantRandom;
  f.params = {ValType::kI32, ValType::kI32};
  f.results = {ValType::kI32};
  f.fn = [](HostCallContext& ctx, std::span<const uint64_t> args) -> Result<std::vector<uint64_t>> {
    const auto ptr = static_cast<uint32_t>(args[0]);
    const auto len = static_cast<uint32_t>(args[1]);
    auto i32 = [](int32_t v) { return std::vector<uint64_t>{static_cast<uint32_t>(v)}; };
    // Validate the destination first so that a bad pointer traps whatever the length.
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Read(ptr, len).status());
    if (len > kMaxRandomBytes) return i32(kHostErrorTooLarge);
    std::vector<uint8_t> buf(len);
    if (len > 0 && RAND_bytes(buf.data(), static_cast<int>(len)) != 1) {
      return i32(kHostErrorInternal);
    }
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Write(ptr, buf));
    return i32(static_cast<int32_t>(len));
  };
  return f;
}

HostFunction JsonIndex() {
  HostFunction f;
  f.name = "json_index";
  f.grant = kGrantNone;
  f.params = {ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32};
  f.results = {ValType::kI32};
  f.fn = [](HostCallContext& ctx, std::span<const uint64_t> args) -> Result<std::vector<uint64_t>> {
    const auto json_ptr = static_cast<uint32_t>(args[0]);
    const auto json_len = static_cast<uint32_t>(args[1]);
    const auto first = static_cast<uint32_t>(args[2]);
    const auto out_ptr = static_cast<uint32_t>(args[3]);
    const auto out_cap = static_cast<uint32_t>(args[4]);
    auto i32 = [](int32_t v) { return std::vector<uint64_t>{static_cast<uint32_t>(v)}; };
    CRYFTTEE_ASSIGN_OR_RETURN(ByteSpan json, ctx.memory.Read(json_ptr, json_len));
    if (out_cap > kMaxJsonIndexRecords) return i32(kHostErrorTooLarge);
    const uint32_t out_bytes = out_cap * kJsonIndexRecordWords * 4;
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Read(out_ptr, out_bytes).status());
    ctx.fuel_charge = 1 + json_len / kJsonIndexBytesPerFuel;
    std::vector<JsonMember> members;
    const std::string_view text(reinterpret_cast<const char*>(json.data()), json.size());
    const size_t start = text.find_first_not_of(" \t\r\n");
    const bool array = start != std::string_view::npos && text[start] == '[';
    if (!(array ? ScanJsonArray(text, &members) : ScanJsonObject(text, &members))) {
      return i32(kHostErrorInvalid);
    }
    std::vector<uint8_t> out;
    out.reserve(out_bytes);
    auto put = [&out](uint32_t v) {
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    };
    for (size_t i = first; i < members.size() && i - first < out_cap; ++i) {
      const JsonMember& m = members[i];
      put(m.key_offset);
      put(m.key_len);
      put(m.value_offset);
      put(m.value_len);
      put(static_cast<uint32_t>(m.kind) | (m.key_escaped ? 0x100u : 0u) |
          (m.value_escaped ? 0x200u : 0u));
    }
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Write(out_ptr, out));
    if (members.size() > static_cast<size_t>(INT32_MAX)) return i32(kHostErrorTooLarge);
    return i32(static_cast<int32_t>(members.size()));
  };
  return f;
}

}  // namespace

std::vector<HostFunction> BaseHostFunctions() {
  return {Log(), NowMs(), RandomBytes(), JsonIndex()};
}

std::vector<HostFunction> SelectGranted(const std::vector<HostFunction>& available,
                                        const std::set<std::string>& grants) {
  std::vector<HostFunction> out;
  for (const HostFunction& f : available) {
    if (f.grant == kGrantNone || grants.count(f.grant) > 0) out.push_back(f);
  }
  return out;
}

std::vector<HostFunction> BaseHostFunctionsFor(const std::set<std::string>& grants) {
  return SelectGranted(BaseHostFunctions(), grants);
}

}  // namespace cryfttee::modules
