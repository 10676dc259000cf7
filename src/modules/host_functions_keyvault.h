// Host functions that give modules the key vault (grant "keyvault") through tee::Client, so the
// keys may live in this process or in the enclave. Keys are named by handle;
// private keys never enter module memory: the module sends a request, the host unseals, signs
// and wipes, and only public data comes back.
//
// Every function has the shape
//   cryfttee.keyvault_<op>(req_ptr: i32, req_len: i32, out_ptr: i32, out_cap: i32) -> i32
// The request is a JSON object; the answer is a JSON object written at out_ptr. The return value
// is the answer's full length (if it is > out_cap, only out_cap bytes were written: retry with a
// larger buffer), or a negative error:
//   kHostErrorTooLarge (-1)   request over kMaxKeyvaultRequestBytes, or out_cap below
//                             kMinKeyvaultOutCap for an operation that changes state or signs
//                             (checked before acting, so a retry never generates twice)
//   kHostErrorInternal (-2)   the answer could not be produced
// Failures of the operation itself are answers: {"success":false,"error":"<code>","message":...}
// with the vault's stable codes (key_not_found, wrong_key_type, invalid_digest, ...).
//
//   keyvault_generate    {"key_type": "bls"|"secp256k1"|"p256", "label"?}            -> key
//   keyvault_import      {"key_type"?: default "bls", "key_material", "password"?, "label"?}
//                        key_material: base64 or 0x-hex of 32 raw bytes, or an EIP-2335
//                        keystore (a JSON object, its text, or base64 of its text) -> key
//   keyvault_public_key  {"key_handle"} or {"pubkey"}                                 -> key
//   keyvault_sign        {"key_handle"|"pubkey", "expect_key_type"?: "bls"|"ecdsa", ...}
//                        (expect_key_type: answer "wrong_key_type" if the key is another kind)
//                        BLS:   "message" (bytes), "dst": "sig" (default) | "pop", or
//                               "proof_of_possession": true (signs the key's own public key)
//                        ECDSA: "digest" (32 bytes), "format": "der" (default) | "compact"
//                        -> {"success", "key_handle", "key_type", "signature_hex" ("0x.."),
//                            "signature_base64"}
//   keyvault_list        {"key_type"?: bls|secp256k1|p256|ecdsa}
//                        -> {"success", "backend": "local-vault", "seal_source", "keys": [key]}
//   keyvault_certificate {"key_handle", "csr_pem"?, "common_name"?}
//                        -> {"success", "key_handle", "certificate" (PEM), "node_id"}
// where key = {"success", "key_handle", "key_type", "public_key" ("0x.."), "label",
//              "created_at" (unix s), "created" (RFC 3339), "sign_count", "last_sign_at" (unix
//              ms, 0 = never)}.
// Bytes fields are base64 (Go's []byte) or "0x" hex; a public key may also be plain hex.
#pragma once

#include <memory>
#include <vector>

#include "modules/engine.h"
#include "tee/client.h"

namespace cryfttee::modules {

inline constexpr const char* kGrantKeyvault = "keyvault";
// A signing request carries the message as base64 text: the largest API body (max_body_bytes,
// 1 MiB by default) plus its base64 overhead must fit, well within the module's 16 MiB.
inline constexpr uint32_t kMaxKeyvaultRequestBytes = 12 * 1024 * 1024;
inline constexpr uint32_t kMinKeyvaultOutCap = 4096;

// `keys` is the daemon's one tee::Client (in process or the enclave); may be null only when the
// functions are listed, never called (cryftteectl's module tooling).
std::vector<HostFunction> KeyVaultHostFunctions(std::shared_ptr<tee::Client> keys);

}  // namespace cryfttee::modules
