// Constant-time check, run under valgrind memcheck (see
// tests/crypto/bls12_381/vectors/CMakeLists.txt).
//
// Memcheck reports a conditional jump, or a memory address, that depends on "undefined" bytes.
// We mark secret inputs (IKM, seed, secret-key bytes) undefined, so any branch or table index
// derived from a secret becomes an error and valgrind exits non-zero. Outputs that are public by
// design (public key, signature) are marked defined before we look at them. This is the method
// libsecp256k1 uses (its valgrind_ctime_test).
//
//   ct_check library     runs KeyGen, FromBytes, SkToPk, Sign, PopProve, EIP-2333 on secrets
//   ct_check library-fast  the same with the MULX/ADX field multiplication forced on
//   ct_check leak-branch negative control: an early-exit compare on a secret (must be caught)
//   ct_check leak-index  negative control: a table lookup indexed by a secret (must be caught)
//
// Exit status 0 when the run finished; valgrind's --error-exitcode turns findings into 1.
#include <valgrind/memcheck.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/fp.h"

namespace cryfttee::bls::testing {
namespace {

void Secret(void* p, size_t n) { (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void Public(const void* p, size_t n) { (void)VALGRIND_MAKE_MEM_DEFINED(p, n); }

// Proves the marking took effect, so a run that is not really under memcheck cannot pass.
bool IsMarkedUndefined(const void* p, size_t n) {
  unsigned char vbits[64];
  if (n > sizeof(vbits)) return false;
  if (VALGRIND_GET_VBITS(p, vbits, n) != 1) return false;
  for (size_t i = 0; i < n; ++i) {
    if (vbits[i] != 0xff) return false;
  }
  return true;
}

int Fail(const char* what) {
  std::fprintf(stderr, "ct_check: %s\n", what);
  return 3;
}

// Copies the public output and declares it public; returns its first byte so the compiler
// cannot drop the computation.
template <size_t N>
unsigned Publish(const std::array<uint8_t, N>& out) {
  std::array<uint8_t, N> copy = out;
  Public(copy.data(), copy.size());
  unsigned acc = 0;
  for (uint8_t b : copy) acc += b;
  return acc;
}

int RunLibrary() {
  unsigned sink = 0;
  uint8_t ikm[32];
  for (size_t i = 0; i < sizeof(ikm); ++i) ikm[i] = uint8_t(0x5a ^ i);
  Secret(ikm, sizeof(ikm));
  if (!IsMarkedUndefined(ikm, sizeof(ikm))) return Fail("not running under memcheck");

  // KeyGen on a secret IKM, then everything the key does.
  auto sk = SecretKey::KeyGen(ikm);
  if (!sk.ok()) return Fail("KeyGen failed");
  static const uint8_t kMsg[] = "constant-time check message";
  sink += Publish(sk->GetPublicKey().ToBytes());
  sink += Publish(sk->Sign(kMsg).ToBytes());
  sink += Publish(sk->Sign(kMsg, "CRYFTTEE-CT-CHECK_").ToBytes());
  sink += Publish(sk->PopProve().ToBytes());

  // FromBytes on secret key bytes (the path every stored key takes).
  std::array<uint8_t, kSecretKeySize> raw = sk->ToBytes();
  Secret(raw.data(), raw.size());
  auto sk2 = SecretKey::FromBytes(raw);
  if (!sk2.ok()) return Fail("FromBytes failed");
  sink += Publish(sk2->GetPublicKey().ToBytes());
  sink += Publish(sk2->Sign(kMsg).ToBytes());
  SecureWipe(raw.data(), raw.size());

  // EIP-2333: master and child derivation from a secret seed.
  uint8_t seed[32];
  std::memcpy(seed, ikm, sizeof(seed));
  Secret(seed, sizeof(seed));
  auto master = DeriveMasterSK(seed);
  if (!master.ok()) return Fail("DeriveMasterSK failed");
  auto child = DeriveChildSK(*master, 7);
  if (!child.ok()) return Fail("DeriveChildSK failed");
  sink += Publish(child->GetPublicKey().ToBytes());

  std::printf("ct_check: library run complete (%u)\n", sink & 0xff);
  return 0;
}

// Deliberately leaky code, compiled into the same binary with the same flags, so we know the
// harness would notice the two classic leaks. noinline keeps the shapes as written.
__attribute__((noinline)) size_t LeakyFind(const uint8_t* secret, size_t n, uint8_t needle) {
  for (size_t i = 0; i < n; ++i) {
    if (secret[i] == needle) return i;  // early exit: a branch on secret data
  }
  return n;
}

__attribute__((noinline)) unsigned LeakyLookup(const uint8_t* secret, size_t n) {
  static volatile unsigned table[256];
  unsigned acc = 0;
  for (size_t i = 0; i < n; ++i) acc += table[secret[i]];  // a secret memory index
  return acc;
}

int RunLeak(bool index) {
  uint8_t secret[32];
  for (size_t i = 0; i < sizeof(secret); ++i) secret[i] = uint8_t(i * 7);
  Secret(secret, sizeof(secret));
  if (!IsMarkedUndefined(secret, sizeof(secret))) return Fail("not running under memcheck");
  unsigned r = index ? LeakyLookup(secret, sizeof(secret))
                     : unsigned(LeakyFind(secret, sizeof(secret), 0x31));
  Public(&r, sizeof(r));
  std::printf("ct_check: negative control ran (%u)\n", r);
  return 0;
}

}  // namespace
}  // namespace cryfttee::bls::testing

int main(int argc, char** argv) {
  using namespace cryfttee::bls::testing;
  std::string_view mode = argc == 2 ? argv[1] : "";
  if (mode == "library") return RunLibrary();
  if (mode == "library-fast") {
    // Valgrind hides ADX/BMI2 from CPUID, so the dispatcher picks the portable kernel; the
    // runner only asks for this mode when /proc/cpuinfo shows the real CPU has them.
    if (!cryfttee::bls::internal::FpForceFastKernel()) {
      std::printf("ct_check: MULX/ADX kernel not compiled in\n");
      return 77;
    }
    return RunLibrary();
  }
  if (mode == "leak-branch") return RunLeak(false);
  if (mode == "leak-index") return RunLeak(true);
  std::fprintf(stderr, "usage: ct_check library|library-fast|leak-branch|leak-index\n");
  return 2;
}
