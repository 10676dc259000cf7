// The engine-neutral interface to WebAssembly execution. Everything above modules/ sees only this
// header; the wabt interpreter is an implementation detail included in exactly one translation
// unit.
//
// Threading: a LoadedModule may be called from many threads at once. Implementations keep one
// engine store (with its own instances) per OS thread, because engine stores are not thread-safe.
// Failure model: any trap, fuel exhaustion or timeout poisons that thread's instance; it is
// discarded and re-instantiated before the next call, never reused.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::modules {

inline constexpr uint32_t kAbiVersion = 1;
inline constexpr const char* kImportNamespace = "cryfttee";

struct Limits {
  uint64_t fuel_per_call = 200'000'000;  // metered units (≈ instructions at loop heads/calls)
  uint32_t max_memory_pages = 256;       // 64 KiB pages: 16 MiB
  uint32_t max_locals_per_function = 4096;
  uint32_t max_output_bytes = 1 << 20;  // the module's answer
  // The JSON request. Raw bytes travel in base64 inside it (4/3 of their size): 2 MiB carries the
  // 1 MiB messages the gRPC signer accepts (docs/rpcsigner.md) with room for the other fields.
  // The daemon raises it to its HTTP body limit plus 64 KiB, since an API request body reaches
  // the module verbatim.
  uint32_t max_request_bytes = 2 << 20;
  uint32_t wall_time_ms = 5000;
  uint32_t degraded_after_failures = 5;  // consecutive failed calls before "degraded"
};

// A view of guest linear memory, valid only for the duration of one host call.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  // Fails (code "bad_guest_pointer") if [ptr, ptr+len) is not inside memory.
  virtual Result<ByteSpan> Read(uint32_t ptr, uint32_t len) const = 0;
  virtual Status Write(uint32_t ptr, ByteSpan data) = 0;
};

enum class ValType { kI32, kI64 };

struct HostCallContext {
  GuestMemory& memory;
  const std::string& module_id;
  void* call_data;  // opaque per-call pointer passed to LoadedModule::CallJson
  // Fuel units the host function adds to the call's bill, for work proportional to what the
  // guest hands it (kHostFuelPerByte-style rates): guest loops pay per iteration, so a host
  // function that scans guest bytes must pay too, or a loop of cheap calls could do unmetered
  // work between two wall-clock checks. Charged when the function returns; running out traps
  // the guest with module_out_of_fuel like any other exhaustion.
  uint64_t fuel_charge = 0;
};

// A function the host offers in the "cryfttee" import namespace. Values travel as uint64_t
// (i32 zero-extended). Returning a non-OK Status traps the guest with that message.
// Convention for returning bytes to the guest: the guest passes (out_ptr, out_cap); the host
// writes at most out_cap bytes and returns the full length (so a guest can retry with a larger
// buffer), or a negative error code as i32/i64.
struct HostFunction {
  std::string name;   // import name
  std::string grant;  // grant that enables it: "log", "clock", "random", "keyvault", "http", ...
  std::vector<ValType> params;
  std::vector<ValType> results;
  std::function<Result<std::vector<uint64_t>>(HostCallContext&, std::span<const uint64_t>)> fn;
};

// What a module binary declares, read without instantiating it.
struct WasmInterface {
  std::vector<std::string> exports;  // export names (functions and memory)
  struct Import {
    std::string module;
    std::string name;
  };
  std::vector<Import> imports;
};

// Decodes and validates the binary (no execution). Code "invalid_wasm".
Result<WasmInterface> InspectWasm(ByteSpan wasm);

struct ModuleHealth {
  uint64_t calls = 0;
  uint64_t failures = 0;
  uint64_t consecutive_failures = 0;
  bool degraded = false;
  std::string last_error;
};

class LoadedModule {
 public:
  virtual ~LoadedModule() = default;
  virtual const std::string& id() const = 0;
  // Calls export `name(ptr, len) -> i64 (ptr << 32 | len)` with `request` copied into guest memory
  // through cryfttee_alloc, and returns the bytes the guest points at (capped by max_output_bytes).
  // Codes: "request_too_large" (kTooLarge, above max_request_bytes), "module_trap",
  // "module_out_of_fuel", "module_timeout", "module_bad_output", "no_such_export".
  virtual Result<std::string> CallJson(std::string_view name, std::string_view request,
                                       void* call_data = nullptr) = 0;
  virtual ModuleHealth health() const = 0;
};

// Loads a module: screens limits (memory, locals), injects fuel metering, checks that every import
// is in `host_functions` (code "import_not_granted" otherwise), checks the ABI version export,
// and runs the start function under the same bounds.
Result<std::shared_ptr<LoadedModule>> LoadModule(std::string id, ByteSpan wasm,
                                                 const Limits& limits,
                                                 std::vector<HostFunction> host_functions);

}  // namespace cryfttee::modules
