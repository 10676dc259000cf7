#include "core/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

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
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    return Status::Error(StatusCategory::kNotFound, "io_error",
                         "cannot open " + path + ": " + std::strerror(errno));
  }
  Sha256Hasher hasher;
  uint8_t buf[64 * 1024];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) hasher.Update(ByteSpan(buf, n));
  if (std::ferror(f.get())) return Status::Internal("io_error", "error reading " + path);
  return FormatSha256(hasher.Finish());
}

}  // namespace cryfttee
