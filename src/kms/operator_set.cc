#include "kms/operator_set.h"

#include <set>

#include "core/file_util.h"
#include "core/json_fields.h"
#include "crypto/x25519_envelope.h"
#include "kms/identity.h"

namespace cryfttee::kms {
namespace {

constexpr const char* kCode = "invalid_peering";
constexpr size_t kMaxPeeringBytes = 1 << 20;
constexpr size_t kMaxOperators = 256;

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("http://") || url.starts_with("https://")) && url.size() <= 256 &&
         url.find_first_of(" \t\r\n") == std::string_view::npos && url.find("://") + 3 < url.size();
}

Result<Bytes> HexKey(const JsonFields& r, const char* field) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string text, r.String(field));
  if (!text.starts_with("0x")) return r.Error(field, "must be 0x-prefixed hex");
  auto bytes = HexDecode(std::string_view(text).substr(2));
  if (!bytes.ok()) return r.Error(field, "must be 0x-prefixed hex");
  return std::move(bytes).value();
}

class FilePeeringSource final : public PeeringSource {
 public:
  explicit FilePeeringSource(std::string path) : path_(std::move(path)) {}
  Result<std::vector<OperatorSetPeer>> GetOperators() override {
    CRYFTTEE_ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path_, kMaxPeeringBytes));
    return ParseOperatorSet(text, path_);
  }

 private:
  std::string path_;
};

}  // namespace

Result<std::vector<OperatorSetPeer>> ParseOperatorSet(std::string_view json_text,
                                                      const std::string& source) {
  nlohmann::json doc;
  JsonLimits limits;
  limits.max_bytes = kMaxPeeringBytes;
  limits.max_depth = 4;
  CRYFTTEE_RETURN_IF_ERROR(ParseJsonObjectText(json_text, source, kCode, &doc, limits));
  JsonFieldsErrors errors{StatusCategory::kInvalidArgument, kCode, kCode, false};
  JsonFields top(doc, source, errors);
  CRYFTTEE_RETURN_IF_ERROR(top.RejectUnknownFields({"operators"}));
  const nlohmann::json* list = top.Find("operators");
  if (!list) return top.Error("operators", "is missing");
  if (!list->is_array()) return top.Error("operators", "must be an array");
  if (list->size() > kMaxOperators) {
    return top.Error("operators", "lists more than " + std::to_string(kMaxOperators));
  }
  std::vector<OperatorSetPeer> peers;
  std::set<std::string> ids;
  std::set<Bytes> keys;
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    std::string where = source + ": operators[" + std::to_string(i) + "]";
    if (!item.is_object()) return Status::InvalidArgument(kCode, where + " must be an object");
    JsonFields r(item, where, errors);
    CRYFTTEE_RETURN_IF_ERROR(
        r.RejectUnknownFields({"id", "identity_public_key", "encryption_public_key", "address"}));
    OperatorSetPeer p;
    CRYFTTEE_ASSIGN_OR_RETURN(p.id, r.String("id"));
    if (!IsValidOperatorId(p.id)) return r.Error("id", "must match [A-Za-z0-9._-]{1,64}");
    if (!ids.insert(p.id).second) return r.Error("id", "\"" + p.id + "\" is listed twice");
    CRYFTTEE_ASSIGN_OR_RETURN(p.identity_public_key, HexKey(r, "identity_public_key"));
    if (Status s = Bls12381Identity().CheckPublicKey(p.identity_public_key); !s.ok()) {
      return r.Error("identity_public_key", s.message());
    }
    CRYFTTEE_ASSIGN_OR_RETURN(p.encryption_public_key, HexKey(r, "encryption_public_key"));
    if (p.encryption_public_key.size() != crypto::kX25519KeySize) {
      return r.Error("encryption_public_key", "must be 32 bytes (X25519)");
    }
    if (!keys.insert(p.identity_public_key).second ||
        !keys.insert(p.encryption_public_key).second) {
      return r.Error("id", "\"" + p.id + "\" reuses another operator's key");
    }
    CRYFTTEE_ASSIGN_OR_RETURN(p.address, r.String("address"));
    if (!IsHttpUrl(p.address)) return r.Error("address", "must be an http:// or https:// URL");
    peers.push_back(std::move(p));
  }
  return peers;
}

std::unique_ptr<PeeringSource> NewFilePeeringSource(std::string path) {
  return std::make_unique<FilePeeringSource>(std::move(path));
}

const OperatorSetPeer* FindPeer(const std::vector<OperatorSetPeer>& peers, std::string_view id) {
  for (const auto& p : peers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace cryfttee::kms
