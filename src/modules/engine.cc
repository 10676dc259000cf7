// engine.h implemented over the wabt bridge: adapts host functions to the bridge's C++17 types and
// keeps each module's health counters. All execution and sandboxing lives in wabt_engine.cc.
#include "modules/engine.h"

#include <utility>

#include "core/mutex.h"
#include "modules/engine_testing.h"
#include "modules/wabt_engine.h"

namespace cryfttee::modules {
namespace {

namespace wb = wabt_bridge;

// Every access is checked against the memory size captured at host-call entry; arithmetic is done
// in 64 bits so ptr + len cannot wrap.
class CheckedGuestMemory final : public GuestMemory {
 public:
  explicit CheckedGuestMemory(wb::RawMemory raw) : raw_(raw) {}

  Result<ByteSpan> Read(uint32_t ptr, uint32_t len) const override {
    if (!InBounds(ptr, len)) return OutOfBounds(ptr, len);
    return ByteSpan(raw_.data + ptr, len);
  }

  Status Write(uint32_t ptr, ByteSpan data) override {
    if (data.size() > UINT32_MAX || !InBounds(ptr, static_cast<uint32_t>(data.size()))) {
      return OutOfBounds(ptr, data.size());
    }
    if (!data.empty()) std::copy(data.begin(), data.end(), raw_.data + ptr);
    return Status::Ok();
  }

 private:
  bool InBounds(uint32_t ptr, uint32_t len) const {
    return raw_.data != nullptr && uint64_t{ptr} + uint64_t{len} <= raw_.size;
  }
  Status OutOfBounds(uint32_t ptr, uint64_t len) const {
    return Status::InvalidArgument(
        "bad_guest_pointer", "guest range [" + std::to_string(ptr) + ", +" + std::to_string(len) +
                                 ") is outside memory of " + std::to_string(raw_.size) + " bytes");
  }

  wb::RawMemory raw_;
};

wb::WasmType ToBridge(ValType t) {
  return t == ValType::kI32 ? wb::WasmType::kI32 : wb::WasmType::kI64;
}

std::vector<wb::WasmType> ToBridge(const std::vector<ValType>& types) {
  std::vector<wb::WasmType> out;
  out.reserve(types.size());
  for (ValType t : types) out.push_back(ToBridge(t));
  return out;
}

// The bridge's side of one host function: wraps guest memory in bounds checks, calls the host
// function and names it in any error. (A functor rather than a lambda: clang-format 14 cannot
// lay out a lambda with this many captures and a trailing return type.)
struct BridgedHostFunction {
  decltype(HostFunction::fn) fn;
  std::string name;
  std::shared_ptr<const std::string> module_id;

  Status operator()(wb::RawMemory raw, void* call_data, const std::vector<uint64_t>& args,
                    std::vector<uint64_t>* results, uint64_t* fuel_charge) const {
    CheckedGuestMemory memory(raw);
    HostCallContext ctx{memory, *module_id, call_data};
    Result<std::vector<uint64_t>> r = fn(ctx, std::span<const uint64_t>(args));
    *fuel_charge = ctx.fuel_charge;
    if (!r.ok()) return r.status().WithContext("host function " + name);
    *results = std::move(r).value();
    return Status::Ok();
  }
};

wb::HostImport Adapt(HostFunction hf, std::shared_ptr<const std::string> module_id) {
  wb::HostImport import;
  import.name = hf.name;
  import.params = ToBridge(hf.params);
  import.results = ToBridge(hf.results);
  import.fn = BridgedHostFunction{std::move(hf.fn), hf.name, std::move(module_id)};
  return import;
}

class WabtLoadedModule final : public LoadedModule {
 public:
  WabtLoadedModule(std::shared_ptr<const std::string> id, std::shared_ptr<wb::Program> program,
                   uint32_t degraded_after)
      : id_(std::move(id)), program_(std::move(program)), degraded_after_(degraded_after) {}

  const std::string& id() const override { return *id_; }

  Result<std::string> CallJson(std::string_view name, std::string_view request,
                               void* call_data) override {
    Result<std::string> r = wb::CallJson(*program_, name, request, call_data);
    MutexLock lock(&mu_);
    ++health_.calls;
    if (r.ok()) {
      health_.consecutive_failures = 0;
    } else if (r.status().code() != "no_such_export" &&
               r.status().code() != "export_signature_mismatch") {
      // Asking for an export that does not exist is the caller's mistake, not the module's.
      ++health_.failures;
      ++health_.consecutive_failures;
      health_.last_error = r.status().ToString();
    }
    health_.degraded =
        degraded_after_ > 0 && health_.consecutive_failures >= uint64_t{degraded_after_};
    return r;
  }

  ModuleHealth health() const override {
    MutexLock lock(&mu_);
    return health_;
  }

  const wb::Program& program() const { return *program_; }

 private:
  std::shared_ptr<const std::string> id_;
  std::shared_ptr<wb::Program> program_;
  uint32_t degraded_after_;
  mutable Mutex mu_;
  ModuleHealth health_ GUARDED_BY(mu_);
};

}  // namespace

Result<WasmInterface> InspectWasm(ByteSpan wasm) {
  CRYFTTEE_ASSIGN_OR_RETURN(wb::Inspection inspection, wb::Inspect(wasm.data(), wasm.size()));
  WasmInterface out;
  out.exports = std::move(inspection.exports);
  for (auto& [module, name] : inspection.imports) {
    out.imports.push_back(WasmInterface::Import{std::move(module), std::move(name)});
  }
  return out;
}

Result<std::shared_ptr<LoadedModule>> LoadModule(std::string id, ByteSpan wasm,
                                                 const Limits& limits,
                                                 std::vector<HostFunction> host_functions) {
  auto shared_id = std::make_shared<const std::string>(std::move(id));
  std::vector<wb::HostImport> imports;
  imports.reserve(host_functions.size());
  for (HostFunction& hf : host_functions) imports.push_back(Adapt(std::move(hf), shared_id));

  wb::EngineLimits engine_limits;
  engine_limits.fuel_per_call = limits.fuel_per_call;
  engine_limits.max_memory_pages = limits.max_memory_pages;
  engine_limits.max_locals_per_function = limits.max_locals_per_function;
  engine_limits.max_output_bytes = limits.max_output_bytes;
  engine_limits.max_request_bytes = limits.max_request_bytes;
  engine_limits.wall_time_ms = limits.wall_time_ms;

  Result<std::shared_ptr<wb::Program>> program =
      wb::Compile(wasm.data(), wasm.size(), engine_limits, std::move(imports));
  if (!program.ok()) return program.status().WithContext("loading module " + *shared_id);
  return std::shared_ptr<LoadedModule>(std::make_shared<WabtLoadedModule>(
      shared_id, std::move(program).value(), limits.degraded_after_failures));
}

namespace testing {

size_t MaxStoreObjectCount(const LoadedModule& module) {
  const auto* m = dynamic_cast<const WabtLoadedModule*>(&module);
  return m == nullptr ? 0 : wb::MaxStoreObjectCount(m->program());
}

size_t PooledInstanceCount(const LoadedModule& module) {
  const auto* m = dynamic_cast<const WabtLoadedModule*>(&module);
  return m == nullptr ? 0 : wb::PooledInstanceCount(m->program());
}

}  // namespace testing
}  // namespace cryfttee::modules
