// Fuzzes the WASM loader: decoding and validation (InspectWasm), limit screening, fuel metering
// through wabt's IR, instantiation with a bounded start function (LoadModule), and, for inputs
// that load, a call to every export under tiny limits. The base host functions (log, now_ms,
// random_bytes) are granted; anything else is refused. Seeds: fuzz/corpus/wasm_loader/.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>

#include "modules/engine.h"
#include "modules/host_functions_base.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cryfttee;
  using namespace cryfttee::modules;
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);  // guest log lines would drown the fuzzer's output
    return true;
  }();
  (void)quiet;
  const ByteSpan wasm(data, size);
  Result<WasmInterface> iface = InspectWasm(wasm);

  Limits limits;
  limits.fuel_per_call = 20'000;
  limits.max_memory_pages = 4;
  limits.max_locals_per_function = 256;
  limits.max_output_bytes = 4096;
  limits.wall_time_ms = 500;
  limits.degraded_after_failures = 2;
  Result<std::shared_ptr<LoadedModule>> module = LoadModule(
      "fuzz", wasm, limits, BaseHostFunctionsFor({kGrantLog, kGrantClock, kGrantRandom}));
  if (!module.ok()) return 0;
  // Anything that loads also inspects.
  if (!iface.ok()) __builtin_trap();
  for (const std::string& name : iface->exports) {
    (void)(*module)->CallJson(name, R"({"fuzz":true})");
    (void)(*module)->CallJson(name, "");
  }
  (void)(*module)->health();
  return 0;
}
