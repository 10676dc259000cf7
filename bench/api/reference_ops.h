// The denominators of bench/api's ratios: what each signing route would cost if the API added
// nothing, measured in this process, on this machine, in the same run. Raw crypto for the signing
// routes (our BLS, libsecp256k1, OpenSSL P-256) and the vault's own generate for registration.
#pragma once

namespace cryfttee::bench {

struct ReferenceCosts {
  double bls_sign_us = 0;        // crypto::bls SecretKey::Sign, 32-byte message
  double secp256k1_sign_us = 0;  // crypto::EcdsaSignDigest(kSecp256k1)
  double p256_sign_us = 0;       // crypto::EcdsaSignDigest(kP256)
  double vault_generate_us = 0;  // keys::KeyVault::Generate(kBls) in a fresh vault under /tmp
};

// Runs each operation for about `seconds` and returns the median per operation.
ReferenceCosts MeasureReferenceCosts(double seconds);

}  // namespace cryfttee::bench
