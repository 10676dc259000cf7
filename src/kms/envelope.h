// Sealing a dealer's share to its recipient operator (issue 14: "shares are encrypted to their
// recipient, so a relaying parent or proxy never sees a share"). The cipher is
// crypto/x25519_envelope.h (X25519 with a fresh ephemeral key + HKDF-SHA256 + AES-256-GCM,
// cross-checked against node:crypto); this file fixes what the envelope is bound to. The AAD is
//
//   "cryfttee-kms-share-v1" || 0x00 || session (u64 BE) || len(type) u8 || type
//                                  || len(from) u8 || from || len(to) u8 || to
//
// so an envelope lifted into another session, message type, sender or recipient fails to open,
// even though the authenticated message around it would be re-signed by whoever moved it.
//
// Codes: those of crypto/x25519_envelope.h ("invalid_public_key", "invalid_private_key",
// "invalid_envelope", "decryption_failed") and "invalid_argument" for a field longer than 255
// bytes. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::kms {

struct ShareEnvelopeContext {
  uint64_t session = 0;
  std::string_view type;  // the carrying message's type, e.g. "dkg_share"
  std::string_view from;  // dealer's operator id
  std::string_view to;    // recipient's operator id
};

// The AAD above (exposed for the cross-check test against node:crypto).
Result<Bytes> ShareEnvelopeAad(const ShareEnvelopeContext& context);

Result<Bytes> SealShare(ByteSpan recipient_public_key, const ShareEnvelopeContext& context,
                        ByteSpan plaintext);
Result<SecretBytes> OpenShare(const SecretBytes& recipient_private_key,
                              const ShareEnvelopeContext& context, ByteSpan envelope);

}  // namespace cryfttee::kms
