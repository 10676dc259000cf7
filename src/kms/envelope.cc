#include "kms/envelope.h"

#include "crypto/x25519_envelope.h"

namespace cryfttee::kms {
namespace {

constexpr std::string_view kAadLabel = "cryfttee-kms-share-v1";

Status PutField(Bytes& out, std::string_view field, const char* name) {
  if (field.size() > 255) {
    return Status::InvalidArgument("invalid_argument",
                                   std::string(name) + " is longer than 255 bytes");
  }
  out.push_back(uint8_t(field.size()));
  out.insert(out.end(), field.begin(), field.end());
  return Status::Ok();
}

}  // namespace

Result<Bytes> ShareEnvelopeAad(const ShareEnvelopeContext& c) {
  Bytes out(kAadLabel.begin(), kAadLabel.end());
  out.push_back(0);
  for (int i = 7; i >= 0; --i) out.push_back(uint8_t(c.session >> (8 * i)));
  CRYFTTEE_RETURN_IF_ERROR(PutField(out, c.type, "type"));
  CRYFTTEE_RETURN_IF_ERROR(PutField(out, c.from, "from"));
  CRYFTTEE_RETURN_IF_ERROR(PutField(out, c.to, "to"));
  return out;
}

Result<Bytes> SealShare(ByteSpan recipient_public_key, const ShareEnvelopeContext& context,
                        ByteSpan plaintext) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes aad, ShareEnvelopeAad(context));
  return crypto::SealToRecipient(recipient_public_key, aad, plaintext);
}

Result<SecretBytes> OpenShare(const SecretBytes& recipient_private_key,
                              const ShareEnvelopeContext& context, ByteSpan envelope) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes aad, ShareEnvelopeAad(context));
  return crypto::OpenEnvelope(recipient_private_key, aad, envelope);
}

}  // namespace cryfttee::kms
