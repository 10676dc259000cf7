// Host functions that give modules the key vault (grant "keyvault") through tee::Client, so the
// keys may live in this process or in the enclave. Keys are named by handle;
// private keys never enter module memory: the module sends a request, the host unseals, signs
// and wipes, and only public data comes back.
//
// These calls are strict and minimal: they take canonical field names and values only, refuse
// any other field ("invalid_field"), and check only what protects keys (the key exists, it signs
// only under its own scheme, the BLS domain is SIG or POP, the bytes decode under the one rule of
// core/request_bytes.h). Public request shapes, aliases and defaults are the module's
// (docs/module-abi.md 1.10 says who owns which check).
//
// Every function but keyvault_sign has the shape
//   cryfttee.keyvault_<op>(req_ptr: i32, req_len: i32, out_ptr: i32, out_cap: i32) -> i32
// and keyvault_sign takes the bytes to sign as a separate span of guest memory, so a large
// message is read once, in place, never re-encoded into the request:
//   cryfttee.keyvault_sign(req_ptr, req_len, bytes_ptr, bytes_len, out_ptr, out_cap) -> i32
// The request is a JSON object; the answer is a JSON object written at out_ptr. The return value
// is the answer's full length (if it is > out_cap, only out_cap bytes were written: retry with a
// larger buffer), or a negative error:
//   kHostErrorTooLarge (-1)   request or bytes over kMaxKeyvaultRequestBytes, or out_cap below
//                             kMinKeyvaultOutCap for an operation that changes state or signs
//                             (checked before acting, so a retry never generates twice)
//   kHostErrorInternal (-2)   the answer could not be produced
// Failures of the operation itself are answers:
//   {"success":false,"error":"<code>","kind":"<category>","message":...}
// with the vault's stable codes (key_not_found, wrong_key_type, invalid_digest, ...) and the
// category's wire name (core/status.h StatusCategoryName), which the daemon maps to HTTP.
// Fuel: 1 unit per kKeyvaultBytesPerFuel bytes of request and bytes.
//
//   keyvault_generate    {"key_type": "bls"|"secp256k1"|"p256", "label"?, "certificate"?}
//                                                                                       -> key
//   keyvault_import      {"key_type", "key_material", "password"?, "label"?, "certificate"?}
//                        key_material: base64 or 0x-hex of 32 raw bytes, or an EIP-2335
//                        keystore (a JSON object, its text, or base64 of its text) -> key
//                        "certificate": {"csr_pem"?, "common_name"?} makes the ECDSA key a TLS
//                        identity: the key's self-signed certificate (and the one issued from
//                        the CSR) are built before the key is stored, and stored with it, so a
//                        refused CSR leaves no key (tee::Client::RegisterTls). The answer adds
//                        "certificate" (PEM: the CSR's certificate, else the key's own) and
//                        "node_id" of that certificate.
//   keyvault_public_key  {"key_handle"} or {"pubkey"}                                  -> key
//   keyvault_sign        {"key_handle"|"pubkey", "scheme": "bls"|"ecdsa", "encoding"?:
//                         "base64"|"hex" (else the auto rule)}, plus bytes
//                        BLS:   "dst": "sig" (default) | "pop", or "proof_of_possession": true
//                               (signs the key's own public key; bytes must be empty)
//                        ECDSA: bytes = a 32-byte digest, "format": "der" (default) | "compact"
//                        scheme names the kind of key the caller expects ("wrong_key_type"
//                        otherwise)
//                        -> {"success", "key_handle", "key_type", "signature_hex" ("0x.."),
//                            "signature_base64"}
//   keyvault_list        {"key_type"?: bls|secp256k1|p256|ecdsa}
//                        -> {"success", "backend": "local-vault", "seal_source", "keys": [key]}
//   keyvault_certificate {"key_handle"|"pubkey", "csr_pem"?, "common_name"?}
//                        -> {"success", "key_handle", "certificate" (PEM), "node_id"}
// where key = {"success", "key_handle", "key_type", "public_key" ("0x.."), "label",
//              "created_at" (unix s), "created" (RFC 3339), "sign_count", "last_sign_at" (unix
//              ms, 0 = never)}. A key is named by exactly one of key_handle and pubkey; a pubkey
// may be hex (with or without 0x) or base64.
#pragma once

#include <memory>
#include <vector>

#include "modules/engine.h"
#include "tee/client.h"

namespace cryfttee::modules {

inline constexpr const char* kGrantKeyvault = "keyvault";
// The bytes of a signing request are base64 text: the largest API body (max_body_bytes, 1 MiB by
// default) plus its base64 overhead must fit, well within the module's 16 MiB.
inline constexpr uint32_t kMaxKeyvaultRequestBytes = 12 * 1024 * 1024;
inline constexpr uint32_t kMinKeyvaultOutCap = 4096;

// `keys` is the daemon's one tee::Client (in process or the enclave); may be null only when the
// functions are listed, never called (cryftteectl's module tooling).
std::vector<HostFunction> KeyVaultHostFunctions(std::shared_ptr<tee::Client> keys);

}  // namespace cryfttee::modules
