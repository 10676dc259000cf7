#include "keys/key_file.h"

#include <nlohmann/json.hpp>

namespace cryfttee::keys {
namespace {

using nlohmann::json;

constexpr char kFormat[] = "cryfttee-sealed-key";

void AppendField(Bytes& out, ByteSpan field) {
  uint32_t n = static_cast<uint32_t>(field.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(n >> shift));
  out.insert(out.end(), field.begin(), field.end());
}

Status Invalid(const std::string& why) {
  return Status::Error(StatusCategory::kInternal, "key_file_invalid", why);
}

Result<Bytes> HexField(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return Invalid(std::string("missing ") + key);
  auto bytes = HexDecode(it->get<std::string>());
  if (!bytes.ok()) return Invalid(std::string("bad hex in ") + key);
  return std::move(bytes).value();
}

}  // namespace

Bytes KeyFileAad(const KeyFile& file) {
  Bytes aad;
  AppendField(aad, AsBytes(kFormat));
  AppendField(aad, AsBytes(std::to_string(kKeyFileVersion)));
  AppendField(aad, AsBytes(file.handle));
  AppendField(aad, AsBytes(KeyTypeName(file.type)));
  AppendField(aad, file.public_key);
  AppendField(aad, AsBytes(file.label));
  AppendField(aad, AsBytes(std::to_string(file.created_at)));
  // Appended only when present, so the files written before certificates existed still unseal.
  if (!file.certificate.empty()) AppendField(aad, file.certificate);
  return aad;
}

std::string EncodeKeyFile(const KeyFile& file) {
  json doc = {
      {"format", kFormat},
      {"version", kKeyFileVersion},
      {"handle", file.handle},
      {"key_type", KeyTypeName(file.type)},
      {"public_key", HexEncode(file.public_key)},
      {"label", file.label},
      {"created_at", file.created_at},
      {"salt", HexEncode(file.salt)},
      {"nonce", HexEncode(file.nonce)},
      {"ciphertext", HexEncode(file.ciphertext)},
  };
  if (!file.certificate.empty()) doc["certificate"] = HexEncode(file.certificate);
  return doc.dump(2) + "\n";
}

Result<KeyFile> DecodeKeyFile(ByteSpan text) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Invalid("not a JSON object");
  if (doc.value("format", "") != kFormat) return Invalid("unknown format");
  if (!doc.contains("version") || !doc["version"].is_number_unsigned() ||
      doc["version"].get<uint64_t>() != kKeyFileVersion) {
    return Invalid("unsupported version");
  }
  KeyFile file;
  for (const char* key : {"handle", "key_type", "label"}) {
    if (!doc.contains(key) || !doc[key].is_string()) return Invalid(std::string("missing ") + key);
  }
  file.handle = doc["handle"].get<std::string>();
  file.label = doc["label"].get<std::string>();
  auto type = ParseKeyType(doc["key_type"].get<std::string>());
  if (!type) return Invalid("unknown key_type");
  file.type = *type;
  if (!doc.contains("created_at") || !doc["created_at"].is_number_integer()) {
    return Invalid("missing created_at");
  }
  file.created_at = doc["created_at"].get<int64_t>();
  CRYFTTEE_ASSIGN_OR_RETURN(file.public_key, HexField(doc, "public_key"));
  CRYFTTEE_ASSIGN_OR_RETURN(file.salt, HexField(doc, "salt"));
  CRYFTTEE_ASSIGN_OR_RETURN(file.nonce, HexField(doc, "nonce"));
  CRYFTTEE_ASSIGN_OR_RETURN(file.ciphertext, HexField(doc, "ciphertext"));
  if (file.salt.size() != 32 || file.nonce.size() != 12 || file.ciphertext.size() < 16) {
    return Invalid("bad salt, nonce or ciphertext size");
  }
  if (doc.contains("certificate")) {
    CRYFTTEE_ASSIGN_OR_RETURN(file.certificate, HexField(doc, "certificate"));
    if (file.certificate.empty()) return Invalid("empty certificate");
  }
  return file;
}

}  // namespace cryfttee::keys
