// Known-good cryfttee releases, for the launcher's pre-launch check (seed binary-attestation.md,
// "Verify Against Known-Good Hash"). The file is JSON:
//
//   [{"version": "0.1.0", "hash": "sha256:<64 hex>", "signature": "<optional>"}, ...]
//
// A signature is Ed25519 by the release publisher over the UTF-8 text
//
//   "cryfttee-release-v1\n" + version + "\n" + hash + "\n"
//
// encoded as 128 hex digits or base64 of the 64 bytes. Signing version and hash together means a
// signed hash cannot be relabelled as another version; the domain line keeps these signatures
// apart from module-manifest signatures made with the same kind of key.
//
// Acceptance of the binary whose hash is H (see MatchRelease):
//   - every entry must be well formed, or the whole list is refused ("invalid_release_list");
//   - the entries whose hash is H are the candidates; none -> "binary_not_released";
//   - a candidate with a signature that does not verify under the publisher key -> refused
//     ("release_signature_invalid"), even if another candidate would pass: it is evidence of
//     tampering;
//   - with a publisher key, a candidate must be signed ("release_unsigned");
//   - a signed candidate without a publisher key cannot be checked ("release_key_required");
//   - an unsigned candidate without a publisher key is accepted: the list itself is then the
//     operator's pin.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::client {

struct Release {
  std::string version;
  std::string hash;       // "sha256:<hex>"
  std::string signature;  // as in the file; empty when absent
};

// The exact bytes a release signature covers.
std::string CanonicalReleaseText(const std::string& version, const std::string& hash);

// Code "invalid_release_list" with the index and field of the first problem.
Result<std::vector<Release>> ParseReleaseList(const std::string& json_text);

// A publisher public key as 64 hex digits or base64 of 32 bytes (the `module keygen` .pub file
// works). Code "invalid_public_key".
Result<Bytes> ParseReleasePublicKey(const std::string& text);

// Returns the accepted entry for `binary_hash`, or the refusal described above.
Result<Release> MatchRelease(const std::vector<Release>& releases, const std::string& binary_hash,
                             const std::optional<Bytes>& publisher_key);

}  // namespace cryfttee::client
