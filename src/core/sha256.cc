#include "core/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace cryfttee {

Sha256Digest Sha256(ByteSpan data) {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}
Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Hasher::Update(ByteSpan data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}
Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len);
  return out;
}

std::string FormatSha256(const Sha256Digest& digest) { return "sha256:" + HexEncode(digest); }

bool IsSha256Text(std::string_view text) {
  if (text.size() != 7 + 64 || text.substr(0, 7) != "sha256:") return false;
  for (char c : text.substr(7)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::string> Sha256File(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Error(StatusCategory::kNotFound, "io_error",
                         "cannot open " + path + ": " + std::strerror(errno));
  }
  // Plain reads, not a mapping: a file truncated while mapped would raise SIGBUS in the reader.
  // 1 MiB per read keeps the copy small beside SHA-256 (OpenSSL's SHA-NI path where the CPU has
  // it) and the system calls few.
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256Hasher hasher;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Status::Internal("io_error", "error reading " + path);
    }
    if (n == 0) break;
    hasher.Update(ByteSpan(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return FormatSha256(hasher.Finish());
}

}  // namespace cryfttee
