// Shamir secret sharing over the scalar field Fr of BLS12-381: random polynomials of degree t-1,
// evaluation at operator indices 1..n (never 0, which is the secret), Lagrange coefficients at 0
// for any index set, and interpolation of the secret from t shares.
//
// Secrets (coefficients, shares) are handled in constant time and wiped on destruction.
// Indices and index sets are public. Failure codes: "invalid_threshold", "invalid_index",
// "duplicate_index", "rng_failure". Pure functions, no shared state: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "crypto/bls12_381/fr.h"

namespace cryfttee::threshold {

using Fr = bls::internal::Fr;

// The most operators one session supports. Indices are 1..kMaxParticipants.
inline constexpr uint32_t kMaxParticipants = 1024;

// One operator's share: f(index). The value is secret.
struct Share {
  uint32_t index = 0;
  Fr value;

  Share() = default;
  Share(uint32_t i, const Fr& v) : index(i), value(v) {}
  Share(const Share&) = default;
  Share& operator=(const Share&) = default;
  ~Share();
};

// Checks 1 <= t <= n <= kMaxParticipants.
Status CheckThreshold(uint32_t t, uint32_t n);

// A polynomial f(x) = a_0 + a_1 x + ... + a_{t-1} x^{t-1} with secret coefficients.
class SecretPolynomial {
 public:
  // Uniformly random coefficients from the OS CSPRNG; a_0 = `constant` when given (a reshare
  // deals its current share), otherwise random. degree + 1 = t coefficients.
  static Result<SecretPolynomial> Random(uint32_t t);
  static Result<SecretPolynomial> WithConstant(uint32_t t, const Fr& constant);
  // Deterministic, for tests and vectors: the caller supplies every coefficient.
  static SecretPolynomial FromCoefficients(std::vector<Fr> coefficients);

  SecretPolynomial(SecretPolynomial&&) noexcept = default;
  SecretPolynomial& operator=(SecretPolynomial&&) noexcept = default;
  SecretPolynomial(const SecretPolynomial&) = delete;
  SecretPolynomial& operator=(const SecretPolynomial&) = delete;
  ~SecretPolynomial();

  uint32_t threshold() const { return uint32_t(coefficients_.size()); }
  const std::vector<Fr>& coefficients() const { return coefficients_; }
  // f(x) by Horner's rule in constant time (the same operations for every coefficient value).
  Fr Evaluate(uint32_t x) const;
  // f(index) for index = 1..n.
  std::vector<Share> Deal(uint32_t n) const;

 private:
  explicit SecretPolynomial(std::vector<Fr> c) : coefficients_(std::move(c)) {}
  std::vector<Fr> coefficients_;
};

// A uniformly random scalar from the OS CSPRNG (64 bytes reduced mod r).
Result<Fr> RandomScalar();

// lambda_i = prod_{j != i} j / (j - i) over `indices` (the Lagrange basis at 0). `index` must be
// in `indices`; indices must be distinct and in 1..kMaxParticipants.
Result<Fr> LagrangeAtZero(uint32_t index, std::span<const uint32_t> indices);
// All coefficients for the set at once (one inversion per index).
Result<std::vector<Fr>> LagrangeCoefficients(std::span<const uint32_t> indices);
// f(0) from shares of distinct indices. With at least t shares of a degree t-1 polynomial this is
// the secret; with fewer it is an unrelated value. Constant time in the share values.
Result<Fr> InterpolateAtZero(std::span<const Share> shares);

}  // namespace cryfttee::threshold
