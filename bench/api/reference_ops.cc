#include "reference_ops.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/sha256.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/ecdsa.h"
#include "keys/vault.h"

namespace cryfttee::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Median microseconds of op() over about `seconds` (at least 5 runs, after one warm-up run):
// the API side is judged by medians too, which a shared machine's stalls move least.
template <typename Op>
double MedianMicros(double seconds, Op op) {
  op();
  std::vector<double> runs;
  auto until = Clock::now() +
               std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (runs.size() < 5 || Clock::now() < until) {
    auto t0 = Clock::now();
    op();
    runs.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::nth_element(runs.begin(), runs.begin() + runs.size() / 2, runs.end());
  return runs[runs.size() / 2];
}

[[noreturn]] void Fail(const std::string& what) {
  spdlog::error("reference measurement failed: {}", what);
  std::exit(2);
}

}  // namespace

ReferenceCosts MeasureReferenceCosts(double seconds) {
  ReferenceCosts out;
  const Bytes message(32, 0x5a);
  const Sha256Digest digest = Sha256(AsBytes("cryfttee bench/api"));

  auto bls_key = bls::SecretKey::Generate();
  if (!bls_key.ok()) Fail(bls_key.status().ToString());
  out.bls_sign_us = MedianMicros(seconds, [&] { (void)bls_key->Sign(message); });

  for (auto curve : {crypto::EcCurve::kSecp256k1, crypto::EcCurve::kP256}) {
    auto secret = crypto::EcGenerateSecretKey(curve);
    if (!secret.ok()) Fail(secret.status().ToString());
    double us = MedianMicros(seconds, [&] {
      if (!crypto::EcdsaSignDigest(curve, secret->span(), digest).ok()) Fail("ecdsa sign");
    });
    (curve == crypto::EcCurve::kSecp256k1 ? out.secp256k1_sign_us : out.p256_sign_us) = us;
  }

  char tmpl[] = "/tmp/cft-bench-vault-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) Fail("mkdtemp");
  {
    keys::VaultOptions options;
    options.data_dir = tmpl;
    options.seal.use_environment = false;
    auto vault = keys::KeyVault::Open(options);
    if (!vault.ok()) Fail(vault.status().ToString());
    out.vault_generate_us = MedianMicros(seconds, [&] {
      if (!(*vault)->Generate(keys::KeyType::kBls, "bench").ok()) Fail("vault generate");
    });
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return out;
}

}  // namespace cryfttee::bench
