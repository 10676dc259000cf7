#include "crypto/openssl_util.h"

#include <openssl/err.h>

namespace cryfttee::crypto::internal {

std::string OpenSslError() {
  unsigned long err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

Status OpenSslFailure(std::string code, const std::string& what) {
  return Status::Internal(std::move(code), what + ": " + OpenSslError());
}

}  // namespace cryfttee::crypto::internal
