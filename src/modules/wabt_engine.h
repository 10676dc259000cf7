// Internal to modules/: the boundary between engine.cc (C++20, implements engine.h) and
// wabt_engine.cc, the one translation unit that includes wabt's headers. That unit must be C++17
// (g++ 12 rejects wabt's headers as C++20) and libstdc++ hides std::span below C++20, so this
// header uses only C++17 types: raw pointer+size pairs instead of spans, and no core/bytes.h.
//
// Nothing outside modules/ includes this header; use engine.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace cryfttee::modules::wabt_bridge {

// Guest linear memory as seen during one host call. `data` is valid only until the host call
// returns (a later memory.grow may move it).
struct RawMemory {
  uint8_t* data = nullptr;
  uint64_t size = 0;
};

enum class WasmType { kI32, kI64 };

// A host function bound to an import `cryfttee.<name>`. Arguments arrive zero-extended to 64 bits;
// `results` must be filled with exactly results.size() values. A non-OK Status traps the guest.
// `*fuel_charge` (0 on entry) is the fuel the call costs beyond the guest's own instructions.
struct HostImport {
  std::string name;
  std::vector<WasmType> params;
  std::vector<WasmType> results;
  std::function<Status(RawMemory memory, void* call_data, const std::vector<uint64_t>& args,
                       std::vector<uint64_t>* results, uint64_t* fuel_charge)>
      fn;
};

struct EngineLimits {
  uint64_t fuel_per_call = 0;
  uint32_t max_memory_pages = 0;
  uint32_t max_locals_per_function = 0;
  uint32_t max_output_bytes = 0;
  uint32_t max_request_bytes = 0;
  uint32_t wall_time_ms = 0;
};

struct Inspection {
  std::vector<std::string> exports;
  std::vector<std::pair<std::string, std::string>> imports;  // (module, name)
};

// Decodes and validates without executing anything. Code "invalid_wasm".
Result<Inspection> Inspect(const uint8_t* data, size_t size);

// A validated, metered, limit-screened module plus its pool of instances. Thread-safe.
class Program;

// Codes: "invalid_wasm", "module_limit_exceeded", "import_not_granted", "abi_mismatch", and the
// call codes of CallJson when the start function or the ABI version probe fails.
Result<std::shared_ptr<Program>> Compile(const uint8_t* data, size_t size,
                                         const EngineLimits& limits,
                                         std::vector<HostImport> imports);

// The JSON call ABI (see docs/module-abi.md). Codes: "module_trap", "module_out_of_fuel",
// "module_timeout", "module_bad_output", "no_such_export", "export_signature_mismatch".
Result<std::string> CallJson(Program& program, std::string_view export_name,
                             std::string_view request, void* call_data);

// Test hooks: the largest object count of any pooled engine store, and the pool size.
size_t MaxStoreObjectCount(const Program& program);
size_t PooledInstanceCount(const Program& program);

}  // namespace cryfttee::modules::wabt_bridge
