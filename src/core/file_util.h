// Whole-file reads with a size cap, and crash-safe replacement of a file.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee {

// Codes: "io_error" (missing or unreadable; category kNotFound when it does not exist),
// "file_too_large".
Result<std::string> ReadFileCapped(const std::string& path, size_t max_bytes);

// Writes to a temporary file in the same directory, fsyncs it, renames it over `path` and fsyncs
// the directory, so readers see either the old or the new content, never a mix. The file is
// created with `mode` (before any byte is written, so a secret is never briefly world-readable).
// Code "io_error".
Status WriteFileAtomic(const std::string& path, ByteSpan data, mode_t mode = 0644);

// Creates `path` and any missing parents, each 0700 whatever the umask (under umask 000,
// std::filesystem::create_directories would make them 0777). Existing directories are left as
// the operator made them. Code "io_error".
Status CreatePrivateDirectories(const std::string& path);

}  // namespace cryfttee
