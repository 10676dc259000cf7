// Distributed key generation and resharing as pure state machines (no I/O, no clocks): the
// network layer (issue 14) carries the messages. Pedersen-VSS (GJKR) with commitments in G1:
//
//   1. deal      every dealer j picks (f_j, f'_j), broadcasts Commit = {C_jk = a_jk·G + b_jk·H}
//                (phase 1) and sends each recipient i its Share = (f_j(i), f'_j(i)) privately.
//                Both messages are signed with the dealer's identity key (BLS, node scheme).
//   2. verify    recipient i checks its share against C_j. A failing share yields
//                InvalidShare evidence (the dealer's signed share and commitments: anyone can
//                recheck); two different signed commitment vectors for one session yield
//                Equivocation evidence.
//   3. reveal    qualified dealers (no valid evidence against them) broadcast phase 2,
//                A_jk = a_jk·G, signed. Recipients check f_j(i)·G == sum i^k A_jk; a share that
//                passed phase 1 but fails phase 2 is CommitmentInconsistency evidence.
//   4. finalize  share_i = sum_j lambda_j f_j(i), verification vector V_k = sum_j lambda_j A_jk,
//                group key V_0. For a fresh DKG lambda_j = 1; for a reshare lambda_j is the
//                Lagrange coefficient of dealer j over the qualified dealers, and each dealer's
//                f_j(0) is its old share, checked publicly as A_j0 == old public share of j.
//
// Every function is deterministic given its inputs (plus the CSPRNG in Deal) and keeps no
// global state: safe from any thread. Failure codes: "invalid_threshold", "invalid_index",
// "invalid_message" (wrong session/size/signature), "not_enough_dealers", "group_key_changed".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/threshold/group.h"
#include "crypto/threshold/pedersen.h"

namespace cryfttee::threshold {

// Domain separation for the dealers' identity signatures over DKG messages.
inline constexpr std::string_view kDkgDst =
    "CRYFTTEE-THRESHOLD-DKG-V01-with-BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

// The parameters every participant agrees on before the session starts.
struct Session {
  Bytes id;                         // unique per session (e.g. 32 random bytes chosen by the lead)
  uint32_t threshold = 0;           // t of the new sharing
  std::vector<uint32_t> dealers;    // indices that deal (a reshare: old holders)
  std::vector<uint32_t> receivers;  // indices that receive (new holders; may include new operators)
};

enum class Phase : uint8_t { kBlinded = 1, kFeldman = 2 };

// A dealer's broadcast commitments (phase 1: C_jk; phase 2: A_jk), signed.
struct SignedCommitments {
  Bytes session;
  uint32_t dealer = 0;
  Phase phase = Phase::kBlinded;
  std::vector<G1Group::Point> points;
  std::array<uint8_t, bls::kSignatureSize> signature{};

  Bytes SigningBytes() const;  // canonical encoding of everything but the signature
};

// A dealer's private message to one recipient, signed (so a complaint can reveal it).
struct SignedShare {
  Bytes session;
  uint32_t dealer = 0;
  PedersenShare share;  // share.index == blinding.index == recipient
  std::array<uint8_t, bls::kSignatureSize> signature{};

  Bytes SigningBytes() const;  // contains the share: callers wipe it
};

// Self-contained fraud records; Verify needs only the accused dealer's identity public key and
// public parameters. A record that fails Verify is itself a false accusation.
struct Evidence {
  enum class Kind : uint8_t { kInvalidShare = 1, kEquivocation = 2, kCommitmentInconsistency = 3 };
  Kind kind = Kind::kInvalidShare;
  uint32_t dealer = 0;
  std::vector<SignedCommitments> commitments;  // 1 (invalid share), 2 (equivocation or phase1+2)
  std::optional<SignedShare> share;            // the revealed share, if any

  // True iff the record proves misbehaviour of `dealer` in session `session` with threshold t.
  bool Verify(const bls::PublicKey& dealer_key, ByteSpan session, uint32_t threshold) const;
};

// One dealer's side. The polynomials are secret and wiped with the object.
class Dealer {
 public:
  // Fresh DKG: f(0) random. Reshare: f(0) = the dealer's current share.
  static Result<Dealer> Create(const Session& s, uint32_t my_index, const bls::SecretKey& identity,
                               std::optional<Share> current_share = std::nullopt);
  const SignedCommitments& blinded() const { return blinded_; }
  const std::vector<SignedShare>& shares() const { return shares_; }  // one per receiver
  // Phase 2 broadcast (only once the dealer is qualified).
  SignedCommitments Reveal(const bls::SecretKey& identity) const;

 private:
  Dealer(PedersenDealer d) : poly_(std::move(d)) {}
  PedersenDealer poly_;
  Bytes session_;
  uint32_t index_ = 0;
  SignedCommitments blinded_;
  std::vector<SignedShare> shares_;
};

// Signs a commitment vector or share (exposed so tests can forge equivocations).
void SignCommitments(SignedCommitments& c, const bls::SecretKey& identity);
void SignShare(SignedShare& s, const bls::SecretKey& identity);
bool VerifySignature(const SignedCommitments& c, const bls::PublicKey& key);
bool VerifySignature(const SignedShare& s, const bls::PublicKey& key);

// Step 2 for recipient `my_index`: checks the dealer's phase-1 commitments and its share to me.
// Returns evidence against the dealer, or nullopt when both are fine. "invalid_message" when a
// message is malformed or not signed by the dealer (that is not provable fraud).
Result<std::optional<Evidence>> CheckDeal(const Session& s, uint32_t my_index,
                                          const bls::PublicKey& dealer_key,
                                          const SignedCommitments& blinded,
                                          const SignedShare& share);
// Equivocation: two validly signed, different phase-1 vectors from one dealer.
std::optional<Evidence> DetectEquivocation(const bls::PublicKey& dealer_key,
                                           const SignedCommitments& a, const SignedCommitments& b);

// Step 3: checks the phase-2 vector against my share (which passed phase 1).
Result<std::optional<Evidence>> CheckReveal(const Session& s, const bls::PublicKey& dealer_key,
                                            const SignedCommitments& blinded,
                                            const SignedCommitments& revealed,
                                            const SignedShare& share);

struct DkgResult {
  Share share;                               // this participant's new share
  std::vector<G1Group::Point> verification;  // V_0..V_{t-1}
  G1Group::Point group_key;                  // V_0
  std::vector<uint32_t> qualified;           // dealers whose contribution was used
};

// Step 4. `revealed` holds the phase-2 vectors of the qualified dealers, `shares` my shares from
// them (same order). For a reshare pass the old verification vector: each dealer's A_j0 must
// equal its old public share, at least old_t dealers are needed, and the group key must come out
// unchanged ("group_key_changed" otherwise).
Result<DkgResult> Finalize(const Session& s, uint32_t my_index,
                           std::span<const SignedCommitments> revealed,
                           std::span<const SignedShare> shares,
                           std::span<const G1Group::Point> old_verification = {});

}  // namespace cryfttee::threshold
