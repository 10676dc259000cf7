#include "modules/module_paths.h"

#include <filesystem>
#include <system_error>

namespace cryfttee::modules {

namespace fs = std::filesystem;

Result<std::string> CanonicalModuleDir(const std::string& module_dir) {
  std::error_code ec;
  fs::path p = fs::canonical(module_dir, ec);
  if (ec) {
    return Status::FailedPrecondition("module_dir_invalid",
                                      "module directory " + module_dir + ": " + ec.message());
  }
  if (!fs::is_directory(p, ec)) {
    return Status::FailedPrecondition("module_dir_invalid",
                                      "module directory " + module_dir + " is not a directory");
  }
  return p.string();
}

Result<std::string> ResolveInsideModuleDir(const std::string& canonical_module_dir,
                                           const std::string& relative) {
  fs::path joined = fs::path(canonical_module_dir) / relative;
  std::error_code ec;
  // canonical() follows every symlink, so a link pointing out of the tree is caught by the prefix
  // check below rather than trusted because of its name.
  fs::path real = fs::canonical(joined, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      // A dangling link may still point outside; report the escape, not a missing file.
      fs::path weak = fs::weakly_canonical(joined, ec);
      std::string w = weak.string();
      if (!ec && w.rfind(canonical_module_dir + "/", 0) != 0) {
        return Status::Error(StatusCategory::kPermissionDenied, "path_escape",
                             relative + " resolves outside the module directory");
      }
      return Status::NotFound("io_error", joined.string() + " does not exist");
    }
    return Status::Internal("io_error", joined.string() + ": " + ec.message());
  }
  std::string r = real.string();
  if (r.rfind(canonical_module_dir + "/", 0) != 0) {
    return Status::Error(
        StatusCategory::kPermissionDenied, "path_escape",
        relative + " resolves to " + r + ", outside the module directory " + canonical_module_dir);
  }
  return r;
}

}  // namespace cryfttee::modules
