// Crash-safe file writes and permission-checked reads.
//
// WriteFileAtomically leaves either the old file or the complete new one at `path`, never a
// mixture, even if the process is killed or the machine loses power at any point: the data goes
// to a temporary file in the same directory (created with O_EXCL and the final mode), is
// fsync'ed, renamed over the target, and the directory is fsync'ed so the rename is durable.
// A crash can leave a temporary file behind; IsAtomicTempFileName recognises those names so
// that loaders can skip and clean them.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee {

struct AtomicWriteOptions {
  mode_t mode = 0600;
  // Fail with "already_exists" instead of replacing an existing file (checked race-free with
  // link(2) instead of rename(2)).
  bool no_replace = false;
};

// Codes: "io_error", "already_exists".
Status WriteFileAtomically(const std::string& path, ByteSpan data,
                           const AtomicWriteOptions& options = {});

struct ReadFileOptions {
  // Refuse files whose mode grants any access to group or other, or that are owned by another
  // user (code "insecure_permissions"); the message names the file and the chmod that fixes it.
  bool require_private = false;
  size_t max_size = 16 << 20;  // code "file_too_large"
};

// Codes: "not_found", "io_error", "insecure_permissions", "file_too_large", "not_a_file".
Result<Bytes> ReadFileChecked(const std::string& path, const ReadFileOptions& options = {});

// Same, into wiped memory, for files that hold secrets.
Result<SecretBytes> ReadSecretFile(const std::string& path, const ReadFileOptions& options = {});

// Temporary names are ".<final name>.tmp-<pid>-<random hex>".
bool IsAtomicTempFileName(std::string_view file_name);

// fsync of a directory, so that entries created or renamed in it survive a power loss.
Status SyncDirectory(const std::string& dir);

}  // namespace cryfttee
