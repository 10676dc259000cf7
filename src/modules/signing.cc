#include "modules/signing.h"

#include <algorithm>
#include <vector>

#include "crypto/ed25519.h"

namespace cryfttee::modules {
namespace {

// Values reaching here passed the manifest parser's character checks, but quoting stays correct
// for any input so a future caller cannot produce an ambiguous message.
void AppendJsonString(std::string& out, const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void AppendField(std::string& out, const char* key, const std::string& value) {
  AppendJsonString(out, key);
  out += ':';
  AppendJsonString(out, value);
}

}  // namespace

std::string CanonicalSigningMessage(const ManifestEntry& entry) {
  std::vector<std::string> caps = entry.capabilities;
  std::sort(caps.begin(), caps.end());
  caps.erase(std::unique(caps.begin(), caps.end()), caps.end());

  std::string out = kSignatureDomain;
  out += "{";
  AppendJsonString(out, "capabilities");
  out += ":[";
  for (size_t i = 0; i < caps.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, caps[i]);
  }
  out += "],";
  AppendField(out, "hash", entry.hash);
  out += ',';
  AppendField(out, "id", entry.id);
  out += ',';
  AppendField(out, "minCryfteeVersion", entry.min_cryfttee_version);
  out += ',';
  AppendField(out, "publisherId", entry.publisher_id);
  out += ',';
  AppendField(out, "version", entry.version);
  out += "}";
  return out;
}

Result<std::string> SignManifestEntry(const ManifestEntry& entry, const SecretBytes& seed) {
  if (entry.hash.empty()) {
    return Status::FailedPrecondition("unsigned_hash",
                                      "the entry's hash must be set before signing");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes sig,
                            crypto::Ed25519Sign(seed, AsBytes(CanonicalSigningMessage(entry))));
  return Base64Encode(sig);
}

bool VerifyManifestEntrySignature(const ManifestEntry& entry, ByteSpan public_key) {
  if (entry.signature.empty() || entry.hash.empty()) return false;
  auto sig = Base64Decode(entry.signature);
  if (!sig.ok()) return false;
  return crypto::Ed25519Verify(public_key, AsBytes(CanonicalSigningMessage(entry)), *sig);
}

}  // namespace cryfttee::modules
