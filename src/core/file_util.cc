#include "core/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/status.h"

namespace cryfttee {
namespace {

Status IoError(const std::string& what, const std::string& path, int err) {
  return Status::Internal("io_error", what + " " + path + ": " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

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
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmp = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  int raw = ::mkstemp(tmp.data());
  if (raw < 0) return IoError("cannot create a temporary file beside", path, errno);
  Fd fd(raw);
  auto fail = [&](const char* what) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(what, tmp, err);
  };
  if (::fchmod(fd.get(), mode) != 0) return fail("cannot chmod");
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return fail("cannot fsync");
  if (::close(fd.release()) != 0) return fail("cannot close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename over");
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());  // best effort: durability of the rename itself
  return Status::Ok();
}

}  // namespace cryfttee
