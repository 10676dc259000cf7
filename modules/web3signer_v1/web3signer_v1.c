/* web3signer_v1: BLS keys held by the operator's Web3Signer (../shared/reference/web3signer.md).
 * It reaches Web3Signer only through the "http" host function, which the host limits to the
 * configured origin (src/modules/host_functions_http.h). What Web3Signer can and cannot do
 * decides what this module offers (docs/web3signer.md):
 *
 *   bls_register  {mode|action?, key_type?: "BLS", label|purpose?, key_material?, password?}
 *                 generate (default): the host generates the key (keeping a sealed copy in the
 *                 vault unless the operator turned that off) and imports it into Web3Signer
 *                 through the keymanager API. import: the key goes into the vault, then into
 *                 Web3Signer. Web3Signer cannot generate keys itself.
 *                 -> {success, public_key, pubkey, key_handle?, key_type: "BLS",
 *                     backend: "web3signer", vault_copy, import_status}
 *   bls_sign      typed: Web3Signer's own eth2 body (type, fork_info, the typed object,
 *                 signingRoot?) plus pubkey|key_handle|identifier. Forwarded to
 *                 POST /api/v1/eth2/sign/{pubkey}; Web3Signer recomputes the root and applies
 *                 its slashing protection. signed_by "web3signer".
 *                 raw: {pubkey|key_handle, data|message, type?}. Web3Signer cannot sign raw
 *                 bytes: the vault copy signs (signed_by "local-vault"), or the request is
 *                 refused with "raw_signing_needs_vault_copy". The same holds for a proof of
 *                 possession (type PROOF_OF_POSSESSION or dst "pop", message optional: the
 *                 key's own public key), which Web3Signer's API has no type for.
 *                 -> {success, signature, signature_hex, public_key, signed_by}
 *   get_status_panel  Web3Signer's reachability and the keys it holds.
 *
 * Errors: {"success": false, "error": code, "kind", "message", "upstream_status"?}.
 * Web3Signer's answers map to: 412 "slashing_protection", 404 "web3signer_key_not_found",
 * 400 "invalid_eth2_request", 500 "web3signer_internal_error", anything else
 * "web3signer_bad_response"; transport failures keep the host's codes (http_timeout, ...).
 */
#include "cryfttee_module.h"

#define MODULE_ID "web3signer_v1"
#define MODULE_VERSION "1.0.0"
/* The host's answer holds Web3Signer's body (capped at 512 KiB by the client) JSON-escaped.
 * An HTTP call is never repeated for room: an answer that does not fit (only a body full of
 * characters that need escaping could) fails as "host_unavailable". */
#define HTTP_OUT_CAP (1u << 20)
#define VAULT_OUT_CAP 8192u
/* A forwarded sign is never retried. It asks for the longest time web3signer_timeout_ms may be
 * set to: the host caps a request's timeout at the configured one, which therefore decides. */
#define SIGN_TIMEOUT_MS 30000
#define PANEL_TIMEOUT_MS 300

typedef int32_t (*host_fn)(const char*, uint32_t, char*, uint32_t);

typedef struct {
  char* data;
  uint32_t len;
  uint32_t cap;
} answer;

static void answer_free(answer* a) {
  if (a->data) cryfttee_free(a->data, a->cap);
  a->data = 0;
}

/* One call with a buffer big enough for any answer of that function; the request (w) is
 * consumed. False when the host could not answer at all. */
static bool call_host(host_fn fn, cft_json_writer* w, uint32_t cap, answer* out) {
  out->data = 0;
  bool ok = false;
  if (!w->failed && w->data) {
    out->data = (char*)cryfttee_alloc(cap);
    out->cap = cap;
    if (out->data) {
      int32_t n = fn(w->data, w->len, out->data, cap);
      if (n >= 0 && (uint32_t)n <= cap) {
        out->len = (uint32_t)n;
        ok = true;
      } else {
        answer_free(out);
      }
    }
  }
  if (w->data) cryfttee_free(w->data, w->cap);
  return ok;
}

/* keyvault_sign, which takes the bytes to sign as a span of their own (the SDK's
 * cft_keyvault_call would link every keyvault import, and module.json grants only three). */
static bool call_sign(cft_json_writer* w, const char* bytes, uint32_t bytes_len, answer* out) {
  out->data = 0;
  bool ok = false;
  if (!w->failed && w->data) {
    out->data = (char*)cryfttee_alloc(VAULT_OUT_CAP);
    out->cap = VAULT_OUT_CAP;
    if (out->data) {
      int32_t n = cryfttee_keyvault_sign(w->data, w->len, bytes, bytes_len, out->data, out->cap);
      if (n >= 0 && (uint32_t)n <= out->cap) {
        out->len = (uint32_t)n;
        ok = true;
      } else {
        answer_free(out);
      }
    }
  }
  cft_jw_discard(w);
  return ok;
}

static bool answer_ok(const answer* a) {
  bool ok = false;
  return cft_json_get_bool(a->data, a->len, "success", &ok) && ok;
}

static bool has_field(const char* json, uint32_t len, const char* key) {
  cft_json_value v;
  return cft_json_find(json, len, key, &v) && v.type != CFT_JSON_NULL;
}

/* "key": <raw JSON text>, copied verbatim. */
static void raw_field(cft_json_writer* w, const char* key, const char* text, uint32_t len) {
  cft_jw_key(w, key);
  cft_jw_json(w, text, len);
}

static bool copy_field(cft_json_writer* w, const char* json, uint32_t len, const char* src,
                       const char* key) {
  cft_json_value v;
  if (!cft_json_find(json, len, src, &v) || v.type == CFT_JSON_NULL) return false;
  raw_field(w, key, v.text, v.len);
  return true;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static bool equals_ci(const char* a, uint32_t a_len, const char* b) {
  uint32_t n = cft_strlen(b);
  if (a_len != n) return false;
  for (uint32_t i = 0; i < n; ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/* {"success":false,"error":code,"message":msg,"kind":kind[,"upstream_status":n]}; kind is a
 * core/status.h category name, which the daemon maps to the HTTP status. */
static uint64_t error_answer(const char* code, const char* message, const char* kind,
                             int64_t upstream_status) {
  cft_json_writer w;
  cft_jw_init(&w, 256);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, false);
  cft_jw_key(&w, "error");
  cft_jw_cstring(&w, code);
  cft_jw_key(&w, "message");
  cft_jw_cstring(&w, message);
  cft_jw_key(&w, "kind");
  cft_jw_cstring(&w, kind);
  if (upstream_status > 0) {
    cft_jw_key(&w, "upstream_status");
    cft_jw_int(&w, upstream_status);
  }
  cft_jw_end_object(&w);
  return cft_jw_finish(&w);
}

/* A host answer that is already {"success":false,...} goes back unchanged. */
static uint64_t forward(answer* a) { return cryfttee_pack(a->data, a->len); }

/* Web3Signer's status codes (reference §3.5) as stable error codes. */
static uint64_t upstream_error(int64_t status) {
  switch (status) {
    case 412:
      return error_answer("slashing_protection",
                          "Web3Signer refused: its slashing protection forbids this signature",
                          "failed_precondition", status);
    case 404:
      return error_answer("web3signer_key_not_found",
                          "Web3Signer holds no key with this public key", "not_found", status);
    case 400:
      return error_answer("invalid_eth2_request", "Web3Signer could not read the signing request",
                          "invalid_argument", status);
    case 500:
      return error_answer("web3signer_internal_error",
                          "Web3Signer failed (also its answer to a signingRoot that does not match "
                          "the typed object)",
                          "upstream", status);
    default:
      return error_answer("web3signer_bad_response",
                          "Web3Signer answered with an unexpected status", "upstream", status);
  }
}

/* ---- bls_register */

typedef enum { MODE_GENERATE, MODE_IMPORT, MODE_INVALID } reg_mode;

static reg_mode registration_mode(const char* req, uint32_t len) {
  int64_t mode;
  if (has_field(req, len, "mode")) {
    if (!cft_json_get_int(req, len, "mode", &mode)) return MODE_INVALID;
    return mode == 0 ? MODE_GENERATE : mode == 1 ? MODE_IMPORT : MODE_INVALID;
  }
  char action[16];
  uint32_t n;
  if (has_field(req, len, "action")) {
    if (!cft_json_get_string(req, len, "action", action, sizeof(action), &n)) return MODE_INVALID;
    if (equals_ci(action, n, "generate")) return MODE_GENERATE;
    if (equals_ci(action, n, "import")) return MODE_IMPORT;
    return MODE_INVALID;
  }
  return MODE_GENERATE;
}

static void write_label(cft_json_writer* w, const char* req, uint32_t len) {
  if (!copy_field(w, req, len, "label", "label")) copy_field(w, req, len, "purpose", "label");
}

static void relay(cft_json_writer* w, const answer* a, const char* key, const char* as) {
  cft_json_value v;
  if (cft_json_find(a->data, a->len, key, &v) && v.type != CFT_JSON_NULL) {
    raw_field(w, as, v.text, v.len);
  }
}

/* POST /eth/v1/keystores with the host-built keystore of `spec` (raw JSON object text). */
static uint64_t import_into_web3signer(const char* spec, uint32_t spec_len) {
  cft_json_writer w;
  cft_jw_init(&w, spec_len + 128);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "method");
  cft_jw_cstring(&w, "POST");
  cft_jw_key(&w, "path");
  cft_jw_cstring(&w, "/eth/v1/keystores");
  raw_field(&w, "keymanager_import", spec, spec_len);
  cft_jw_key(&w, "headers");
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "Accept");
  cft_jw_cstring(&w, "application/json");
  cft_jw_end_object(&w);
  cft_jw_end_object(&w);
  answer a;
  if (!call_host(cryfttee_http_request, &w, HTTP_OUT_CAP, &a)) {
    return error_answer("host_unavailable", "the http host function did not answer", "internal", 0);
  }
  if (!answer_ok(&a)) return forward(&a);
  int64_t status = 0;
  cft_json_get_int(a.data, a.len, "status", &status);
  char outcome[16];
  uint32_t n = 0;
  bool have = cft_json_get_string(a.data, a.len, "import_status", outcome, sizeof(outcome), &n);
  if (status != 200 || !have) {
    answer_free(&a);
    if (status == 200) {
      return error_answer("web3signer_bad_response", "Web3Signer's import answer is unreadable",
                          "upstream", status);
    }
    return error_answer("web3signer_import_failed",
                        status == 404 ? "Web3Signer has no keymanager API (start it with "
                                        "--key-manager-api-enabled=true)"
                                      : "Web3Signer refused the keystore import",
                        status >= 500 ? "upstream" : "failed_precondition", status);
  }
  if (!equals_ci(outcome, n, "imported") && !equals_ci(outcome, n, "duplicate")) {
    answer_free(&a);
    return error_answer("web3signer_import_failed", "Web3Signer could not import the keystore",
                        "upstream", status);
  }
  cft_json_writer r;
  cft_jw_init(&r, 512);
  cft_jw_begin_object(&r);
  cft_jw_key(&r, "success");
  cft_jw_bool(&r, true);
  relay(&r, &a, "public_key", "public_key");
  relay(&r, &a, "public_key", "pubkey");
  relay(&r, &a, "key_handle", "key_handle");
  cft_jw_key(&r, "key_type");
  cft_jw_cstring(&r, "BLS");
  cft_jw_key(&r, "backend");
  cft_jw_cstring(&r, "web3signer");
  relay(&r, &a, "vault_copy", "vault_copy");
  cft_jw_key(&r, "import_status");
  cft_jw_string(&r, outcome, n);
  cft_jw_end_object(&r);
  answer_free(&a);
  return cft_jw_finish(&r);
}

CRYFTTEE_CAPABILITY(bls_register) {
  reg_mode mode = registration_mode(request, request_len);
  if (mode == MODE_INVALID) {
    return error_answer("invalid_mode", "mode must be 0 (generate) or 1 (import)",
                        "invalid_argument", 0);
  }
  char type[16];
  uint32_t n;
  if (has_field(request, request_len, "key_type") &&
      (!cft_json_get_string(request, request_len, "key_type", type, sizeof(type), &n) ||
       !equals_ci(type, n, "bls"))) {
    return error_answer("invalid_key_type", "Web3Signer's eth2 mode holds BLS keys only",
                        "invalid_argument", 0);
  }
  cft_json_writer spec;
  cft_jw_init(&spec, request_len + 64);
  cft_jw_begin_object(&spec);
  if (mode == MODE_GENERATE) {
    cft_jw_key(&spec, "generate");
    cft_jw_cstring(&spec, "bls");
    write_label(&spec, request, request_len);
  } else {
    if (!has_field(request, request_len, "key_material")) {
      cryfttee_free(spec.data, spec.cap);
      return error_answer("missing_key_material", "import needs key_material", "invalid_argument",
                          0);
    }
    /* The key enters the vault first (which validates it); the host exports it from there. */
    cft_json_writer v;
    cft_jw_init(&v, request_len + 64);
    cft_jw_begin_object(&v);
    cft_jw_key(&v, "key_type");
    cft_jw_cstring(&v, "bls");
    write_label(&v, request, request_len);
    copy_field(&v, request, request_len, "key_material", "key_material");
    copy_field(&v, request, request_len, "password", "password");
    cft_jw_end_object(&v);
    answer key;
    if (!call_host(cryfttee_keyvault_import, &v, VAULT_OUT_CAP, &key)) {
      cryfttee_free(spec.data, spec.cap);
      return error_answer("keyvault_unavailable", "the key vault did not answer", "internal", 0);
    }
    if (!answer_ok(&key)) {
      cryfttee_free(spec.data, spec.cap);
      return forward(&key);
    }
    relay(&spec, &key, "key_handle", "key_handle");
    answer_free(&key);
  }
  cft_jw_end_object(&spec);
  if (spec.failed) return cft_error_answer("module_out_of_memory");
  uint64_t result = import_into_web3signer(spec.data, spec.len);
  cryfttee_free(spec.data, spec.cap);
  return result;
}

/* ---- bls_sign */

static bool wants_base64(const char* req, uint32_t len, bool* base64) {
  char enc[16];
  uint32_t n;
  if (has_field(req, len, "signature_encoding")) {
    if (!cft_json_get_string(req, len, "signature_encoding", enc, sizeof(enc), &n)) return false;
    if (equals_ci(enc, n, "hex")) {
      *base64 = false;
      return true;
    }
    if (equals_ci(enc, n, "base64")) {
      *base64 = true;
      return true;
    }
    return false;
  }
  *base64 = !has_field(req, len, "key_handle") && has_field(req, len, "pubkey");
  return true;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static void base64_of(cft_json_writer* w, const uint8_t* bytes, uint32_t len) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char out[132];
  uint32_t o = 0;
  for (uint32_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)bytes[i] << 16;
    if (i + 1 < len) v |= (uint32_t)bytes[i + 1] << 8;
    if (i + 2 < len) v |= bytes[i + 2];
    out[o++] = table[(v >> 18) & 63];
    out[o++] = table[(v >> 12) & 63];
    out[o++] = i + 1 < len ? table[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? table[v & 63] : '=';
  }
  cft_jw_string(w, out, o);
}

/* The signature answer from a 96-byte signature given as "0x" + 192 hex (sig, sig_len). */
static uint64_t signature_answer(const char* sig, uint32_t sig_len, bool base64, const char* pubkey,
                                 uint32_t pubkey_len, const char* signed_by) {
  if (sig_len != 194 || sig[0] != '0' || lower(sig[1]) != 'x') {
    return error_answer("web3signer_bad_response", "the signature is not 96 bytes of hex",
                        "upstream", 0);
  }
  uint8_t raw[96];
  char hex[192];
  for (uint32_t i = 0; i < 96; ++i) {
    int hi = hex_value(sig[2 + 2 * i]), lo = hex_value(sig[3 + 2 * i]);
    if (hi < 0 || lo < 0) {
      return error_answer("web3signer_bad_response", "the signature is not hex", "upstream", 0);
    }
    raw[i] = (uint8_t)(hi << 4 | lo);
    hex[2 * i] = lower(sig[2 + 2 * i]);
    hex[2 * i + 1] = lower(sig[3 + 2 * i]);
  }
  cft_json_writer w;
  cft_jw_init(&w, 640);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "signature");
  if (base64) {
    base64_of(&w, raw, 96);
  } else {
    cft_jw_string(&w, hex, 192);
  }
  cft_jw_key(&w, "signature_hex");
  cft_jw_json(&w, "\"0x", 3); /* the string's opening; its middle and end follow raw */
  cft_jw_raw(&w, hex, 192);
  cft_jw_raw(&w, "\"", 1);
  cft_jw_key(&w, "public_key");
  cft_jw_string(&w, pubkey, pubkey_len);
  cft_jw_key(&w, "signed_by");
  cft_jw_cstring(&w, signed_by);
  cft_jw_end_object(&w);
  return cft_jw_finish(&w);
}

/* The key's public key ("0x" + 96 hex) from pubkey | identifier | key_handle (via the vault). */
static bool resolve_pubkey(const char* req, uint32_t len, char* out, uint32_t* out_len,
                           uint64_t* error) {
  char text[140];
  uint32_t n = 0;
  const char* fields[2] = {"pubkey", "identifier"};
  for (int f = 0; f < 2; ++f) {
    if (!has_field(req, len, fields[f])) continue;
    if (!cft_json_get_string(req, len, fields[f], text, sizeof(text), &n)) n = 0;
    uint32_t skip = (n >= 2 && text[0] == '0' && lower(text[1]) == 'x') ? 2 : 0;
    if (n - skip != 96) {
      *error = error_answer("invalid_pubkey", "a BLS public key is 48 bytes of hex",
                            "invalid_argument", 0);
      return false;
    }
    out[0] = '0';
    out[1] = 'x';
    for (uint32_t i = 0; i < 96; ++i) {
      if (hex_value(text[skip + i]) < 0) {
        *error = error_answer("invalid_pubkey", "a BLS public key is 48 bytes of hex",
                              "invalid_argument", 0);
        return false;
      }
      out[2 + i] = lower(text[skip + i]);
    }
    *out_len = 98;
    return true;
  }
  if (!has_field(req, len, "key_handle")) {
    *error = error_answer("missing_key_handle", "name the key with pubkey or key_handle",
                          "invalid_argument", 0);
    return false;
  }
  cft_json_writer w;
  cft_jw_init(&w, 256);
  cft_jw_begin_object(&w);
  copy_field(&w, req, len, "key_handle", "key_handle");
  cft_jw_end_object(&w);
  answer key;
  if (!call_host(cryfttee_keyvault_public_key, &w, VAULT_OUT_CAP, &key)) {
    *error = error_answer("keyvault_unavailable", "the key vault did not answer", "internal", 0);
    return false;
  }
  if (!answer_ok(&key) || !cft_json_get_string(key.data, key.len, "public_key", out, 98, out_len) ||
      *out_len != 98) {
    *error = answer_ok(&key) ? error_answer("keyvault_bad_answer", "no public key", "internal", 0)
                             : forward(&key);
    if (answer_ok(&key)) answer_free(&key);
    return false;
  }
  answer_free(&key);
  return true;
}

/* Raw bytes, and proofs of possession: only the vault copy can sign them (Web3Signer's eth2 API
 * has no proof-of-possession type). `pop` signs under the POP ciphersuite, over the key's own
 * public key when no message is given, exactly as bls_tls_signer_v1 does. */
static uint64_t sign_raw(const char* req, uint32_t len, bool base64, const char* pubkey,
                         uint32_t pubkey_len, bool pop) {
  /* The message's text goes to the host as a span of the request, decoded there (only a string
   * with JSON escapes is decoded here first). A proof of possession needs none: it signs the
   * key's own public key, and the host takes no bytes with it. */
  cft_json_value msg = {0};
  bool has_message =
      cft_json_get(req, len, "message", &msg) || cft_json_get(req, len, "data", &msg);
  if (!has_message && !pop) {
    return error_answer("missing_message", "send the bytes to sign in 'message' or 'data'",
                        "invalid_argument", 0);
  }
  const char* bytes = 0;
  uint32_t bytes_len = 0;
  char* decoded = 0;
  if (has_message && msg.type != CFT_JSON_STRING) {
    return error_answer("invalid_field", "the message must be a base64 or 0x-hex string",
                        "invalid_argument", 0);
  }
  if (has_message && !cft_json_string_span(&msg, &bytes, &bytes_len)) {
    decoded = (char*)cryfttee_alloc(msg.len);
    if (!decoded || !cft_json_decode_string(&msg, decoded, msg.len, &bytes_len)) {
      if (decoded) cryfttee_free(decoded, msg.len);
      return error_answer("invalid_field", "the message could not be decoded", "invalid_argument",
                          0);
    }
    bytes = decoded;
  }
  cft_json_writer w;
  cft_jw_init(&w, 256);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "pubkey");
  cft_jw_string(&w, pubkey, pubkey_len);
  if (pop && !has_message) {
    cft_jw_key(&w, "proof_of_possession");
    cft_jw_bool(&w, true);
  } else if (pop) {
    cft_jw_key(&w, "dst");
    cft_jw_cstring(&w, "pop");
  }
  cft_jw_key(&w, "scheme");
  cft_jw_cstring(&w, "bls");
  copy_field(&w, req, len, "message_encoding", "encoding");
  cft_jw_end_object(&w);
  answer sig;
  bool called = call_sign(&w, bytes, bytes_len, &sig);
  if (decoded) cryfttee_free(decoded, msg.len);
  if (!called) {
    return error_answer("keyvault_unavailable", "the key vault did not answer", "internal", 0);
  }
  if (!answer_ok(&sig)) {
    char code[32];
    uint32_t n = 0;
    bool missing = cft_json_get_string(sig.data, sig.len, "error", code, sizeof(code), &n) &&
                   equals_ci(code, n, "key_not_found");
    if (!missing) return forward(&sig);
    answer_free(&sig);
    return error_answer("raw_signing_needs_vault_copy",
                        "Web3Signer signs only typed eth2 requests (type, fork_info and the typed "
                        "object); this key has no sealed copy in cryfttee to sign raw bytes",
                        "failed_precondition", 0);
  }
  char hex[200];
  uint32_t hex_len = 0;
  if (!cft_json_get_string(sig.data, sig.len, "signature_hex", hex, sizeof(hex), &hex_len)) {
    answer_free(&sig);
    return error_answer("keyvault_bad_answer", "no signature", "internal", 0);
  }
  answer_free(&sig);
  return signature_answer(hex, hex_len, base64, pubkey, pubkey_len, "local-vault");
}

/* Typed: the request is Web3Signer's own body (unknown fields are ignored there). */
static uint64_t sign_typed(const char* req, uint32_t len, bool base64, const char* pubkey,
                           uint32_t pubkey_len) {
  char path[160];
  const char* prefix = "/api/v1/eth2/sign/";
  uint32_t p = 0;
  for (uint32_t i = 0; prefix[i]; ++i) path[p++] = prefix[i];
  for (uint32_t i = 0; i < pubkey_len; ++i) path[p++] = pubkey[i];
  cft_json_writer w;
  cft_jw_init(&w, len + len / 8 + 256);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "method");
  cft_jw_cstring(&w, "POST");
  cft_jw_key(&w, "path");
  cft_jw_string(&w, path, p);
  cft_jw_key(&w, "headers");
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "Accept");
  cft_jw_cstring(&w, "application/json");
  cft_jw_key(&w, "Content-Type");
  cft_jw_cstring(&w, "application/json");
  cft_jw_end_object(&w);
  cft_jw_key(&w, "body");
  cft_jw_string(&w, req, len);
  cft_jw_key(&w, "timeout_ms");
  cft_jw_uint(&w, SIGN_TIMEOUT_MS);
  cft_jw_key(&w, "idempotent");
  cft_jw_bool(&w, false);
  cft_jw_end_object(&w);
  answer a;
  if (!call_host(cryfttee_http_request, &w, HTTP_OUT_CAP, &a)) {
    return error_answer("host_unavailable", "the http host function did not answer", "internal", 0);
  }
  if (!answer_ok(&a)) return forward(&a);
  int64_t status = 0;
  cft_json_get_int(a.data, a.len, "status", &status);
  if (status != 200) {
    answer_free(&a);
    return upstream_error(status);
  }
  /* The body is JSON {"signature":"0x.."} (we asked for JSON); decode it from the answer. */
  cft_json_value body;
  char* text = 0;
  uint32_t text_len = 0;
  if (cft_json_find(a.data, a.len, "body", &body) && body.type == CFT_JSON_STRING) {
    text = (char*)cryfttee_alloc(body.len);
    if (text && !cft_json_get_string(a.data, a.len, "body", text, body.len, &text_len)) {
      text_len = 0;
    }
  }
  char sig[200];
  uint32_t sig_len = 0;
  bool have = text && text_len > 0 &&
              cft_json_get_string(text, text_len, "signature", sig, sizeof(sig), &sig_len);
  if (text) cryfttee_free(text, body.len);
  answer_free(&a);
  if (!have) {
    return error_answer("web3signer_bad_response", "Web3Signer's answer has no signature",
                        "upstream", status);
  }
  return signature_answer(sig, sig_len, base64, pubkey, pubkey_len, "web3signer");
}

CRYFTTEE_CAPABILITY(bls_sign) {
  bool base64;
  if (!wants_base64(request, request_len, &base64)) {
    return error_answer("invalid_signature_encoding", "signature_encoding must be hex or base64",
                        "invalid_argument", 0);
  }
  char pubkey[98];
  uint32_t pubkey_len = 0;
  uint64_t error = 0;
  if (!resolve_pubkey(request, request_len, pubkey, &pubkey_len, &error)) return error;
  /* A proof of possession (type PROOF_OF_POSSESSION / POP, or dst "pop") is never a typed eth2
   * request: signing it under the signature suite would give a valid-looking wrong answer. */
  bool pop = false;
  char kind[32];
  uint32_t n = 0;
  if (has_field(request, request_len, "type") &&
      cft_json_get_string(request, request_len, "type", kind, sizeof(kind), &n)) {
    pop = equals_ci(kind, n, "PROOF_OF_POSSESSION") || equals_ci(kind, n, "POP");
  }
  if (has_field(request, request_len, "dst")) {
    if (!cft_json_get_string(request, request_len, "dst", kind, sizeof(kind), &n) ||
        !(equals_ci(kind, n, "pop") || equals_ci(kind, n, "sig"))) {
      return error_answer("invalid_dst", "dst must be sig or pop", "invalid_argument", 0);
    }
    pop = pop || equals_ci(kind, n, "pop");
  }
  bool raw = has_field(request, request_len, "data") || has_field(request, request_len, "message");
  return raw || pop ? sign_raw(request, request_len, base64, pubkey, pubkey_len, pop)
                    : sign_typed(request, request_len, base64, pubkey, pubkey_len);
}

/* ---- Status panel: Web3Signer's reachability and its keys (short timeout: status pages ask
 * for panels on every refresh). */

static void key_value(cft_json_writer* w, const char* key, const char* value, uint32_t len) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "type");
  cft_jw_cstring(w, "key_value");
  cft_jw_key(w, "key");
  cft_jw_cstring(w, key);
  cft_jw_key(w, "value");
  cft_jw_string(w, value, len);
  cft_jw_end_object(w);
}

static bool get(const char* path, const char* accept, answer* out) {
  cft_json_writer w;
  cft_jw_init(&w, 256);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "method");
  cft_jw_cstring(&w, "GET");
  cft_jw_key(&w, "path");
  cft_jw_cstring(&w, path);
  cft_jw_key(&w, "headers");
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "Accept");
  cft_jw_cstring(&w, accept);
  cft_jw_end_object(&w);
  cft_jw_key(&w, "timeout_ms");
  cft_jw_uint(&w, PANEL_TIMEOUT_MS);
  cft_jw_key(&w, "idempotent");
  cft_jw_bool(&w, false); /* no retries: the panel must answer fast */
  cft_jw_end_object(&w);
  if (!call_host(cryfttee_http_request, &w, HTTP_OUT_CAP, out)) return false;
  int64_t status = 0;
  if (!answer_ok(out) || !cft_json_get_int(out->data, out->len, "status", &status) ||
      status != 200) {
    answer_free(out);
    return false;
  }
  return true;
}

CRYFTTEE_CAPABILITY(get_status_panel) {
  (void)request;
  (void)request_len;
  answer up, keys;
  bool reachable = get("/upcheck", "text/plain", &up);
  if (reachable) answer_free(&up);
  bool listed = reachable && get("/api/v1/eth2/publicKeys", "application/json", &keys);

  cft_json_writer w;
  cft_jw_init(&w, 1024 + (listed ? keys.len : 0));
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "title");
  cft_jw_cstring(&w, "Web3Signer");
  cft_jw_key(&w, "sections");
  cft_jw_begin_array(&w);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "heading");
  cft_jw_cstring(&w, "Backend");
  cft_jw_key(&w, "items");
  cft_jw_begin_array(&w);
  key_value(&w, "Backend", "Web3Signer (typed eth2 signing, slashing protection)", 52);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "type");
  cft_jw_cstring(&w, "status_indicator");
  cft_jw_key(&w, "status");
  cft_jw_cstring(&w, reachable ? "ok" : "error");
  cft_jw_key(&w, "message");
  cft_jw_cstring(&w, reachable ? "Web3Signer answers /upcheck" : "Web3Signer does not answer");
  cft_jw_end_object(&w);
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);
  if (listed) {
    /* The list arrives as a JSON string holding a JSON array; it is relayed as a key_value. */
    cft_jw_begin_object(&w);
    cft_jw_key(&w, "heading");
    cft_jw_cstring(&w, "Keys in Web3Signer");
    cft_jw_key(&w, "items");
    cft_jw_begin_array(&w);
    cft_json_value body;
    if (cft_json_find(keys.data, keys.len, "body", &body) && body.type == CFT_JSON_STRING) {
      cft_jw_begin_object(&w);
      cft_jw_key(&w, "type");
      cft_jw_cstring(&w, "key_value");
      cft_jw_key(&w, "key");
      cft_jw_cstring(&w, "Public keys");
      raw_field(&w, "value", body.text, body.len);
      cft_jw_end_object(&w);
    }
    cft_jw_end_array(&w);
    cft_jw_end_object(&w);
    answer_free(&keys);
  }
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);
  return cft_jw_finish(&w);
}
