// Confinement of manifest paths to the module directory.
#pragma once

#include <string>

#include "core/status.h"

namespace cryfttee::modules {

// Canonical absolute form of the module directory. Code "module_dir_invalid".
Result<std::string> CanonicalModuleDir(const std::string& module_dir);

// Resolves `relative` (already syntactically checked by the manifest parser) under the canonical
// module directory, following symlinks, and fails with code "path_escape" if the result is not
// strictly inside it; "io_error" (kNotFound) if it does not exist.
Result<std::string> ResolveInsideModuleDir(const std::string& canonical_module_dir,
                                           const std::string& relative);

}  // namespace cryfttee::modules
