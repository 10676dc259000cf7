#include "kms/group_key_client.h"

#include "core/clock.h"
#include "crypto/bls12_381/bls.h"

namespace cryfttee::kms {
namespace {

Status NotBls(std::string_view handle) {
  return Status::InvalidArgument("wrong_key_type",
                                 "key " + std::string(handle) + " is a BLS threshold group key");
}

}  // namespace

GroupKeyClient::GroupKeyClient(std::shared_ptr<tee::Client> inner, Engine* node)
    : inner_(std::move(inner)), node_(node) {}

std::optional<keys::KeyInfo> GroupKeyClient::GroupKeyInfo() const {
  auto group = node_->GroupKey();
  if (!group) return std::nullopt;
  keys::KeyInfo info;
  info.handle = group->handle;
  info.type = keys::KeyType::kBls;
  info.public_key = group->public_key;
  info.label = "kms group key";
  // The sharing's first version is the closest thing to a creation time a group key has.
  info.created_at = static_cast<int64_t>(group->version);
  info.sign_count = sign_count_.load(std::memory_order_relaxed);
  int64_t last = last_sign_at_ms_.load(std::memory_order_relaxed);
  if (last) info.last_sign_at = last;
  info.threshold = keys::KeyThreshold{group->t, group->n, group->version};
  return info;
}

bool GroupKeyClient::IsGroupHandle(std::string_view handle) const {
  auto group = node_->GroupKey();
  return group && group->handle == handle;
}

Result<keys::KeyInfo> GroupKeyClient::Get(std::string_view handle) {
  if (auto group = GroupKeyInfo(); group && group->handle == handle) return *group;
  return inner_->Get(handle);
}

Result<keys::KeyInfo> GroupKeyClient::FindByPublicKey(ByteSpan public_key) {
  auto group = GroupKeyInfo();
  if (group && Bytes(public_key.begin(), public_key.end()) == group->public_key) return *group;
  return inner_->FindByPublicKey(public_key);
}

Result<std::vector<keys::KeyInfo>> GroupKeyClient::List() {
  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<keys::KeyInfo> all, inner_->List());
  if (auto group = GroupKeyInfo()) all.push_back(std::move(*group));
  return all;
}

Result<Bytes> GroupKeyClient::Sign(ByteSpan message, std::string_view dst) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes sig, node_->NodeSign(message, dst));
  sign_count_.fetch_add(1, std::memory_order_relaxed);
  last_sign_at_ms_.store(NowUnixMillis(), std::memory_order_relaxed);
  return sig;
}

Result<Bytes> GroupKeyClient::SignBls(std::string_view handle, ByteSpan message, keys::BlsDst dst) {
  if (!IsGroupHandle(handle)) return inner_->SignBls(handle, message, dst);
  return Sign(message, dst == keys::BlsDst::kSignature ? bls::kDstSig : bls::kDstPop);
}

Result<Bytes> GroupKeyClient::ProveBlsPossession(std::string_view handle) {
  auto group = GroupKeyInfo();
  if (!group || group->handle != handle) return inner_->ProveBlsPossession(handle);
  return Sign(group->public_key, bls::kDstPop);
}

Result<crypto::EcdsaSignature> GroupKeyClient::SignEcdsaDigest(std::string_view handle,
                                                               ByteSpan digest) {
  if (IsGroupHandle(handle)) return NotBls(handle);
  return inner_->SignEcdsaDigest(handle, digest);
}

Result<crypto::Certificate> GroupKeyClient::CreateSelfSignedCertificate(
    std::string_view handle, const crypto::CertificateOptions& options) {
  if (IsGroupHandle(handle)) return NotBls(handle);
  return inner_->CreateSelfSignedCertificate(handle, options);
}

Result<crypto::Certificate> GroupKeyClient::IssueCertificate(
    std::string_view handle, std::string_view csr_pem, const crypto::CertificateOptions& options) {
  if (IsGroupHandle(handle)) return NotBls(handle);
  return inner_->IssueCertificate(handle, csr_pem, options);
}

}  // namespace cryfttee::kms
