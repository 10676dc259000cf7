// The receiving side's checks that need the operator set: who sent it, was it signed by them, is
// it for us, and was it seen before. (Separate from the codec in authenticated_message.cc so the
// fuzzed decoder links without the BLS library.)
#include "kms/authenticated_message.h"

namespace cryfttee::kms {
namespace {

Status Unauthenticated(const char* code, const std::string& why) {
  return Status::Error(StatusCategory::kUnauthenticated, code, why);
}

}  // namespace

Status Authenticate(const DecodedMessage& message, const std::vector<OperatorSetPeer>& peers,
                    std::string_view self_id, const IdentityVerifier& verifier) {
  const OperatorSetPeer* sender = FindPeer(peers, message.header.from);
  if (!sender) {
    return Unauthenticated("unknown_sender",
                           "\"" + message.header.from + "\" is not in the operator set");
  }
  if (!verifier.Verify(sender->identity_public_key, message.hash, message.signature)) {
    return Unauthenticated("bad_signature",
                           "signature does not verify under " + sender->id + "'s identity key");
  }
  if (!message.header.to.empty() && message.header.to != self_id) {
    return Status::InvalidArgument("wrong_recipient",
                                   "message is addressed to \"" + message.header.to + "\"");
  }
  return Status::Ok();
}

Status ReplayGuard::Accept(const MessageHeader& header) {
  MutexLock lock(&mu_);
  auto key = std::make_pair(header.session, header.from);
  auto it = highest_.find(key);
  if (it != highest_.end() && header.sequence <= it->second) {
    return Unauthenticated("replayed_message",
                           "sequence " + std::to_string(header.sequence) + " from " + header.from +
                               " was already seen in session " + std::to_string(header.session));
  }
  highest_[key] = header.sequence;
  return Status::Ok();
}

void ReplayGuard::ForgetSessionsBefore(uint64_t session) {
  MutexLock lock(&mu_);
  highest_.erase(highest_.begin(), highest_.lower_bound(std::make_pair(session, std::string())));
}

}  // namespace cryfttee::kms
