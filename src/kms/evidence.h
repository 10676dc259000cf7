// The cryptographic checks of a deal, shared by the engine (while it runs a session) and by
// offline verification of fraud records (EvidenceRecord in kms/protocol_messages.h):
//
//   DecodeCommitments   a signed commitment record's points, decoded and subgroup-checked
//   G1G2Consistent      a phase-2 record's G1 and G2 vectors commit to the same coefficients:
//                       e(A_k, g2) == e(g1, B_k) for every k, checked as one pairing equation
//                       over a random linear combination sum r_k A_k, sum r_k B_k (fresh r_k
//                       from the CSPRNG, so a dealer cannot aim for a cancelling combination)
//   ShareFits           s·G + s'·H == sum i^k C_k (phase 1, Pedersen) or s·G == sum i^k A_k
//                       (phase 2 / Feldman); constant time in the share
//   VerifyEvidence      Ok iff the record proves that the dealer misbehaved
//
// Codes of VerifyEvidence (kInvalidArgument): "malformed_evidence" (does not parse, records of
// another session or dealer), "bad_evidence_signature" (a record not signed by the dealer),
// "evidence_not_proven" (well-formed, but shows no fraud: a false accusation).
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "core/status.h"
#include "crypto/threshold/group.h"
#include "crypto/threshold/shamir.h"
#include "kms/identity.h"
#include "kms/protocol_messages.h"

namespace cryfttee::kms {

struct DecodedCommitments {
  CommitmentRecord record;
  std::vector<threshold::G1Group::Point> g1;
  std::vector<threshold::G2Group::Point> g2;
};

// Codes: "malformed_message", "invalid_point".
Result<DecodedCommitments> DecodeCommitments(ByteSpan record);

bool G1G2Consistent(const DecodedCommitments& c);

// The share's scalars; "malformed_message" when one is not below r.
Result<std::pair<threshold::Share, threshold::Share>> ShareScalars(const ShareRecord& s);
bool ShareFits(const DecodedCommitments& c, const ShareRecord& s);

Status VerifyEvidence(const EvidenceRecord& e, const IdentityVerifier& verifier);

}  // namespace cryfttee::kms
