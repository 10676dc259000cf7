#include "crypto/threshold/shamir.h"

#include <openssl/rand.h>

#include <algorithm>

#include "core/bytes.h"

namespace cryfttee::threshold {

using namespace bls::internal;

Share::~Share() { SecureWipe(&value, sizeof value); }

Status CheckThreshold(uint32_t t, uint32_t n) {
  if (n < 1 || n > kMaxParticipants)
    return Status::InvalidArgument("invalid_threshold", "participants must be in 1..1024");
  if (t < 1 || t > n)
    return Status::InvalidArgument("invalid_threshold", "threshold must be in 1..participants");
  return Status::Ok();
}

Result<Fr> RandomScalar() {
  // 64 uniform bytes reduced mod r: statistical distance from uniform below 2^-256.
  uint8_t buf[64];
  if (RAND_bytes(buf, sizeof buf) != 1)
    return Status::Internal("rng_failure", "OS random generator failed");
  Fr v = FrFromBytes64Reduce(buf);
  SecureWipe(buf, sizeof buf);
  return v;
}

SecretPolynomial::~SecretPolynomial() {
  if (!coefficients_.empty()) SecureWipe(coefficients_.data(), coefficients_.size() * sizeof(Fr));
}

Result<SecretPolynomial> SecretPolynomial::Random(uint32_t t) {
  auto a0 = RandomScalar();
  if (!a0.ok()) return a0.status();
  return WithConstant(t, *a0);
}

Result<SecretPolynomial> SecretPolynomial::WithConstant(uint32_t t, const Fr& constant) {
  if (t < 1 || t > kMaxParticipants)
    return Status::InvalidArgument("invalid_threshold", "threshold must be in 1..1024");
  std::vector<Fr> c;
  c.reserve(t);  // no reallocation: a moved-from buffer would leave secrets behind
  c.push_back(constant);
  for (uint32_t k = 1; k < t; ++k) {
    auto a = RandomScalar();
    if (!a.ok()) {
      SecureWipe(c.data(), c.size() * sizeof(Fr));
      return a.status();
    }
    c.push_back(*a);
  }
  return SecretPolynomial(std::move(c));
}

SecretPolynomial SecretPolynomial::FromCoefficients(std::vector<Fr> coefficients) {
  return SecretPolynomial(std::move(coefficients));
}

Fr SecretPolynomial::Evaluate(uint32_t x) const {
  Fr xf = FrFromU64(x);
  Fr acc{};
  for (size_t k = coefficients_.size(); k-- > 0;) acc = FrAdd(FrMul(acc, xf), coefficients_[k]);
  return acc;
}

std::vector<Share> SecretPolynomial::Deal(uint32_t n) const {
  std::vector<Share> out;
  out.reserve(n);
  for (uint32_t i = 1; i <= n; ++i) out.emplace_back(i, Evaluate(i));
  return out;
}

namespace {

Status CheckIndices(std::span<const uint32_t> indices) {
  if (indices.empty()) return Status::InvalidArgument("invalid_index", "no indices");
  std::vector<uint32_t> sorted(indices.begin(), indices.end());
  std::sort(sorted.begin(), sorted.end());
  for (size_t k = 0; k < sorted.size(); ++k) {
    if (sorted[k] < 1 || sorted[k] > kMaxParticipants)
      return Status::InvalidArgument("invalid_index",
                                     "index " + std::to_string(sorted[k]) + " not in 1..1024");
    if (k > 0 && sorted[k] == sorted[k - 1])
      return Status::InvalidArgument("duplicate_index",
                                     "index " + std::to_string(sorted[k]) + " appears twice");
  }
  return Status::Ok();
}

// lambda_i over the checked set (indices are public: plain field arithmetic).
Fr Lagrange(uint32_t i, std::span<const uint32_t> indices) {
  Fr num = FrOne(), den = FrOne();
  Fr fi = FrFromU64(i);
  for (uint32_t j : indices) {
    if (j == i) continue;
    Fr fj = FrFromU64(j);
    num = FrMul(num, fj);
    den = FrMul(den, FrSub(fj, fi));
  }
  return FrMul(num, FrInv(den));
}

}  // namespace

Result<Fr> LagrangeAtZero(uint32_t index, std::span<const uint32_t> indices) {
  if (Status s = CheckIndices(indices); !s.ok()) return s;
  if (std::find(indices.begin(), indices.end(), index) == indices.end())
    return Status::InvalidArgument("invalid_index", "index not in the set");
  return Lagrange(index, indices);
}

Result<std::vector<Fr>> LagrangeCoefficients(std::span<const uint32_t> indices) {
  if (Status s = CheckIndices(indices); !s.ok()) return s;
  std::vector<Fr> out;
  out.reserve(indices.size());
  for (uint32_t i : indices) out.push_back(Lagrange(i, indices));
  return out;
}

Result<Fr> InterpolateAtZero(std::span<const Share> shares) {
  std::vector<uint32_t> idx;
  for (const Share& s : shares) idx.push_back(s.index);
  auto lambdas = LagrangeCoefficients(idx);
  if (!lambdas.ok()) return lambdas.status();
  Fr acc{};
  for (size_t k = 0; k < shares.size(); ++k)
    acc = FrAdd(acc, FrMul((*lambdas)[k], shares[k].value));
  return acc;
}

}  // namespace cryfttee::threshold
