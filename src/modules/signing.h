// What a publisher signs for a module, and checking it.
//
// The signature covers the entry's identity, never the hash alone (a bare hash signature would
// let anyone relabel signed bytes as another module, version or capability set):
//
//   message = "cryfttee-module-v1\n" || canonical JSON
//   canonical JSON = {"capabilities":[...],"hash":"sha256:...","id":"...",
//                     "minCryfteeVersion":"...","publisherId":"...","version":"..."}
//
// Keys in that byte order, no whitespace, capabilities sorted ascending by byte value (they are a
// set; order in the manifest carries no meaning). Every value is restricted by the manifest parser
// to characters that need no JSON escaping, so the encoding is unambiguous. `defaultFor`, `dir`,
// `file` and `description` are not signed: they are the operator's layout and choice. The exact
// form is specified in docs/module-abi.md ("Manifest, trust and signing").
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/status.h"
#include "modules/manifest.h"

namespace cryfttee::modules {

inline constexpr const char* kSignatureDomain = "cryfttee-module-v1\n";

// The exact bytes that are signed. Requires entry.hash to be set.
std::string CanonicalSigningMessage(const ManifestEntry& entry);

// Base64 signature over CanonicalSigningMessage(entry).
Result<std::string> SignManifestEntry(const ManifestEntry& entry, const SecretBytes& seed);

// True if entry.signature is a valid base64 Ed25519 signature by `public_key`.
bool VerifyManifestEntrySignature(const ManifestEntry& entry, ByteSpan public_key);

}  // namespace cryfttee::modules
