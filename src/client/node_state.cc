#include "client/node_state.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/atomic_file.h"

namespace cryfttee::client {

Status NodeStateDir::Ensure() const {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Internal("io_error",
                            "cannot create state directory " + dir_ + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::Internal("io_error", dir_ + " is not a directory");
  }
  return Status::Ok();
}

Result<std::string> NodeStateDir::ReadValue(const std::string& file_name) const {
  ReadFileOptions options;
  options.max_size = 64 * 1024;
  auto bytes = ReadFileChecked(PathOf(file_name), options);
  if (!bytes.ok()) {
    if (bytes.status().code() == "not_found") return std::string();
    return bytes.status();
  }
  std::string text(bytes->begin(), bytes->end());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

Result<SavedIdentity> NodeStateDir::Load() const {
  SavedIdentity s;
  CRYFTTEE_ASSIGN_OR_RETURN(s.bls_pubkey, ReadValue(kBlsPubkeyFile));
  CRYFTTEE_ASSIGN_OR_RETURN(s.tls_pubkey, ReadValue(kTlsPubkeyFile));
  CRYFTTEE_ASSIGN_OR_RETURN(s.node_id, ReadValue(kNodeIdFile));
  CRYFTTEE_ASSIGN_OR_RETURN(s.tls_certificate_pem, ReadValue(kTlsCertificateFile));
  return s;
}

Status NodeStateDir::Save(const std::string& file_name, const std::string& value) const {
  std::string text = value;
  if (text.empty() || text.back() != '\n') text += '\n';
  AtomicWriteOptions options;
  options.mode = 0600;
  return WriteFileAtomically(PathOf(file_name), AsBytes(text), options)
      .WithContext("saving " + PathOf(file_name));
}

}  // namespace cryfttee::client
