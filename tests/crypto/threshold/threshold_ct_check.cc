// Constant-time check of the threshold secrets under valgrind memcheck (run by
// tests/crypto/bls12_381/vectors/run_ct_check.sh, like ct_check): polynomial coefficients and
// shares are marked undefined, then share evaluation (Feldman and Pedersen deals), share
// verification, interpolation and partial signing (both schemes) run on them. Any branch or
// memory index that depends on them is a memcheck error. Outputs are declared public only when
// they are published (a partial signature, a verification result).
//   threshold_ct_check library
#include <valgrind/memcheck.h>

#include <cstdio>
#include <string_view>

#include "crypto/threshold/partial.h"
#include "crypto/threshold/pedersen.h"

using namespace cryfttee;
using namespace cryfttee::threshold;
using namespace cryfttee::bls::internal;

namespace {

void Secret(void* p, size_t n) { (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void Public(const void* p, size_t n) { (void)VALGRIND_MAKE_MEM_DEFINED(p, n); }

bool IsMarkedUndefined(const void* p, size_t n) {
  unsigned char vbits[32];
  if (n > sizeof vbits || VALGRIND_GET_VBITS(p, vbits, n) != 1) return false;
  for (size_t i = 0; i < n; ++i)
    if (vbits[i] != 0xff) return false;
  return true;
}

template <class Point>
unsigned Publish(Point p) {
  Public(&p, sizeof p);
  unsigned acc = 0;
  const auto* b = reinterpret_cast<const uint8_t*>(&p);
  for (size_t i = 0; i < sizeof p; ++i) acc += b[i];
  return acc;
}

int Run() {
  unsigned sink = 0;
  std::vector<Fr> coeffs;
  for (uint64_t k = 0; k < 4; ++k) coeffs.push_back(FrFromU64(0x1234567 * (k + 3)));
  for (Fr& c : coeffs) Secret(&c, sizeof c);
  if (!IsMarkedUndefined(&coeffs[0], sizeof(Fr))) {
    std::fprintf(stderr, "threshold_ct_check: not running under memcheck\n");
    return 3;
  }
  auto f = SecretPolynomial::FromCoefficients(coeffs);
  auto shares = f.Deal(7);  // share evaluation

  // Commitments are published; verification compares public key shares.
  auto vv = FeldmanCommit<G1Group>(f);
  for (auto& p : vv) Public(&p, sizeof p);
  for (const Share& s : shares) {
    bool ok = FeldmanVerifyShare<G1Group>(vv, s);
    Public(&ok, sizeof ok);
    sink += ok;
  }
  // Pedersen deal and verification with secret blinding.
  auto d = PedersenDealer::Random(4);
  if (!d.ok()) return 3;
  for (const Fr& c : d->f.coefficients()) Secret(const_cast<Fr*>(&c), sizeof c);
  for (const Fr& c : d->blind.coefficients()) Secret(const_cast<Fr*>(&c), sizeof c);
  auto pc = PedersenCommit<G1Group>(*d);
  for (auto& p : pc) Public(&p, sizeof p);
  for (const auto& ps : PedersenDeal(*d, 3)) {
    bool ok = PedersenVerifyShare<G1Group>(pc, ps);
    Public(&ok, sizeof ok);
    sink += ok;
  }
  // Interpolation of secret shares (the secret itself stays secret).
  auto secret = InterpolateAtZero(std::span<const Share>(shares.data(), 4));
  if (!secret.ok()) return 3;
  // Partial signing in both schemes.
  static const uint8_t kMsg[] = "threshold constant-time check";
  auto p1 = PartialSign<NodeScheme>(shares[2], kMsg);
  auto p2 = PartialSign<MinSigScheme>(shares[3], kMsg);
  if (!p1.ok() || !p2.ok()) return 3;
  sink += Publish(G2Group::Encode(*p1));
  sink += Publish(G1Group::Encode(*p2));
  std::printf("ct_check: library run complete (%u)\n", sink & 0xff);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "library") return Run();
  std::fprintf(stderr, "usage: threshold_ct_check library\n");
  return 2;
}
