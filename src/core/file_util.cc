#include "core/file_util.h"
#include "core/unique_fd.h"

#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/status.h"

namespace cryfttee {
namespace {

Status IoError(const std::string& what, const std::string& path, int err) {
  return Status::Internal("io_error", what + " " + path + ": " + std::strerror(err));
}

using Fd = UniqueFd;

}  // namespace

Result<std::string> ReadFileCapped(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK so that a FIFO planted where a file should be cannot hang the reader in open();
  // it is then refused as not a regular file. Regular files ignore the flag.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT) {
      return Status::NotFound("io_error", "cannot open " + path + ": " + std::strerror(err));
    }
    return IoError("cannot open", path, err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("io_error", path + " is not a regular file");
  }
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path, errno);
    }
    if (n == 0) break;
    // Checked while reading, not from fstat, because the file may grow underneath us.
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Status::Error(StatusCategory::kTooLarge, "file_too_large",
                           path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status WriteFileAtomic(const std::string& path, ByteSpan data, mode_t mode) {
  // One implementation of the temp-file/fsync/rename/fsync-dir dance: core/atomic_file.
  return WriteFileAtomically(path, data, AtomicWriteOptions{mode, /*no_replace=*/false});
}

Status CreatePrivateDirectories(const std::string& path) {
  std::error_code ec;
  std::filesystem::path missing = std::filesystem::path(path).lexically_normal();
  std::vector<std::filesystem::path> to_create;
  while (!missing.empty() && !std::filesystem::exists(missing, ec)) {
    to_create.push_back(missing);
    if (!missing.has_parent_path() || missing.parent_path() == missing) break;
    missing = missing.parent_path();
  }
  for (auto it = to_create.rbegin(); it != to_create.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::Internal("io_error", "creating " + it->string() + ": " + std::strerror(errno));
    }
    ::chmod(it->c_str(), 0700);
  }
  return Status::Ok();
}

}  // namespace cryfttee
