// Checks an attestation answer the way the seeds' VerifyAttestation does, plus the nonce binding
// of design §6: the reported core_binary_hash must equal the hash the launcher computed (or the
// operator pinned), and an answer to a nonce must bind exactly that nonce.
#pragma once

#include <string>

#include "client/api_types.h"
#include "core/status.h"

namespace cryfttee::client {

struct AttestationExpectations {
  std::string binary_hash;  // empty: not checked
  std::string nonce;        // empty: not checked
};

// Codes: "binary_hash_mismatch", "nonce_mismatch" (category kFailedPrecondition).
Status CheckAttestation(const Attestation& attestation, const AttestationExpectations& expect);

// A fresh random nonce (32 hex digits) for GetAttestation.
Result<std::string> NewAttestationNonce();

}  // namespace cryfttee::client
