// The only translation unit that includes wabt's headers (built as C++17; see CMakeLists.txt).
#include "modules/wabt_engine.h"

#include "wabt/binary-reader.h"
#include "wabt/error-formatter.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"

namespace cryfttee::modules::wabt_bridge {

namespace wi = wabt::interp;

namespace {

Result<wi::ModuleDesc> Decode(const uint8_t* data, size_t size) {
  wabt::Errors errors;
  wabt::ReadBinaryOptions options(wabt::Features{}, nullptr, /*read_debug_names=*/false,
                                  /*stop_on_first_error=*/true,
                                  /*fail_on_custom_section_error=*/false);
  wi::ModuleDesc desc;
  if (wabt::Failed(wi::ReadBinaryInterp("module.wasm", data, size, options, &errors, &desc))) {
    return Status::InvalidArgument(
        "invalid_wasm", wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary));
  }
  return desc;
}

}  // namespace

class Program {};

Result<Inspection> Inspect(const uint8_t* data, size_t size) {
  CRYFTTEE_ASSIGN_OR_RETURN(wi::ModuleDesc desc, Decode(data, size));
  Inspection out;
  for (const wi::ExportDesc& e : desc.exports) out.exports.push_back(e.type.name);
  for (const wi::ImportDesc& i : desc.imports) out.imports.emplace_back(i.type.module, i.type.name);
  return out;
}

Result<std::shared_ptr<Program>> Compile(const uint8_t*, size_t, const EngineLimits&,
                                         std::vector<HostImport>) {
  return Status::Internal("not_implemented", "engine under construction");
}

Result<std::string> CallJson(Program&, std::string_view, std::string_view, void*) {
  return Status::Internal("not_implemented", "engine under construction");
}

size_t MaxStoreObjectCount(const Program&) { return 0; }
size_t PooledInstanceCount(const Program&) { return 0; }

}  // namespace cryfttee::modules::wabt_bridge
