#include "client/release_list.h"

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "crypto/ed25519.h"

namespace cryfttee::client {
namespace {

Status Invalid(const std::string& message) {
  return Status::InvalidArgument("invalid_release_list", message);
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Result<Bytes> DecodeSignature(const std::string& text) {
  if (text.size() == 2 * crypto::kEd25519SignatureSize ||
      text.size() == 2 + 2 * crypto::kEd25519SignatureSize) {
    auto hex = HexDecode(text);
    if (hex.ok()) return hex;
  }
  auto b64 = Base64Decode(text);
  if (b64.ok() && b64->size() == crypto::kEd25519SignatureSize) return b64;
  return Status::InvalidArgument("invalid_signature", "not 64 bytes in hex or base64");
}

}  // namespace

std::string CanonicalReleaseText(const std::string& version, const std::string& hash) {
  return "cryfttee-release-v1\n" + version + "\n" + hash + "\n";
}

Result<std::vector<Release>> ParseReleaseList(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return Invalid("the release list is not valid JSON");
  if (!j.is_array())
    return Invalid("the release list must be a JSON array of {version, hash, signature?}");
  std::vector<Release> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& e = j[i];
    std::string where = "entry " + std::to_string(i);
    if (!e.is_object()) return Invalid(where + " is not an object");
    Release r;
    if (!e.contains("version") || !e["version"].is_string() ||
        e["version"].get<std::string>().empty()) {
      return Invalid(where + ": \"version\" must be a non-empty string");
    }
    r.version = e["version"].get<std::string>();
    if (r.version.find('\n') != std::string::npos)
      return Invalid(where + ": \"version\" contains a newline");
    if (!e.contains("hash") || !e["hash"].is_string() ||
        !IsSha256Text(e["hash"].get<std::string>())) {
      return Invalid(where + ": \"hash\" must be \"sha256:\" and 64 lower-case hex digits");
    }
    r.hash = e["hash"].get<std::string>();
    if (e.contains("signature") && !e["signature"].is_null()) {
      if (!e["signature"].is_string()) return Invalid(where + ": \"signature\" must be a string");
      r.signature = e["signature"].get<std::string>();
      if (!r.signature.empty() && !DecodeSignature(r.signature).ok()) {
        return Invalid(where + ": \"signature\" is not 64 bytes in hex or base64");
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<Bytes> ParseReleasePublicKey(const std::string& text) {
  std::string t = Trim(text);
  if (t.size() == 2 * crypto::kEd25519PublicKeySize) {
    auto hex = HexDecode(t);
    if (hex.ok()) return hex;
  }
  auto b64 = Base64Decode(t);
  if (b64.ok() && b64->size() == crypto::kEd25519PublicKeySize) return b64;
  return Status::InvalidArgument("invalid_public_key",
                                 "release key must be an Ed25519 public key: 64 hex digits or "
                                 "base64 of 32 bytes");
}

Result<Release> MatchRelease(const std::vector<Release>& releases, const std::string& binary_hash,
                             const std::optional<Bytes>& publisher_key) {
  std::vector<const Release*> candidates;
  for (const Release& r : releases) {
    if (r.hash == binary_hash) candidates.push_back(&r);
  }
  if (candidates.empty()) {
    return Status::FailedPrecondition(
        "binary_not_released", "binary hash " + binary_hash + " does not match any known release");
  }
  for (const Release* r : candidates) {
    if (r->signature.empty() || !publisher_key) continue;
    auto sig = DecodeSignature(r->signature);
    if (!sig.ok() ||
        !crypto::Ed25519Verify(*publisher_key, AsBytes(CanonicalReleaseText(r->version, r->hash)),
                               *sig)) {
      return Status::FailedPrecondition("release_signature_invalid",
                                        "release " + r->version + " (" + r->hash +
                                            ") has a signature that does not verify under the "
                                            "release key; refusing to launch");
    }
  }
  const Release* accepted = nullptr;
  Status refusal;
  for (const Release* r : candidates) {
    if (publisher_key && r->signature.empty()) {
      refusal = Status::FailedPrecondition("release_unsigned",
                                           "release " + r->version +
                                               " matches the binary but is not signed, and a "
                                               "release key was given");
    } else if (!publisher_key && !r->signature.empty()) {
      refusal = Status::FailedPrecondition(
          "release_key_required",
          "release " + r->version + " is signed; pass --release-key to check it");
    } else if (!accepted) {
      accepted = r;
    }
  }
  if (accepted) return *accepted;
  return refusal;
}

}  // namespace cryfttee::client
