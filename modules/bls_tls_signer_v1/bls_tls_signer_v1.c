/* bls_tls_signer_v1: the default BLS and TLS signer (the seed's module id). It keeps no keys of
 * its own: keys live in the host's sealed key vault and are reached through the "keyvault" host
 * functions, so no private key ever enters this module's memory.
 *
 * This module owns the public request shapes and their aliases (docs/module-abi.md 1.10): it
 * reads what clients send, in every spelling the seeds use, and calls the host's strict,
 * canonical keyvault functions. Request and answer shapes are documented in docs/api.md; in
 * short:
 *
 *   bls_register  {mode: 0|1 | action: "generate"|"import", key_material?, password?,
 *                  purpose|label?, key_type?: "BLS"}
 *                 -> {success, public_key, pubkey, key_handle, key_type}
 *   bls_sign      {key_handle | pubkey, message | data, type?, dst?, message_encoding?,
 *                  signature_encoding?}
 *                 type "PROOF_OF_POSSESSION" (or "POP", or dst "pop") signs under the POP
 *                 ciphersuite: the message if one is given, else the key's own public key.
 *                 -> {success, signature, signature_hex, key_handle}
 *   tls_register  {mode | action, key_type?: "secp256k1" (default) | "p256", key_material?,
 *                  csr_pem?, common_name?, purpose|label?}
 *                 -> {success, public_key, pubkey, key_handle, key_type, certificate, node_id}
 *   tls_sign      {key_handle | pubkey, digest | data (32 bytes), algorithm?: "ecdsa-sha256",
 *                  format?: "der"|"compact", message_encoding?, signature_encoding?}
 *                 -> {success, signature, signature_hex, key_handle}
 *   get_status_panel {} -> the seed's panel schema: managed keys, backend, signing statistics
 *
 * "signature" is hex without 0x when the request named the key by key_handle, base64 when it
 * named it by pubkey (the attestation seed's Go client decodes []byte), unless
 * signature_encoding ("hex" | "base64") says otherwise. Errors come back as
 * {"success": false, "error": "<stable code>", "kind": "<category>", "message": "..."}.
 *
 * Cost: every lookup goes through the SDK's host-built index and every relayed value is one
 * memory.copy; the bytes to sign are handed to the host as a span of the request, so a sign
 * request runs a few hundred interpreted instructions whatever the message's size.
 */
#include "cryfttee_module.h"

#define MODULE_TITLE "BLS/TLS Signer"

static uint64_t bad_request(const char* code, const char* message) {
  return cft_error(CFT_INVALID_ARGUMENT, code, message);
}

static uint64_t keyvault_unavailable(void) {
  return cft_error(CFT_UPSTREAM, "keyvault_unavailable", "the key vault refused the call");
}

/* Field value if present and not null. */
static bool get(const char* req, uint32_t len, const char* key, cft_json_value* v) {
  return cft_json_get(req, len, key, v);
}

/* The first present field of two names (a canonical name and its alias). */
static bool get_either(const char* req, uint32_t len, const char* a, const char* b,
                       cft_json_value* v) {
  return get(req, len, a, v) || get(req, len, b, v);
}

/* ---- Registration */

typedef enum { MODE_GENERATE, MODE_IMPORT, MODE_INVALID } reg_mode;

/* "mode" (0 generate, 1 import) wins; else "action"; neither means generate. */
static reg_mode registration_mode(const char* req, uint32_t len) {
  cft_json_value v;
  if (get(req, len, "mode", &v)) {
    int64_t mode;
    if (!cft_json_get_int(req, len, "mode", &mode)) return MODE_INVALID;
    return mode == 0 ? MODE_GENERATE : mode == 1 ? MODE_IMPORT : MODE_INVALID;
  }
  if (get(req, len, "action", &v)) {
    if (cft_json_string_is(&v, "generate")) return MODE_GENERATE;
    if (cft_json_string_is(&v, "import")) return MODE_IMPORT;
    return MODE_INVALID;
  }
  return MODE_GENERATE;
}

/* Generates or imports a key of the canonical key_type; the answer is in *out. Returns 0 when
 * *out holds the host's answer, else the module's error answer. With `csr` (a TLS identity) the
 * request carries a "certificate" object: the host builds the key's certificate (and the one
 * issued from the CSR, if any) before it stores the key, so a refused CSR leaves no key behind;
 * its answer then also has "certificate" and "node_id". */
static uint64_t register_key(const char* req, uint32_t len, reg_mode mode, const char* key_type,
                             const cft_json_value* csr, bool tls, cft_answer* out) {
  cft_json_value material, v;
  if (mode == MODE_IMPORT && !get(req, len, "key_material", &material)) {
    return bad_request("missing_key_material", "importing a key needs 'key_material'");
  }
  cft_json_writer w;
  cft_jw_init(&w, 320 + (mode == MODE_IMPORT ? material.len : 0) + (csr ? csr->len : 0));
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "key_type");
  cft_jw_cstring(&w, key_type);
  if (get_either(req, len, "label", "purpose", &v)) {
    cft_jw_key(&w, "label");
    cft_jw_value(&w, &v);
  }
  if (mode == MODE_IMPORT) {
    cft_jw_key(&w, "key_material");
    cft_jw_value(&w, &material);
    if (get(req, len, "password", &v)) {
      cft_jw_key(&w, "password");
      cft_jw_value(&w, &v);
    }
  }
  if (tls) {
    cft_jw_key(&w, "certificate");
    cft_jw_begin_object(&w);
    if (csr) {
      cft_jw_key(&w, "csr_pem");
      cft_jw_value(&w, csr);
    }
    if (get(req, len, "common_name", &v)) {
      cft_jw_key(&w, "common_name");
      cft_jw_value(&w, &v);
    }
    cft_jw_end_object(&w);
  }
  cft_jw_end_object(&w);
  cft_keyvault_op op = mode == MODE_IMPORT ? CFT_KEYVAULT_IMPORT : CFT_KEYVAULT_GENERATE;
  if (!cft_keyvault_call(op, &w, 0, 0, out)) return keyvault_unavailable();
  return 0;
}

/* Copies string field `key` of a host answer into the writer under `as`. */
static void relay(cft_json_writer* w, const cft_answer* a, const char* key, const char* as) {
  cft_json_value v;
  if (cft_json_find(a->data, a->len, key, &v) && v.type == CFT_JSON_STRING) {
    cft_jw_key(w, as);
    cft_jw_value(w, &v);
  }
}

static void begin_registered(cft_json_writer* w, const cft_answer* key, const char* label) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "success");
  cft_jw_bool(w, true);
  relay(w, key, "public_key", "public_key");
  relay(w, key, "public_key", "pubkey");
  relay(w, key, "key_handle", "key_handle");
  cft_jw_key(w, "key_type");
  cft_jw_cstring(w, label);
}

CRYFTTEE_CAPABILITY(bls_register) {
  if (!cft_json_valid(request, request_len)) {
    return bad_request("invalid_json", "the request must be a JSON object");
  }
  reg_mode mode = registration_mode(request, request_len);
  if (mode == MODE_INVALID) {
    return bad_request("invalid_mode", "mode must be 0 (generate) or 1 (import)");
  }
  cft_json_value type;
  if (get(request, request_len, "key_type", &type) && !cft_json_string_is(&type, "bls")) {
    return bad_request("invalid_key_type", "bls_register registers BLS keys only");
  }
  cft_answer key;
  uint64_t failed = register_key(request, request_len, mode, "bls", 0, false, &key);
  if (failed) return failed;
  if (!cft_answer_ok(&key)) return cft_answer_forward(&key);
  cft_json_writer w;
  cft_jw_init(&w, 512);
  begin_registered(&w, &key, "BLS");
  cft_jw_end_object(&w);
  cft_answer_free(&key);
  return cft_jw_finish(&w);
}

/* Canonical TLS key type for a client's spelling, or 0. */
static const char* tls_key_type(const cft_json_value* v) {
  if (cft_json_string_is(v, "secp256k1")) return "secp256k1";
  if (cft_json_string_is(v, "p256") || cft_json_string_is(v, "p-256") ||
      cft_json_string_is(v, "secp256r1") || cft_json_string_is(v, "prime256v1")) {
    return "p256";
  }
  return 0;
}

CRYFTTEE_CAPABILITY(tls_register) {
  if (!cft_json_valid(request, request_len)) {
    return bad_request("invalid_json", "the request must be a JSON object");
  }
  reg_mode mode = registration_mode(request, request_len);
  if (mode == MODE_INVALID) {
    return bad_request("invalid_mode", "mode must be 0 (generate) or 1 (import)");
  }
  const char* key_type = "secp256k1";
  cft_json_value v, csr;
  if (get(request, request_len, "key_type", &v) && !(key_type = tls_key_type(&v))) {
    return bad_request("invalid_key_type", "key_type must be secp256k1 or p256");
  }
  bool has_csr = get(request, request_len, "csr_pem", &csr);
  if (has_csr && csr.type != CFT_JSON_STRING) {
    return bad_request("invalid_csr", "csr_pem must be a PEM string");
  }
  cft_answer key;
  uint64_t failed =
      register_key(request, request_len, mode, key_type, has_csr ? &csr : 0, true, &key);
  if (failed) return failed;
  if (!cft_answer_ok(&key)) return cft_answer_forward(&key);
  cft_json_writer w;
  cft_jw_init(&w, key.len + 512);
  begin_registered(&w, &key, key_type);
  relay(&w, &key, "certificate", "certificate");
  relay(&w, &key, "node_id", "node_id");
  cft_jw_end_object(&w);
  cft_answer_free(&key);
  return cft_jw_finish(&w);
}

/* ---- Signing */

typedef struct {
  cft_json_writer req; /* the keyvault_sign request being built */
  const char* bytes;   /* the text of the bytes to sign, in the request or in `decoded` */
  uint32_t bytes_len;
  char* decoded; /* a copy of a message written with JSON escapes (rare), else 0 */
  uint32_t decoded_cap;
  bool base64_answer; /* "signature" as base64 rather than hex */
} sign_call;

static void sign_call_free(sign_call* s) {
  cft_jw_discard(&s->req);
  if (s->decoded) cryfttee_free(s->decoded, s->decoded_cap);
  s->decoded = 0;
}

/* The parts every sign request shares: the key selector (key_handle wins over pubkey), the
 * answer's signature encoding, the bytes and their encoding. Returns 0, or an error answer. */
static uint64_t begin_sign(const char* req, uint32_t len, const char* scheme, const char* bytes_key,
                           const char* bytes_alias, bool bytes_optional, sign_call* s) {
  s->bytes = 0;
  s->bytes_len = 0;
  s->decoded = 0;
  cft_jw_init(&s->req, 256);
  if (!cft_json_valid(req, len)) {
    return bad_request("invalid_json", "the request must be a JSON object");
  }
  cft_json_value handle, pubkey, v;
  bool by_handle = get(req, len, "key_handle", &handle);
  bool by_pubkey = !by_handle && get(req, len, "pubkey", &pubkey);
  if (!by_handle && !by_pubkey) {
    return bad_request("missing_key_handle", "name the key with 'key_handle' or 'pubkey'");
  }
  s->base64_answer = by_pubkey;
  if (get(req, len, "signature_encoding", &v)) {
    if (cft_json_string_is(&v, "hex")) {
      s->base64_answer = false;
    } else if (cft_json_string_is(&v, "base64")) {
      s->base64_answer = true;
    } else {
      return bad_request("invalid_signature_encoding",
                         "signature_encoding must be 'hex' or 'base64'");
    }
  }
  cft_jw_begin_object(&s->req);
  cft_jw_key(&s->req, by_handle ? "key_handle" : "pubkey");
  cft_jw_value(&s->req, by_handle ? &handle : &pubkey);
  cft_jw_key(&s->req, "scheme");
  cft_jw_cstring(&s->req, scheme);
  if (get(req, len, "message_encoding", &v)) {
    const char* encoding = cft_json_string_is(&v, "base64") ? "base64"
                           : cft_json_string_is(&v, "hex")  ? "hex"
                                                            : 0;
    if (!encoding) {
      return bad_request("invalid_message_encoding", "message_encoding must be 'base64' or 'hex'");
    }
    cft_jw_key(&s->req, "encoding");
    cft_jw_cstring(&s->req, encoding);
  }
  if (!get_either(req, len, bytes_key, bytes_alias, &v)) {
    if (bytes_optional) return 0;
    return bad_request(bytes_key[0] == 'm' ? "missing_message" : "missing_digest",
                       bytes_key[0] == 'm' ? "send the message to sign in 'message'"
                                           : "send the 32-byte digest in 'digest'");
  }
  if (v.type != CFT_JSON_STRING) {
    return bad_request("invalid_field", "the bytes to sign must be a base64 or 0x-hex string");
  }
  if (!cft_json_string_span(&v, &s->bytes, &s->bytes_len)) {
    /* Escapes (a JSON encoder that writes "\/"): decode once into a buffer of our own. */
    s->decoded_cap = v.len;
    s->decoded = (char*)cryfttee_alloc(s->decoded_cap);
    if (!s->decoded || !cft_json_decode_string(&v, s->decoded, s->decoded_cap, &s->bytes_len)) {
      return bad_request("invalid_field", "the bytes to sign could not be decoded");
    }
    s->bytes = s->decoded;
  }
  return 0;
}

/* Sends the request and turns the host's answer into the public one. */
static uint64_t finish_sign(sign_call* s) {
  cft_jw_end_object(&s->req);
  cft_answer sig;
  bool called = cft_keyvault_call(CFT_KEYVAULT_SIGN, &s->req, s->bytes, s->bytes_len, &sig);
  sign_call_free(s);
  if (!called) return keyvault_unavailable();
  if (!cft_answer_ok(&sig)) return cft_answer_forward(&sig);
  cft_json_value hex, b64, handle;
  if (!cft_json_find(sig.data, sig.len, "signature_hex", &hex) || hex.len < 4 ||
      !cft_json_find(sig.data, sig.len, "signature_base64", &b64) ||
      !cft_json_find(sig.data, sig.len, "key_handle", &handle)) {
    cft_answer_free(&sig);
    return cft_error(CFT_UPSTREAM, "keyvault_bad_answer", "the key vault's answer is incomplete");
  }
  cft_json_writer w;
  cft_jw_init(&w, hex.len * 2 + b64.len + handle.len + 96);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "signature");
  if (s->base64_answer) {
    cft_jw_value(&w, &b64);
  } else {
    /* "0x..." -> "...": the same string without the two characters after the opening quote. */
    cft_jw_json(&w, "\"", 1);
    cft_jw_raw(&w, hex.text + 3, hex.len - 3);
  }
  cft_jw_key(&w, "signature_hex");
  cft_jw_value(&w, &hex);
  cft_jw_key(&w, "key_handle");
  cft_jw_value(&w, &handle);
  cft_jw_end_object(&w);
  cft_answer_free(&sig);
  return cft_jw_finish(&w);
}

CRYFTTEE_CAPABILITY(bls_sign) {
  sign_call s;
  uint64_t failed = begin_sign(request, request_len, "bls", "message", "data", true, &s);
  if (failed) {
    sign_call_free(&s);
    return failed;
  }
  cft_json_value v;
  bool pop = false;
  if (get(request, request_len, "type", &v)) {
    if (v.type != CFT_JSON_STRING) {
      sign_call_free(&s);
      return bad_request("invalid_type", "type must be a string");
    }
    pop = cft_json_string_is(&v, "PROOF_OF_POSSESSION") || cft_json_string_is(&v, "POP");
  }
  if (get(request, request_len, "dst", &v)) {
    if (cft_json_string_is(&v, "pop")) {
      pop = true;
    } else if (!cft_json_string_is(&v, "sig")) {
      sign_call_free(&s);
      return bad_request("invalid_dst", "dst must be 'sig' or 'pop'");
    }
  }
  if (!s.bytes && !pop) {
    sign_call_free(&s);
    return bad_request("missing_message", "send the message to sign in 'message'");
  }
  if (pop) {
    cft_jw_key(&s.req, s.bytes ? "dst" : "proof_of_possession");
    if (s.bytes) {
      cft_jw_cstring(&s.req, "pop");
    } else {
      cft_jw_bool(&s.req, true);
    }
  }
  return finish_sign(&s);
}

CRYFTTEE_CAPABILITY(tls_sign) {
  sign_call s;
  uint64_t failed = begin_sign(request, request_len, "ecdsa", "digest", "data", false, &s);
  if (failed) {
    sign_call_free(&s);
    return failed;
  }
  cft_json_value v;
  if (get(request, request_len, "algorithm", &v) && !cft_json_string_is(&v, "ecdsa-sha256")) {
    sign_call_free(&s);
    return cft_error(CFT_INVALID_ARGUMENT, "unsupported_algorithm",
                     "algorithm must be 'ecdsa-sha256'");
  }
  if (get(request, request_len, "format", &v)) {
    const char* format = cft_json_string_is(&v, "der")       ? "der"
                         : cft_json_string_is(&v, "compact") ? "compact"
                                                             : 0;
    if (!format) {
      sign_call_free(&s);
      return bad_request("invalid_format", "format must be 'der' or 'compact'");
    }
    cft_jw_key(&s.req, "format");
    cft_jw_cstring(&s.req, format);
  }
  return finish_sign(&s);
}

/* ---- Status panel */

/* One key of keyvault_list's answer as a panel item; adds its signing counts. */
static void key_item(cft_json_writer* w, const cft_json_value* k, uint64_t* bls_signs,
                     uint64_t* tls_signs, int64_t* last_sign) {
  cft_json_value type, v;
  bool is_bls =
      cft_json_find(k->text, k->len, "key_type", &type) && cft_json_string_is(&type, "bls");
  int64_t count = 0, last = 0;
  cft_json_get_int(k->text, k->len, "sign_count", &count);
  cft_json_get_int(k->text, k->len, "last_sign_at", &last);
  *(is_bls ? bls_signs : tls_signs) += (uint64_t)count;
  if (last > *last_sign) *last_sign = last;
  cft_panel_item(w, "public_key");
  cft_jw_key(w, "key_type");
  cft_jw_cstring(w, is_bls ? "BLS" : "TLS");
  static const char* const relayed[][2] = {{"public_key", "public_key"},
                                           {"label", "label"},
                                           {"created", "created"},
                                           {"key_handle", "key_handle"},
                                           {"key_type", "algorithm"}};
  for (uint32_t i = 0; i < sizeof(relayed) / sizeof(relayed[0]); ++i) {
    if (cft_json_find(k->text, k->len, relayed[i][0], &v)) {
      cft_jw_key(w, relayed[i][1]);
      cft_jw_value(w, &v);
    }
  }
  cft_jw_end_object(w);
}

CRYFTTEE_CAPABILITY(get_status_panel) {
  (void)request;
  (void)request_len;
  cft_json_writer q;
  cft_jw_init(&q, 16);
  cft_jw_begin_object(&q);
  cft_jw_end_object(&q);
  cft_answer list;
  if (!cft_keyvault_call(CFT_KEYVAULT_LIST, &q, 0, 0, &list)) return keyvault_unavailable();
  if (!cft_answer_ok(&list)) return cft_answer_forward(&list);

  uint64_t bls_signs = 0, tls_signs = 0;
  int64_t last_sign = 0;
  cft_json_writer w;
  cft_jw_init(&w, list.len + 1024);
  cft_panel_begin(&w, MODULE_TITLE);
  cft_panel_section(&w, "Managed Keys");
  cft_json_value keys, k;
  uint32_t key_count = 0;
  if (cft_json_find(list.data, list.len, "keys", &keys) && keys.type == CFT_JSON_ARRAY) {
    key_count = cft_json_array_len(keys.text, keys.len);
    for (uint32_t i = 0; i < key_count; ++i) {
      if (cft_json_array_get(keys.text, keys.len, i, &k) && k.type == CFT_JSON_OBJECT) {
        key_item(&w, &k, &bls_signs, &tls_signs, &last_sign);
      }
    }
  }

  cft_panel_section(&w, "Key Backend");
  cft_panel_key_value(&w, "Backend", "Local key vault (sealed files)", 30);
  cft_json_value seal;
  bool machine = false;
  if (cft_json_find(list.data, list.len, "seal_source", &seal) && seal.type == CFT_JSON_STRING) {
    char text[32];
    uint32_t n;
    if (cft_json_decode_string(&seal, text, sizeof(text), &n)) {
      cft_panel_key_value(&w, "Sealing", text, n);
    }
    machine = cft_json_string_is(&seal, "machine_secret");
  }
  cft_panel_key_uint(&w, "Key Count", key_count, "");
  cft_panel_status(&w, machine ? "warning" : "ok",
                   machine ? "keys are sealed with a machine secret stored beside them"
                           : "keys are sealed with the operator's seal password");

  cft_panel_section(&w, "Signing Statistics");
  cft_panel_key_uint(&w, "BLS Signs", bls_signs, "");
  cft_panel_key_uint(&w, "TLS Signs", tls_signs, "");
  if (last_sign <= 0) {
    cft_panel_key_value(&w, "Last Sign", "never", 5);
  } else {
    int64_t ago = (cryfttee_now_ms() - last_sign) / 1000;
    if (ago < 0) ago = 0;
    cft_panel_key_uint(&w, "Last Sign", (uint64_t)ago, ago == 1 ? " second ago" : " seconds ago");
  }
  cft_answer_free(&list);
  return cft_panel_finish(&w);
}
