// The "http" grant: outbound HTTP for modules, to the one origin the operator configured
// (--web3signer-url) and nowhere else. It is how web3signer_v1 reaches Web3Signer.
//
//   cryfttee.http_request(req_ptr: i32, req_len: i32, out_ptr: i32, out_cap: i32) -> i32
//
// Same calling shape as the keyvault functions (host_functions_keyvault.h): a JSON request, a
// JSON answer written at out_ptr, the answer's full length returned (retry with a larger buffer
// when it exceeds out_cap; state-changing requests need out_cap >= kMinHttpOutCap first, so a
// retry never sends twice), or kHostErrorTooLarge / kHostErrorInternal.
//
// Request:
//   {"method": "GET"|"POST"|"DELETE", "path": "/api/..." (or "url": absolute, same origin only),
//    "headers"?: {"Name": "value"}, "body"?: "text", "idempotent"?: bool, "timeout_ms"?: n,
//    "keymanager_import"?: {"key_handle": h} | {"generate": "bls", "label"?: text}}
// keymanager_import makes the host write the body of Web3Signer's POST /eth/v1/keystores itself:
// an EIP-2335 keystore of the vault key `h`, or of a fresh key, encrypted under a fresh random
// password. Neither the secret nor the password enters module memory. The key side makes the
// keystore (tee::Client::ExportEip2335: with a remote enclave the secret never enters this
// process, only its keystore on the way to Web3Signer); once Web3Signer answers "imported" (or
// "duplicate") a fresh key is also sealed into the vault (a copy that signs raw messages) when
// HttpHostOptions::keep_vault_copy, else Web3Signer alone holds it. A failed import leaves no
// key anywhere.
// Answer: {"success": true, "status": n, "content_type": "...", "body": "...", "attempts": n}
//         plus, for keymanager_import: "public_key": "0x..", "vault_copy": bool, "key_handle"
//         (when a copy is kept), "vault_error" (Web3Signer has it, the copy failed), and
//         "import_status"/"import_message" from Web3Signer's answer.
//      or {"success": false, "error": code, "kind": category, "message": ...} with
//         net/http_client.h's codes and categories, and "web3signer_not_configured"
//         (unavailable) when no URL is set. A refused origin is also logged.
#pragma once

#include <memory>
#include <vector>

#include "modules/engine.h"
#include "net/http_client.h"
#include "tee/client.h"

namespace cryfttee::modules {

inline constexpr const char* kGrantHttp = "http";
inline constexpr uint32_t kMaxHttpRequestBytes = 4 * 1024 * 1024;
inline constexpr uint32_t kMinHttpOutCap = 4096;
// Fuel: 1 unit per kHttpBytesPerFuel bytes of request and of answer written, the rate of the
// keyvault calls (engine.h HostCallContext::fuel_charge); the network wait is wall time only.
inline constexpr uint32_t kHttpBytesPerFuel = 4;

struct HttpHostOptions {
  bool keep_vault_copy = true;  // --web3signer-vault-copy
};

// `client` may be null (no Web3Signer configured): every call then answers
// "web3signer_not_configured". `keys` serves keymanager_import.
std::vector<HostFunction> HttpHostFunctions(std::shared_ptr<net::HttpClient> client,
                                            std::shared_ptr<tee::Client> keys,
                                            HttpHostOptions options = {});

}  // namespace cryfttee::modules
