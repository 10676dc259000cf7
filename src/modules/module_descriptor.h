// <module dir>/module.json: the module's own description of itself.
//
//   {
//     "abiVersion": 1,
//     "id": "debug_v1",
//     "version": "1.0.0",
//     "description": "...",
//     "capabilities": ["debug_echo"],
//     "exports": ["memory", "cryfttee_abi_version", "cryfttee_alloc", "cryfttee_free", ...],
//     "hostFunctions": ["log", "now_ms"]
//   }
//
// module.json is not signed. It may only narrow what the signed bytes and the trust policy
// allow: the verifier requires it to agree with the signed manifest entry (id, version,
// capabilities) and with the wasm binary (its exports exist, its imports are all declared here),
// and the host functions granted are those the binary imports, each within the publisher's
// allowance.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cryfttee::modules {

inline constexpr size_t kMaxModuleJsonBytes = 256 * 1024;

struct ModuleDescriptor {
  int64_t abi_version = 0;
  std::string id;
  std::string version;
  std::string description;
  std::vector<std::string> capabilities;
  std::vector<std::string> exports;
  std::vector<std::string> host_functions;  // import names in the "cryfttee" namespace
};

// `file_name` is used only in error messages. Code: "invalid_module_json".
Result<ModuleDescriptor> ParseModuleDescriptor(std::string_view json_text,
                                               const std::string& file_name);

}  // namespace cryfttee::modules
