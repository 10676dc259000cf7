// Public API of our BLS12-381 signature library: the IETF BLS signature draft-04,
// proof-of-possession ciphersuite, min-pk (48-byte public keys in G1, 96-byte signatures in G2), as
// Ethereum and AvalancheGo use it. Bad input is reported through Result/bool, never by an
// exception.
//
// This header is the contract other layers code against (keys/, api/, cryftteectl). It may grow;
// existing signatures must not change.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::bls {

inline constexpr size_t kSecretKeySize = 32;
inline constexpr size_t kPublicKeySize = 48;  // compressed G1
inline constexpr size_t kSignatureSize = 96;  // compressed G2
inline constexpr std::string_view kDstSig = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
inline constexpr std::string_view kDstPop = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

class PublicKey;
class Signature;

class SecretKey {
 public:
  // 32 big-endian bytes; must be in [1, r-1]. Code "invalid_secret_key".
  static Result<SecretKey> FromBytes(ByteSpan bytes);
  // IETF KeyGen (salt "BLS-SIG-KEYGEN-SALT-", iterated), ikm at least 32 bytes.
  static Result<SecretKey> KeyGen(ByteSpan ikm, ByteSpan key_info = {});
  // KeyGen over 32 bytes from the OS CSPRNG.
  static Result<SecretKey> Generate();

  SecretKey(SecretKey&&) noexcept;
  SecretKey& operator=(SecretKey&&) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();  // wipes

  std::array<uint8_t, kSecretKeySize> ToBytes() const;  // caller must wipe
  PublicKey GetPublicKey() const;
  Signature Sign(ByteSpan message, std::string_view dst = kDstSig) const;
  // Signs the compressed public key under kDstPop.
  Signature PopProve() const;

 private:
  SecretKey();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend class PublicKey;
};

class PublicKey {
 public:
  // Compressed (48) or uncompressed (96) encoding. Runs KeyValidate: rejects infinity, points
  // off the curve and outside the subgroup. Code "invalid_public_key".
  static Result<PublicKey> FromBytes(ByteSpan bytes);
  std::array<uint8_t, kPublicKeySize> ToBytes() const;
  bool operator==(const PublicKey& o) const { return ToBytes() == o.ToBytes(); }

  PublicKey(const PublicKey&);
  PublicKey& operator=(const PublicKey&);
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

 private:
  PublicKey();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend class SecretKey;
  friend class Signature;
  friend bool Verify(const PublicKey&, ByteSpan, const Signature&, std::string_view);
  friend bool AggregateVerify(std::span<const PublicKey>, std::span<const ByteSpan>,
                              const Signature&, std::string_view);
  friend bool FastAggregateVerify(std::span<const PublicKey>, ByteSpan, const Signature&,
                                  std::string_view);
  friend struct Internals;
};

class Signature {
 public:
  // Compressed (96) or uncompressed (192). Rejects points off the curve and outside the
  // subgroup; the point at infinity is accepted (Verify then fails). Code "invalid_signature".
  static Result<Signature> FromBytes(ByteSpan bytes);
  std::array<uint8_t, kSignatureSize> ToBytes() const;
  bool operator==(const Signature& o) const { return ToBytes() == o.ToBytes(); }

  Signature(const Signature&);
  Signature& operator=(const Signature&);
  Signature(Signature&&) noexcept;
  Signature& operator=(Signature&&) noexcept;
  ~Signature();

 private:
  Signature();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend class SecretKey;
  friend bool Verify(const PublicKey&, ByteSpan, const Signature&, std::string_view);
  friend bool AggregateVerify(std::span<const PublicKey>, std::span<const ByteSpan>,
                              const Signature&, std::string_view);
  friend bool FastAggregateVerify(std::span<const PublicKey>, ByteSpan, const Signature&,
                                  std::string_view);
  friend Result<Signature> Aggregate(std::span<const Signature>);
  friend struct Internals;
};

bool Verify(const PublicKey& pk, ByteSpan message, const Signature& sig,
            std::string_view dst = kDstSig);
bool PopVerify(const PublicKey& pk, const Signature& pop);
// Fails on an empty list (code "empty_aggregate").
Result<Signature> Aggregate(std::span<const Signature> sigs);
// Messages must be distinct (POP scheme allows duplicates? no: AggregateVerify in POP accepts
// any messages; the basic scheme's distinctness rule does not apply here).
bool AggregateVerify(std::span<const PublicKey> pks, std::span<const ByteSpan> messages,
                     const Signature& sig, std::string_view dst = kDstSig);
bool FastAggregateVerify(std::span<const PublicKey> pks, ByteSpan message, const Signature& sig,
                         std::string_view dst = kDstSig);

// Verifies n independent (pk_i, message_i, sig_i) triples at once: picks fresh random odd 64-bit
// scalars c_i (OpenSSL RAND_bytes) and checks prod e(c_i*pk_i, H(m_i)) == e(G1, sum c_i*sig_i),
// one multi-pairing. True only if every triple is valid (a batch containing an invalid triple
// passes with probability about 2^-63). Empty or mismatched lengths give false.
bool BatchVerify(std::span<const PublicKey> pks, std::span<const ByteSpan> messages,
                 std::span<const Signature> sigs, std::string_view dst = kDstSig);

// EIP-2333 tree derivation.
Result<SecretKey> DeriveMasterSK(ByteSpan seed);
Result<SecretKey> DeriveChildSK(const SecretKey& parent, uint32_t index);
// path like "m/12381/3600/0/0/0". Code "invalid_path".
Result<SecretKey> DerivePath(ByteSpan seed, std::string_view path);

}  // namespace cryfttee::bls
