// The only translation unit that includes wabt's headers (built as C++17; see CMakeLists.txt).
//
// How execution is bounded (see docs/module-abi.md and ../shared reference wasm-engine.md):
//
// * Fuel is injected into the module at load time through wabt's IR, the way blockchain runtimes
//   meter gas: a new mutable i64 global holds the fuel of the current chunk, and every function
//   entry and every loop header subtracts the static instruction count of the code it guards and,
//   when the global goes negative, calls a host import `cryfttee_internal.refuel`. This is
//   deterministic, touches no private member of wabt::interp and would carry over to wasm2c.
// * The per-call budget is handed out by `refuel` in chunks of kFuelChunk units. Each refuel also
//   reads the monotonic clock, so the wall-time cap is enforced at the same points: at most every
//   kFuelChunk units (about 0.1 ms of interpretation). We chose this over Thread::Run(n) because
//   that path needs the explicit-instantiation trick to reach Thread's private members.
//   refuel traps with a message and records why in the slot's CallState, so the caller can tell
//   out-of-fuel and timeout from an ordinary trap. Guest code cannot touch the fuel global: it is
//   appended after validation of the original module, whose code can only name older indices.
// * Memory: an initial size above the page cap is rejected, and the declared maximum is clamped
//   to the cap before Module::New, so memory.grow fails (returns -1) at the cap. Tables likewise.
// * Locals per function are capped before anything allocates them (a 39-byte module can declare
//   10^8 locals and exhaust host memory when called). Block nesting is capped, because wabt's IR
//   and our metering pass recurse over nested blocks.
// * The start function is removed from the ModuleDesc and run by us under fuel and deadline.
// * A Store is not thread-safe, so every instance lives in its own Store inside a Slot; slots are
//   pooled per module and checked out by one thread at a time. After any failure the slot's
//   Thread and Instance are discarded and re-instantiated on next use (never reused), and the
//   Store is collected, so repeated traps cannot grow it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

#include "core/mutex.h"
#include "modules/wabt_engine.h"
#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader-nop.h"
#include "wabt/binary-reader.h"
#include "wabt/binary-writer.h"
#include "wabt/cast.h"
#include "wabt/error-formatter.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"
#include "wabt/ir.h"
#include "wabt/stream.h"

namespace cryfttee::modules::wabt_bridge {

namespace wi = wabt::interp;

namespace {

constexpr char kImportNamespace[] = "cryfttee";
// Not reachable by guests: every guest import must be in kImportNamespace, checked before the
// metering import is added.
constexpr char kMeterNamespace[] = "cryfttee_internal";
constexpr char kMeterRefuel[] = "refuel";

constexpr int64_t kFuelChunk = 10'000;
// Instructions in one injected check (see MakeCheck); charged too, so a unit stays close to one
// executed instruction even in tight loops.
constexpr uint64_t kCheckCost = 8;
constexpr uint32_t kMaxBlockNesting = 1024;
constexpr uint64_t kMaxTableElements = 100'000;
constexpr size_t kMaxIdleSlots = 8;
constexpr uint64_t kCollectEveryCalls = 256;

const char kExportMemory[] = "memory";
const char kExportAbiVersion[] = "cryfttee_abi_version";
const char kExportAlloc[] = "cryfttee_alloc";
const char kExportFree[] = "cryfttee_free";
constexpr uint32_t kAbiVersion = 1;

using Clock = std::chrono::steady_clock;

wabt::ReadBinaryOptions ReaderOptions() {
  // wabt's default feature set (MVP plus mutable globals, sign extension, saturating
  // conversions, multi-value, bulk memory, reference types and SIMD). Custom sections are
  // ignored; debug names are not read.
  return wabt::ReadBinaryOptions(wabt::Features{}, nullptr, /*read_debug_names=*/false,
                                 /*stop_on_first_error=*/true,
                                 /*fail_on_custom_section_error=*/false);
}

Status LimitExceeded(const std::string& message) {
  return Status::InvalidArgument("module_limit_exceeded", message);
}

// Reads an unsigned LEB128 of at most 32 bits at data[*pos], bounded by `end`.
bool ReadU32Leb(const uint8_t* data, size_t end, size_t* pos, uint32_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (*pos >= end) return false;
    const uint8_t b = data[(*pos)++];
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      if (v > UINT32_MAX) return false;
      *out = static_cast<uint32_t>(v);
      return true;
    }
  }
  return false;
}

// wabt bounds every vector count by the bytes left in its section, except the data-count
// section's single value, which its reader reserves memory for before anything checks it
// against the data section: a 70-byte module asked for a 300 GB reservation (found by
// wasm_loader_fuzzer). Each data segment takes at least two bytes, so a true count never
// exceeds half the bytes after the data-count section. Anything malformed here is left for
// wabt to reject with its own message.
Status ScreenDataCount(const uint8_t* data, size_t size) {
  constexpr uint8_t kDataCountSection = 12;
  size_t pos = 8;  // magic and version
  while (pos < size) {
    const uint8_t id = data[pos++];
    uint32_t len = 0;
    if (!ReadU32Leb(data, size, &pos, &len) || len > size - pos) return Status::Ok();
    const size_t section_end = pos + len;
    if (id == kDataCountSection) {
      uint32_t count = 0;
      if (ReadU32Leb(data, section_end, &pos, &count) && count > (size - section_end) / 2) {
        return Status::InvalidArgument("invalid_wasm",
                                       "data count " + std::to_string(count) +
                                           " is more than the rest of the module can hold");
      }
    }
    pos = section_end;
  }
  return Status::Ok();
}

Result<wi::ModuleDesc> Decode(const uint8_t* data, size_t size) {
  CRYFTTEE_RETURN_IF_ERROR(ScreenDataCount(data, size));
  wabt::Errors errors;
  wi::ModuleDesc desc;
  if (wabt::Failed(
          wi::ReadBinaryInterp("module.wasm", data, size, ReaderOptions(), &errors, &desc))) {
    std::string detail = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    return Status::InvalidArgument("invalid_wasm", detail.empty() ? "malformed module" : detail);
  }
  return desc;
}

std::string TypeName(wabt::Type t) { return t.GetName(); }

std::string Signature(const wi::FuncType& ft) {
  std::string s = "(";
  for (size_t i = 0; i < ft.params.size(); ++i) s += (i ? ", " : "") + TypeName(ft.params[i]);
  s += ") -> (";
  for (size_t i = 0; i < ft.results.size(); ++i) s += (i ? ", " : "") + TypeName(ft.results[i]);
  return s + ")";
}

wabt::Type ToWabt(WasmType t) { return t == WasmType::kI32 ? wabt::Type::I32 : wabt::Type::I64; }

wi::FuncType ToFuncType(const std::vector<WasmType>& params, const std::vector<WasmType>& results) {
  wi::ValueTypes p, r;
  for (WasmType t : params) p.push_back(ToWabt(t));
  for (WasmType t : results) r.push_back(ToWabt(t));
  return wi::FuncType(p, r);
}

bool SameSignature(const wi::FuncType& a, const wi::FuncType& b) {
  return a.params == b.params && a.results == b.results;
}

// ---------------------------------------------------------------------------------------------
// Screening of the original module.

// Measures block nesting without building any tree, so it cannot itself recurse.
class NestingMeter : public wabt::BinaryReaderNop {
 public:
  uint32_t max_depth() const { return max_depth_; }

  // Handled: only the reader's result matters here (unhandled errors go to stderr).
  bool OnError(const wabt::Error&) override { return true; }

  wabt::Result BeginFunctionBody(wabt::Index, wabt::Offset) override {
    depth_ = 0;
    return wabt::Result::Ok;
  }
  wabt::Result OnBlockExpr(wabt::Type) override { return Enter(); }
  wabt::Result OnLoopExpr(wabt::Type) override { return Enter(); }
  wabt::Result OnIfExpr(wabt::Type) override { return Enter(); }
  wabt::Result OnTryExpr(wabt::Type) override { return Enter(); }
  wabt::Result OnEndExpr() override {
    if (depth_ > 0) --depth_;
    return wabt::Result::Ok;
  }

 private:
  wabt::Result Enter() {
    max_depth_ = std::max(max_depth_, ++depth_);
    return wabt::Result::Ok;
  }
  uint32_t depth_ = 0;
  uint32_t max_depth_ = 0;
};

Status ScreenNesting(const uint8_t* data, size_t size) {
  NestingMeter meter;
  if (wabt::Failed(wabt::ReadBinary(data, size, &meter, ReaderOptions()))) {
    return Status::InvalidArgument("invalid_wasm", "malformed module");
  }
  if (meter.max_depth() > kMaxBlockNesting) {
    return LimitExceeded("blocks nest " + std::to_string(meter.max_depth()) +
                         " deep; the limit is " + std::to_string(kMaxBlockNesting));
  }
  return Status::Ok();
}

Status ScreenLimits(const wi::ModuleDesc& desc, const EngineLimits& limits) {
  const size_t func_imports = std::count_if(
      desc.imports.begin(), desc.imports.end(),
      [](const wi::ImportDesc& i) { return i.type.type->kind == wi::ExternKind::Func; });
  for (size_t i = 0; i < desc.funcs.size(); ++i) {
    uint64_t locals = desc.funcs[i].type.params.size();
    for (const wi::LocalDesc& l : desc.funcs[i].locals) locals += l.count;
    if (locals > limits.max_locals_per_function) {
      return LimitExceeded("function " + std::to_string(func_imports + i) + " declares " +
                           std::to_string(locals) + " locals; the limit is " +
                           std::to_string(limits.max_locals_per_function));
    }
  }
  if (desc.memories.size() > 1) return LimitExceeded("more than one memory");
  for (const wi::MemoryDesc& m : desc.memories) {
    if (m.type.limits.initial > limits.max_memory_pages) {
      return LimitExceeded("memory starts at " + std::to_string(m.type.limits.initial) +
                           " pages; the limit is " + std::to_string(limits.max_memory_pages));
    }
  }
  for (const wi::TableDesc& t : desc.tables) {
    if (t.type.limits.initial > kMaxTableElements) {
      return LimitExceeded("a table starts with " + std::to_string(t.type.limits.initial) +
                           " elements; the limit is " + std::to_string(kMaxTableElements));
    }
  }
  return Status::Ok();
}

// Every import must be a function in the "cryfttee" namespace, granted, with the host's exact
// signature. Returns, for each import in order, the index of its HostImport.
Result<std::vector<size_t>> BindImports(const wi::ModuleDesc& desc,
                                        const std::vector<HostImport>& granted) {
  std::vector<size_t> binding;
  for (const wi::ImportDesc& import : desc.imports) {
    const std::string full = import.type.module + "." + import.type.name;
    auto refuse = [&](const std::string& why) {
      return Status::Error(StatusCategory::kPermissionDenied, "import_not_granted",
                           "import " + full + " " + why);
    };
    if (import.type.module != kImportNamespace) {
      return refuse(std::string("is outside the \"") + kImportNamespace + "\" namespace");
    }
    const auto* func_type = wabt::dyn_cast<wi::FuncType>(import.type.type.get());
    if (func_type == nullptr) return refuse("is not a function");
    auto it = std::find_if(granted.begin(), granted.end(),
                           [&](const HostImport& h) { return h.name == import.type.name; });
    if (it == granted.end()) return refuse("is not granted to this module");
    wi::FuncType host_type = ToFuncType(it->params, it->results);
    if (!SameSignature(host_type, *func_type)) {
      return refuse("has signature " + Signature(*func_type) + " but the host function is " +
                    Signature(host_type));
    }
    binding.push_back(static_cast<size_t>(it - granted.begin()));
  }
  return binding;
}

// ---------------------------------------------------------------------------------------------
// Fuel metering, written into the module through wabt's IR.

class Meterer {
 public:
  Meterer(wabt::Index fuel_global, wabt::Index refuel_func, wabt::Index first_shifted_func)
      : fuel_global_(fuel_global),
        refuel_func_(refuel_func),
        first_shifted_func_(first_shifted_func) {}

  // Instruments a function body: nested loops first, then the entry check.
  void MeterFunction(wabt::Func& func) {
    Walk(func.exprs);
    uint64_t cost = RegionCost(func.exprs) + func.local_types.size() + kCheckCost;
    func.exprs.splice(func.exprs.begin(), MakeCheck(cost));
  }

  // Shifts function indices at or above the inserted import in a constant expression.
  void Renumber(wabt::ExprList& exprs) { Walk(exprs, /*meter_loops=*/false); }

  void Renumber(wabt::Var& var) {
    if (var.is_index() && var.index() >= first_shifted_func_) var.set_index(var.index() + 1);
  }

 private:
  // Static instruction count of a region, without the bodies of nested loops: those pay at
  // their own header. Blocks and ifs are counted in full, so the charge is an upper bound.
  static uint64_t RegionCost(const wabt::ExprList& exprs) {
    uint64_t cost = 0;
    for (const wabt::Expr& e : exprs) {
      ++cost;
      switch (e.type()) {
        case wabt::ExprType::Block:
          cost += RegionCost(wabt::cast<wabt::BlockExpr>(&e)->block.exprs);
          break;
        case wabt::ExprType::If: {
          const auto* x = wabt::cast<wabt::IfExpr>(&e);
          cost += RegionCost(x->true_.exprs) + RegionCost(x->false_);
          break;
        }
        case wabt::ExprType::Try: {
          const auto* x = wabt::cast<wabt::TryExpr>(&e);
          cost += RegionCost(x->block.exprs);
          for (const wabt::Catch& c : x->catches) cost += RegionCost(c.exprs);
          break;
        }
        default:
          break;
      }
    }
    return cost;
  }

  void Walk(wabt::ExprList& exprs, bool meter_loops = true) {
    for (wabt::Expr& e : exprs) {
      switch (e.type()) {
        case wabt::ExprType::Call:
          Renumber(wabt::cast<wabt::CallExpr>(&e)->var);
          break;
        case wabt::ExprType::ReturnCall:
          Renumber(wabt::cast<wabt::ReturnCallExpr>(&e)->var);
          break;
        case wabt::ExprType::RefFunc:
          Renumber(wabt::cast<wabt::RefFuncExpr>(&e)->var);
          break;
        case wabt::ExprType::Block:
          Walk(wabt::cast<wabt::BlockExpr>(&e)->block.exprs, meter_loops);
          break;
        case wabt::ExprType::If: {
          auto* x = wabt::cast<wabt::IfExpr>(&e);
          Walk(x->true_.exprs, meter_loops);
          Walk(x->false_, meter_loops);
          break;
        }
        case wabt::ExprType::Try: {
          auto* x = wabt::cast<wabt::TryExpr>(&e);
          Walk(x->block.exprs, meter_loops);
          for (wabt::Catch& c : x->catches) Walk(c.exprs, meter_loops);
          break;
        }
        case wabt::ExprType::Loop: {
          wabt::ExprList& body = wabt::cast<wabt::LoopExpr>(&e)->block.exprs;
          Walk(body, meter_loops);
          if (meter_loops) body.splice(body.begin(), MakeCheck(RegionCost(body) + kCheckCost));
          break;
        }
        default:
          break;
      }
    }
  }

  // fuel -= cost; if (fuel < 0) refuel();
  wabt::ExprList MakeCheck(uint64_t cost) const {
    const wabt::Location loc;
    wabt::ExprList check;
    check.push_back(std::make_unique<wabt::GlobalGetExpr>(wabt::Var(fuel_global_, loc)));
    check.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(cost)));
    check.push_back(std::make_unique<wabt::BinaryExpr>(wabt::Opcode::I64Sub));
    check.push_back(std::make_unique<wabt::GlobalSetExpr>(wabt::Var(fuel_global_, loc)));
    check.push_back(std::make_unique<wabt::GlobalGetExpr>(wabt::Var(fuel_global_, loc)));
    check.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(0)));
    check.push_back(std::make_unique<wabt::CompareExpr>(wabt::Opcode::I64LtS));
    auto if_expr = std::make_unique<wabt::IfExpr>();
    if_expr->true_.exprs.push_back(std::make_unique<wabt::CallExpr>(wabt::Var(refuel_func_, loc)));
    check.push_back(std::move(if_expr));
    return check;
  }

  wabt::Index fuel_global_;
  wabt::Index refuel_func_;
  wabt::Index first_shifted_func_;
};

// Returns the metered binary. The original must already be validated and screened.
Result<std::vector<uint8_t>> InjectMetering(const uint8_t* data, size_t size) {
  wabt::Module module;
  wabt::Errors errors;
  if (wabt::Failed(
          wabt::ReadBinaryIr("module.wasm", data, size, ReaderOptions(), &errors, &module))) {
    return Status::InvalidArgument(
        "invalid_wasm", wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary));
  }
  const wabt::Location loc;

  // () -> () for the refuel import; appended, so no type index moves.
  auto type_field = std::make_unique<wabt::TypeModuleField>();
  type_field->type = std::make_unique<wabt::FuncType>();
  module.AppendField(std::move(type_field));
  const wabt::Index refuel_type = static_cast<wabt::Index>(module.types.size() - 1);

  // The fuel global is appended after every existing global, so no global index moves.
  auto global_field = std::make_unique<wabt::GlobalModuleField>();
  global_field->global.type = wabt::Type::I64;
  global_field->global.mutable_ = true;
  global_field->global.init_expr.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(0)));
  module.AppendField(std::move(global_field));
  const wabt::Index fuel_global = static_cast<wabt::Index>(module.globals.size() - 1);

  // The refuel import becomes the last imported function. Module::AppendField would put it after
  // the defined functions in `funcs`, so it is inserted by hand; every function index at or above
  // it shifts by one and is renumbered below.
  const wabt::Index refuel_func = module.num_func_imports;
  auto import = std::make_unique<wabt::FuncImport>();
  import->module_name = kMeterNamespace;
  import->field_name = kMeterRefuel;
  import->func.decl.has_func_type = true;
  import->func.decl.type_var = wabt::Var(refuel_type, loc);
  wabt::Func* refuel = &import->func;
  module.imports.push_back(import.get());
  module.funcs.insert(module.funcs.begin() + refuel_func, refuel);
  ++module.num_func_imports;
  module.fields.push_back(std::make_unique<wabt::ImportModuleField>(std::move(import), loc));

  Meterer meterer(fuel_global, refuel_func, refuel_func);
  for (size_t i = module.num_func_imports; i < module.funcs.size(); ++i) {
    meterer.MeterFunction(*module.funcs[i]);
  }
  for (wabt::Global* g : module.globals) meterer.Renumber(g->init_expr);
  for (wabt::ElemSegment* seg : module.elem_segments) {
    meterer.Renumber(seg->offset);
    for (wabt::ExprList& e : seg->elem_exprs) meterer.Renumber(e);
  }
  for (wabt::DataSegment* seg : module.data_segments) meterer.Renumber(seg->offset);
  for (wabt::Export* e : module.exports) {
    if (e->kind == wabt::ExternalKind::Func) meterer.Renumber(e->var);
  }
  for (wabt::Var* start : module.starts) meterer.Renumber(*start);

  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options;
  write_options.features = wabt::Features{};
  write_options.canonicalize_lebs = true;
  write_options.relocatable = false;
  write_options.write_debug_names = false;
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, &module, write_options))) {
    return Status::Internal("metering_failed", "could not re-encode the metered module");
  }
  return std::move(stream.output_buffer().data);
}

// ---------------------------------------------------------------------------------------------
// Execution.

enum class Abort { kNone, kOutOfFuel, kTimeout };

struct CallState {
  uint64_t remaining = 0;  // budget not yet handed to the fuel global
  Clock::time_point deadline;
  Abort abort = Abort::kNone;
  void* call_data = nullptr;
};

struct ExportInfo {
  wabt::Index index;  // into Instance::exports()
  wi::ExternKind kind;
  std::optional<wi::FuncType> type;
};

}  // namespace

class Slot;

class Program {
 public:
  EngineLimits limits;
  wi::ModuleDesc desc;  // metered, memory clamped, start removed
  std::optional<wabt::Index> start_func;
  wabt::Index fuel_global = 0;
  std::vector<HostImport> host_imports;
  std::vector<size_t> import_binding;  // desc.imports[i] -> host_imports index; SIZE_MAX = refuel
  std::map<std::string, ExportInfo, std::less<>> exports;
  // The ABI exports, resolved once (CheckAbiExports guarantees they exist).
  ExportInfo abi_version{}, alloc{}, free{};

  std::unique_ptr<Slot> Checkout();
  void Return(std::unique_ptr<Slot> slot);
  size_t MaxObjectCount() const;
  size_t IdleCount() const;

 private:
  mutable cryfttee::Mutex mu_;
  std::vector<std::unique_ptr<Slot>> idle_ GUARDED_BY(mu_);
};

namespace {

std::vector<uint64_t> ToU64(const wi::FuncType& type, const wi::Values& values) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < type.params.size(); ++i) {
    if (type.params[i] == wabt::Type::I32) {
      out.push_back(values[i].Get<uint32_t>());
    } else {
      out.push_back(values[i].Get<uint64_t>());
    }
  }
  return out;
}

}  // namespace

// One Store with one instance of one module. Used by one thread at a time.
class Slot {
 public:
  explicit Slot(const Program& program) : program_(program) {
    module_ = wi::Module::New(store_, program.desc);
    for (size_t i = 0; i < program.desc.imports.size(); ++i) {
      size_t b = program.import_binding[i];
      host_funcs_.push_back(b == SIZE_MAX ? MakeRefuel() : MakeHostFunc(program.host_imports[b]));
    }
  }

  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  size_t object_count() const { return store_.object_count(); }

  // Instantiates if the previous instance was discarded, running the start function bounded.
  Status EnsureInstance() {
    if (instance_) return Status::Ok();
    wi::RefVec imports;
    for (const wi::HostFunc::Ptr& f : host_funcs_) imports.push_back(f.ref());
    thread_ = std::make_unique<wi::Thread>(store_);
    wi::Trap::Ptr trap;
    wi::Instance::Ptr instance = wi::Instance::Instantiate(store_, module_.ref(), imports, &trap);
    if (!instance) {
      Discard();
      return Status::Error(StatusCategory::kUpstream, "module_trap",
                           "instantiation failed: " + (trap ? trap->message() : "unknown"));
    }
    instance_ = instance;
    if (!instance_->memories().empty()) {
      memory_ = store_.UnsafeGet<wi::Memory>(instance_->memories()[0]);
    }
    fuel_ = store_.UnsafeGet<wi::Global>(instance_->globals()[program_.fuel_global]);
    if (program_.start_func) {
      BeginCall(nullptr);
      wi::Func::Ptr start = store_.UnsafeGet<wi::Func>(instance_->funcs()[*program_.start_func]);
      wi::Values results;
      CRYFTTEE_RETURN_IF_ERROR(Invoke(start, {}, &results).WithContext("start function"));
    }
    return Status::Ok();
  }

  // Resets fuel and deadline for one host-level call (which may make several guest calls).
  void BeginCall(void* call_data) {
    call_.remaining = program_.limits.fuel_per_call;
    call_.deadline = Clock::now() + std::chrono::milliseconds(program_.limits.wall_time_ms);
    call_.abort = Abort::kNone;
    call_.call_data = call_data;
    int64_t first = static_cast<int64_t>(std::min<uint64_t>(call_.remaining, kFuelChunk));
    call_.remaining -= static_cast<uint64_t>(first);
    fuel_->UnsafeSet(wi::Value::Make(first));
  }

  wi::Func::Ptr ExportedFunc(const ExportInfo& info) {
    return store_.UnsafeGet<wi::Func>(instance_->exports()[info.index]);
  }

  // Calls a guest function. On any failure the instance is discarded.
  Status Invoke(const wi::Func::Ptr& func, const wi::Values& params, wi::Values* results) {
    wi::Trap::Ptr trap;
    if (wabt::Succeeded(func->Call(*thread_, params, *results, &trap))) return Status::Ok();
    Status failure;
    switch (call_.abort) {
      case Abort::kOutOfFuel:
        failure = Status::Error(
            StatusCategory::kUpstream, "module_out_of_fuel",
            "the call used its fuel budget of " + std::to_string(program_.limits.fuel_per_call));
        break;
      case Abort::kTimeout:
        failure = Status::Error(
            StatusCategory::kUpstream, "module_timeout",
            "the call ran longer than " + std::to_string(program_.limits.wall_time_ms) + " ms");
        break;
      case Abort::kNone:
        failure = Status::Error(StatusCategory::kUpstream, "module_trap",
                                trap ? trap->message() : std::string("trap"));
        break;
    }
    // The trap roots its stack trace, and through it the dead instance: drop it before collecting.
    trap.reset();
    Discard();
    return failure;
  }

  // Never reuse a Thread or Instance after a failure: their frames, memory and shadow-stack
  // pointer may be mid-update. The dead instance is collected in Settle().
  void Discard() {
    thread_.reset();
    fuel_.reset();
    memory_.reset();
    instance_.reset();
    must_collect_ = true;
  }

  void NoteCallDone() {
    if (++calls_since_collect_ >= kCollectEveryCalls) must_collect_ = true;
  }

  // Runs when the slot goes back to the pool, once the call's own references into the store
  // (exported Func pointers, traps) are gone; collecting earlier would keep the dead instance
  // alive through them. After a failure this frees the old instance, its memory and the trap.
  void Settle() {
    if (!must_collect_) return;
    store_.Collect();
    must_collect_ = false;
    calls_since_collect_ = 0;
  }

  wi::Memory* memory() { return memory_ ? memory_.get() : nullptr; }

 private:
  RawMemory Raw() {
    if (!memory_) return RawMemory{};
    return RawMemory{memory_->UnsafeData(), memory_->ByteSize()};
  }

  wi::HostFunc::Ptr MakeHostFunc(const HostImport& host) {
    wi::FuncType type = ToFuncType(host.params, host.results);
    return wi::HostFunc::New(
        store_, type,
        [this, &host, type](wi::Thread& thread, const wi::Values& params, wi::Values& results,
                            wi::Trap::Ptr* out_trap) -> wabt::Result {
          Status status;
          std::vector<uint64_t> out;
          uint64_t charge = 0;
          // The wall-time cap bounds the guest's own running time. A host function that waits
          // (the "http" grant waits on a remote signer) bounds its wait itself, so the time spent
          // inside it moves the deadline instead of counting against the guest.
          {
            const auto host_started = Clock::now();
            struct ExtendDeadline {
              CallState& call;
              Clock::time_point started;
              ~ExtendDeadline() { call.deadline += Clock::now() - started; }
            } extend{call_, host_started};
            try {
              status = host.fn(Raw(), call_.call_data, ToU64(type, params), &out, &charge);
              if (status.ok() && out.size() != type.results.size()) {
                status = Status::Internal("host_function_bug",
                                          "host function " + host.name + " returned " +
                                              std::to_string(out.size()) + " values");
              }
            } catch (const std::exception& e) {
              status = Status::Internal("host_function_exception", e.what());
            } catch (...) {
              status = Status::Internal("host_function_exception", "unknown exception");
            }
          }  // the deadline has moved past the host's own time before the bill is checked
          if (!status.ok()) {
            *out_trap = wi::Trap::New(thread.store(), status.ToString());
            return wabt::Result::Error;
          }
          if (charge > 0 && !Charge(charge, thread, out_trap)) return wabt::Result::Error;
          results.resize(type.results.size());
          for (size_t i = 0; i < out.size(); ++i) {
            results[i] = type.results[i] == wabt::Type::I32
                             ? wi::Value::Make(static_cast<uint32_t>(out[i]))
                             : wi::Value::Make(static_cast<uint64_t>(out[i]));
          }
          return wabt::Result::Ok;
        });
  }

  // Takes `units` from the fuel global (a host function's bill) and tops it up from the call's
  // budget like refuel does; false (with the trap set) when the budget or the time is spent.
  bool Charge(uint64_t units, wi::Thread& thread, wi::Trap::Ptr* out_trap) {
    const uint64_t cap = uint64_t{1} << 62;  // far above any budget; keeps the int64 exact
    int64_t fuel = fuel_->Get().Get<int64_t>() - static_cast<int64_t>(std::min(units, cap));
    fuel_->UnsafeSet(wi::Value::Make(fuel));
    return fuel >= 0 || Refuel(thread, out_trap);
  }

  // Hands out the next chunks of the call's budget until the fuel global is non-negative, or
  // stops the guest when the budget or the wall time is spent.
  bool Refuel(wi::Thread& thread, wi::Trap::Ptr* out_trap) {
    if (Clock::now() > call_.deadline) {
      call_.abort = Abort::kTimeout;
      *out_trap = wi::Trap::New(thread.store(), "wall-time limit exceeded");
      return false;
    }
    int64_t fuel = fuel_->Get().Get<int64_t>();
    if (fuel < 0) {
      // Whole chunks, as many as cover the deficit (one, unless a host function billed more).
      const uint64_t need = static_cast<uint64_t>(-fuel);
      const uint64_t chunks = (need + kFuelChunk - 1) / kFuelChunk;
      const uint64_t give = std::min<uint64_t>(call_.remaining, chunks * kFuelChunk);
      call_.remaining -= give;
      if (give < need) {
        call_.abort = Abort::kOutOfFuel;
        *out_trap = wi::Trap::New(thread.store(), "out of fuel");
        return false;
      }
      fuel += static_cast<int64_t>(give);
    }
    fuel_->UnsafeSet(wi::Value::Make(fuel));
    return true;
  }

  // The metering import: every injected check calls it when the fuel global goes negative.
  wi::HostFunc::Ptr MakeRefuel() {
    return wi::HostFunc::New(store_, wi::FuncType({}, {}),
                             [this](wi::Thread& thread, const wi::Values&, wi::Values&,
                                    wi::Trap::Ptr* out_trap) -> wabt::Result {
                               return Refuel(thread, out_trap) ? wabt::Result::Ok
                                                               : wabt::Result::Error;
                             });
  }

  const Program& program_;
  // Declared first so that it is destroyed last: every RefPtr below points into it.
  wi::Store store_;
  wi::Module::Ptr module_;
  std::vector<wi::HostFunc::Ptr> host_funcs_;
  std::unique_ptr<wi::Thread> thread_;
  wi::Instance::Ptr instance_;
  wi::Memory::Ptr memory_;
  wi::Global::Ptr fuel_;
  CallState call_;
  uint64_t calls_since_collect_ = 0;
  bool must_collect_ = false;
};

std::unique_ptr<Slot> Program::Checkout() {
  {
    cryfttee::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Slot> slot = std::move(idle_.back());
      idle_.pop_back();
      return slot;
    }
  }
  return std::make_unique<Slot>(*this);
}

void Program::Return(std::unique_ptr<Slot> slot) {
  {
    cryfttee::MutexLock lock(&mu_);
    if (idle_.size() < kMaxIdleSlots) {
      idle_.push_back(std::move(slot));
      return;
    }
  }
  // The pool is full: the slot (and its Store) is destroyed here, outside the lock.
}

size_t Program::MaxObjectCount() const {
  cryfttee::MutexLock lock(&mu_);
  size_t max = 0;
  for (const auto& slot : idle_) max = std::max(max, slot->object_count());
  return max;
}

size_t Program::IdleCount() const {
  cryfttee::MutexLock lock(&mu_);
  return idle_.size();
}

namespace {

// Returns the slot to the pool when the call ends, however it ends.
class SlotLease {
 public:
  explicit SlotLease(Program& program) : program_(program), slot_(program.Checkout()) {}
  ~SlotLease() {
    slot_->Settle();
    program_.Return(std::move(slot_));
  }
  Slot& operator*() { return *slot_; }
  Slot* operator->() { return slot_.get(); }

 private:
  Program& program_;
  std::unique_ptr<Slot> slot_;
};

Status AbiMismatch(const std::string& message) {
  return Status::InvalidArgument("abi_mismatch", message);
}

Status CheckAbiExports(const Program& program) {
  auto require_func = [&](const char* name, const wi::FuncType& want) -> Status {
    auto it = program.exports.find(name);
    if (it == program.exports.end() || it->second.kind != wi::ExternKind::Func) {
      return AbiMismatch(std::string("missing function export ") + name);
    }
    if (!SameSignature(*it->second.type, want)) {
      return AbiMismatch(std::string("export ") + name + " has signature " +
                         Signature(*it->second.type) + "; ABI v1 wants " + Signature(want));
    }
    return Status::Ok();
  };
  auto memory = program.exports.find(kExportMemory);
  if (memory == program.exports.end() || memory->second.kind != wi::ExternKind::Memory) {
    return AbiMismatch("missing memory export \"memory\"");
  }
  CRYFTTEE_RETURN_IF_ERROR(require_func(kExportAbiVersion, wi::FuncType({}, {wabt::Type::I32})));
  CRYFTTEE_RETURN_IF_ERROR(
      require_func(kExportAlloc, wi::FuncType({wabt::Type::I32}, {wabt::Type::I32})));
  CRYFTTEE_RETURN_IF_ERROR(
      require_func(kExportFree, wi::FuncType({wabt::Type::I32, wabt::Type::I32}, {})));
  return Status::Ok();
}

Status BadOutput(const std::string& message) {
  return Status::Error(StatusCategory::kUpstream, "module_bad_output", message);
}

// The body of CallJson once a slot with a live instance is leased.
Result<std::string> CallOnSlot(Program& program, Slot& slot, const ExportInfo& target,
                               std::string_view request, void* call_data) {
  slot.BeginCall(call_data);
  wi::Func::Ptr alloc = slot.ExportedFunc(program.alloc);
  wi::Func::Ptr free = slot.ExportedFunc(program.free);
  wi::Func::Ptr func = slot.ExportedFunc(target);

  const uint32_t req_len = static_cast<uint32_t>(request.size());
  wi::Values results;
  CRYFTTEE_RETURN_IF_ERROR(
      slot.Invoke(alloc, {wi::Value::Make(req_len)}, &results).WithContext(kExportAlloc));
  const uint32_t req_ptr = results[0].Get<uint32_t>();
  wi::Memory* memory = slot.memory();
  if (memory == nullptr || !memory->IsValidAccess(req_ptr, 0, req_len) ||
      (req_len > 0 && req_ptr == 0)) {
    slot.Discard();
    return BadOutput("cryfttee_alloc(" + std::to_string(req_len) + ") returned " +
                     std::to_string(req_ptr) + ", which is not a usable buffer");
  }
  std::copy(request.begin(), request.end(), memory->UnsafeData() + req_ptr);

  results.clear();
  CRYFTTEE_RETURN_IF_ERROR(
      slot.Invoke(func, {wi::Value::Make(req_ptr), wi::Value::Make(req_len)}, &results));
  const uint64_t packed = results[0].Get<uint64_t>();
  const uint32_t out_ptr = static_cast<uint32_t>(packed >> 32);
  const uint32_t out_len = static_cast<uint32_t>(packed);
  memory = slot.memory();  // the call may have grown (and moved) memory
  if (out_len > program.limits.max_output_bytes) {
    slot.Discard();
    return BadOutput("output of " + std::to_string(out_len) + " bytes exceeds the cap of " +
                     std::to_string(program.limits.max_output_bytes));
  }
  if (!memory->IsValidAccess(out_ptr, 0, out_len)) {
    slot.Discard();
    return BadOutput("output [" + std::to_string(out_ptr) + ", +" + std::to_string(out_len) +
                     ") lies outside memory of " + std::to_string(memory->ByteSize()) + " bytes");
  }
  std::string out(reinterpret_cast<const char*>(memory->UnsafeData()) + out_ptr, out_len);

  results.clear();
  CRYFTTEE_RETURN_IF_ERROR(
      slot.Invoke(free, {wi::Value::Make(req_ptr), wi::Value::Make(req_len)}, &results)
          .WithContext(kExportFree));
  CRYFTTEE_RETURN_IF_ERROR(
      slot.Invoke(free, {wi::Value::Make(out_ptr), wi::Value::Make(out_len)}, &results)
          .WithContext(kExportFree));
  slot.NoteCallDone();
  return out;
}

Result<const ExportInfo*> FindCallable(const Program& program, std::string_view name) {
  auto it = program.exports.find(name);
  if (it == program.exports.end() || it->second.kind != wi::ExternKind::Func) {
    return Status::NotFound("no_such_export",
                            "the module has no function export \"" + std::string(name) + "\"");
  }
  const wi::FuncType want({wabt::Type::I32, wabt::Type::I32}, {wabt::Type::I64});
  if (!SameSignature(*it->second.type, want)) {
    return Status::InvalidArgument("export_signature_mismatch",
                                   "export " + std::string(name) + " has signature " +
                                       Signature(*it->second.type) + "; calls need " +
                                       Signature(want));
  }
  return &it->second;
}

}  // namespace

Result<Inspection> Inspect(const uint8_t* data, size_t size) {
  CRYFTTEE_ASSIGN_OR_RETURN(wi::ModuleDesc desc, Decode(data, size));
  Inspection out;
  for (const wi::ExportDesc& e : desc.exports) out.exports.push_back(e.type.name);
  for (const wi::ImportDesc& i : desc.imports) out.imports.emplace_back(i.type.module, i.type.name);
  return out;
}

Result<std::shared_ptr<Program>> Compile(const uint8_t* data, size_t size,
                                         const EngineLimits& limits,
                                         std::vector<HostImport> imports) {
  if (limits.max_memory_pages > 65536 || limits.fuel_per_call == 0) {
    return Status::InvalidArgument("invalid_limits", "memory cap above 4 GiB or zero fuel");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(wi::ModuleDesc original, Decode(data, size));
  CRYFTTEE_RETURN_IF_ERROR(ScreenLimits(original, limits));
  CRYFTTEE_RETURN_IF_ERROR(ScreenNesting(data, size));
  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<size_t> binding, BindImports(original, imports));

  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<uint8_t> metered, InjectMetering(data, size));
  Result<wi::ModuleDesc> decoded = Decode(metered.data(), metered.size());
  if (!decoded.ok()) {
    return Status::Internal("metering_failed",
                            "metered module does not validate: " + decoded.status().message());
  }

  auto program = std::make_shared<Program>();
  program->limits = limits;
  program->desc = std::move(decoded).value();
  program->host_imports = std::move(imports);
  // The refuel import sits right after the original function imports, which are all imports.
  program->import_binding = std::move(binding);
  program->import_binding.push_back(SIZE_MAX);
  if (program->desc.imports.size() != program->import_binding.size()) {
    return Status::Internal("metering_failed", "unexpected import layout after metering");
  }
  program->fuel_global = static_cast<wabt::Index>(program->desc.globals.size() - 1);
  for (wi::MemoryDesc& m : program->desc.memories) {
    wabt::Limits& l = m.type.limits;
    l.max =
        l.has_max ? std::min<uint64_t>(l.max, limits.max_memory_pages) : limits.max_memory_pages;
    l.has_max = true;
  }
  for (wi::TableDesc& t : program->desc.tables) {
    wabt::Limits& l = t.type.limits;
    l.max = l.has_max ? std::min<uint64_t>(l.max, kMaxTableElements) : kMaxTableElements;
    l.has_max = true;
  }
  if (!program->desc.starts.empty()) {
    program->start_func = program->desc.starts.front().func_index;
    program->desc.starts.clear();
  }
  for (size_t i = 0; i < program->desc.exports.size(); ++i) {
    const wi::ExportDesc& e = program->desc.exports[i];
    ExportInfo info{static_cast<wabt::Index>(i), e.type.type->kind, std::nullopt};
    if (const auto* ft = wabt::dyn_cast<wi::FuncType>(e.type.type.get())) info.type = *ft;
    program->exports.emplace(e.type.name, std::move(info));
  }
  CRYFTTEE_RETURN_IF_ERROR(CheckAbiExports(*program));
  program->abi_version = program->exports.find(kExportAbiVersion)->second;
  program->alloc = program->exports.find(kExportAlloc)->second;
  program->free = program->exports.find(kExportFree)->second;

  // Instantiate once now (running the start function under the limits) and ask for the ABI
  // version, so a broken module fails at load rather than on its first call.
  {
    SlotLease slot(*program);
    CRYFTTEE_RETURN_IF_ERROR(slot->EnsureInstance());
    slot->BeginCall(nullptr);
    wi::Func::Ptr abi = slot->ExportedFunc(program->abi_version);
    wi::Values results;
    CRYFTTEE_RETURN_IF_ERROR(slot->Invoke(abi, {}, &results).WithContext(kExportAbiVersion));
    uint32_t version = results[0].Get<uint32_t>();
    if (version != kAbiVersion) {
      return AbiMismatch("module implements ABI version " + std::to_string(version) +
                         "; this runtime implements " + std::to_string(kAbiVersion));
    }
  }
  return program;
}

Result<std::string> CallJson(Program& program, std::string_view export_name,
                             std::string_view request, void* call_data) {
  CRYFTTEE_ASSIGN_OR_RETURN(const ExportInfo* target, FindCallable(program, export_name));
  if (request.size() > program.limits.max_request_bytes || request.size() > UINT32_MAX) {
    return Status::Error(StatusCategory::kTooLarge, "request_too_large",
                         "request of " + std::to_string(request.size()) +
                             " bytes exceeds the module request cap of " +
                             std::to_string(program.limits.max_request_bytes));
  }
  SlotLease slot(program);
  CRYFTTEE_RETURN_IF_ERROR(slot->EnsureInstance());
  return CallOnSlot(program, *slot, *target, request, call_data);
}

size_t MaxStoreObjectCount(const Program& program) { return program.MaxObjectCount(); }
size_t PooledInstanceCount(const Program& program) { return program.IdleCount(); }

}  // namespace cryfttee::modules::wabt_bridge
