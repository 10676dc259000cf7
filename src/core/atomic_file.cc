#include "core/atomic_file.h"
#include "core/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace cryfttee {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::Internal("io_error", what + " " + path + ": " + std::strerror(errno));
}

std::pair<std::string, std::string> SplitPath(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

using Fd = UniqueFd;

Status WriteAll(int fd, ByteSpan data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("writing", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

std::string TempSuffix() {
  // Uniqueness, not secrecy: O_EXCL catches the rare collision and we retry.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  uint64_t v = rng();
  for (int i = 0; i < 12; ++i, v >>= 4) s.push_back(kHex[v & 0xf]);
  return ".tmp-" + std::to_string(::getpid()) + "-" + s;
}

template <typename Buffer>
Result<Buffer> ReadInto(const std::string& path, const ReadFileOptions& options) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound("not_found", "no such file: " + path);
    if (errno == ELOOP) {
      return Status::InvalidArgument("not_a_file", path + " is a symbolic link");
    }
    return Errno("opening", path);
  }
  // fstat on the open descriptor: the checked file is the one we read.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Errno("stat", path);
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("not_a_file", path + " is not a regular file");
  }
  if (options.require_private && ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid())) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::Error(StatusCategory::kPermissionDenied, "insecure_permissions",
                         path + " has mode " + mode +
                             (st.st_uid != ::geteuid() ? " and another owner" : "") +
                             "; it must be readable only by its owner (chown to this user and "
                             "chmod 600 " +
                             path + ")");
  }
  if (static_cast<uint64_t>(st.st_size) > options.max_size) {
    return Status::Error(StatusCategory::kTooLarge, "file_too_large",
                         path + " is larger than " + std::to_string(options.max_size) + " bytes");
  }
  Buffer out(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("reading", path);
    }
    if (n == 0) break;  // shrank while reading; return what exists
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("opening directory", dir);
  if (::fsync(fd.get()) != 0) return Errno("fsync of directory", dir);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, ByteSpan data,
                           const AtomicWriteOptions& options) {
  auto [dir, name] = SplitPath(path);
  if (name.empty()) return Status::InvalidArgument("io_error", "no file name in " + path);
  std::string temp;
  int raw_fd = -1;
  for (int attempt = 0; attempt < 8 && raw_fd < 0; ++attempt) {
    temp = dir + "/." + name + TempSuffix();
    raw_fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, options.mode);
    if (raw_fd < 0 && errno != EEXIST) return Errno("creating", temp);
  }
  if (raw_fd < 0) return Errno("creating", temp);
  Fd fd(raw_fd);
  auto fail = [&](Status st) {
    ::unlink(temp.c_str());
    return st;
  };
  // The umask may have narrowed the mode at open; set exactly what was asked.
  if (::fchmod(fd.get(), options.mode) != 0) return fail(Errno("chmod", temp));
  Status st = WriteAll(fd.get(), data, temp);
  if (!st.ok()) return fail(st);
  if (::fsync(fd.get()) != 0) return fail(Errno("fsync", temp));
  if (::close(fd.release()) != 0) return fail(Errno("closing", temp));
  if (options.no_replace) {
    // link(2) fails with EEXIST instead of replacing, atomically.
    if (::link(temp.c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) {
        return fail(Status::Error(StatusCategory::kAlreadyExists, "already_exists",
                                  path + " already exists"));
      }
      return fail(Errno("linking", path));
    }
    ::unlink(temp.c_str());
  } else if (::rename(temp.c_str(), path.c_str()) != 0) {
    return fail(Errno("renaming to", path));
  }
  return SyncDirectory(dir);
}

Result<Bytes> ReadFileChecked(const std::string& path, const ReadFileOptions& options) {
  return ReadInto<Bytes>(path, options);
}

Result<SecretBytes> ReadSecretFile(const std::string& path, const ReadFileOptions& options) {
  return ReadInto<SecretBytes>(path, options);
}

bool IsAtomicTempFileName(std::string_view file_name) {
  return file_name.starts_with(".") && file_name.find(".tmp-") != std::string_view::npos;
}

}  // namespace cryfttee
