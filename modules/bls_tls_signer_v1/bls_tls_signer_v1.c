/* bls_tls_signer_v1: the default BLS and TLS signer (the seed's module id). It keeps no keys of
 * its own: keys live in the host's sealed key vault and are reached through the "keyvault" host
 * functions, so no private key ever enters this module's memory. Request and answer shapes are
 * documented in docs/api.md; in short:
 *
 *   bls_register  {mode: 0|1 | action: "generate"|"import", key_material?, password?,
 *                  purpose|label?, key_type?: "BLS"}
 *                 -> {success, public_key, pubkey, key_handle, key_type}
 *   bls_sign      {key_handle | pubkey, message | data, type?, signature_encoding?}
 *                 type "PROOF_OF_POSSESSION" (or dst "pop") signs under the POP ciphersuite: the
 *                 message if one is given, else the key's own public key.
 *                 -> {success, signature, signature_hex, key_handle}
 *   tls_register  {mode | action, key_type?: "secp256k1" (default) | "p256", key_material?,
 *                  csr_pem?, purpose|label?}
 *                 -> {success, public_key, pubkey, key_handle, key_type, certificate, node_id}
 *   tls_sign      {key_handle | pubkey, digest | data (32 bytes), algorithm?: "ecdsa-sha256",
 *                  format?: "der"|"compact", signature_encoding?}
 *                 -> {success, signature, signature_hex, key_handle}
 *   get_status_panel {} -> the seed's panel schema: managed keys, backend, signing statistics
 *
 * "signature" is hex without 0x when the request named the key by key_handle, base64 when it
 * named it by pubkey (the attestation seed's Go client decodes []byte), unless
 * signature_encoding ("hex" | "base64") says otherwise. Errors come back as
 * {"success": false, "error": "<stable code>", "message": "..."}.
 */
#define CRYFTTEE_MODULE_IMPLEMENTATION
#include "cryfttee_module.h"

#define MODULE_ID "bls_tls_signer_v1"
#define MODULE_VERSION "1.0.0"
#define HOST_OUT_CAP 8192u

/* ---- Host functions (grant "keyvault"); see src/modules/host_functions_keyvault.h. */
#define KEYVAULT_FN(name) \
  CRYFTTEE_IMPORT(#name) int32_t name(const char* req, uint32_t req_len, char* out, uint32_t cap)
KEYVAULT_FN(keyvault_generate);
KEYVAULT_FN(keyvault_import);
KEYVAULT_FN(keyvault_sign);
KEYVAULT_FN(keyvault_list);
KEYVAULT_FN(keyvault_certificate);

typedef int32_t (*keyvault_fn)(const char*, uint32_t, char*, uint32_t);

/* A host answer in module memory (from cryfttee_alloc). */
typedef struct {
  char* data;
  uint32_t len;
  uint32_t cap;
} answer;

static void answer_free(answer* a) {
  if (a->data) cryfttee_free(a->data, a->cap);
  a->data = 0;
}

/* Calls a keyvault function with the request in w (consumed). Read-only calls are retried once
 * with the exact size if the answer did not fit; state-changing ones always get HOST_OUT_CAP,
 * which is larger than any of their answers. */
static bool call_host(keyvault_fn fn, cft_json_writer* w, bool may_retry, answer* out) {
  out->data = 0;
  if (w->failed || !w->data) return false;
  uint32_t cap = HOST_OUT_CAP;
  for (int attempt = 0; attempt < 2; ++attempt) {
    out->data = (char*)cryfttee_alloc(cap);
    out->cap = cap;
    if (!out->data) break;
    int32_t n = fn(w->data, w->len, out->data, cap);
    if (n >= 0 && (uint32_t)n <= cap) {
      out->len = (uint32_t)n;
      cryfttee_free(w->data, w->cap);
      return true;
    }
    answer_free(out);
    if (n < 0 || !may_retry) break;
    cap = (uint32_t)n;
  }
  cryfttee_free(w->data, w->cap);
  return false;
}

static bool answer_ok(const answer* a) {
  bool ok = false;
  return cft_json_get_bool(a->data, a->len, "success", &ok) && ok;
}

/* Returns the host's own error answer unchanged (it is already {"success":false,...}). */
static uint64_t forward(answer* a) { return cryfttee_pack(a->data, a->len); }

/* Writes a raw JSON value (already valid JSON text) as the next value. cft_jw_raw does no comma
 * bookkeeping, so this goes through the writer's own (static, same translation unit) hook. */
static void raw_value(cft_json_writer* w, const char* text, uint32_t len) {
  cft_jw_before_value(w);
  cft_jw_raw(w, text, len);
}

static bool has_field(const char* json, uint32_t len, const char* key) {
  cft_json_value v;
  return cft_json_find(json, len, key, &v) && v.type != CFT_JSON_NULL;
}

/* Writes "key": <raw value of field src in json> if present and not null. */
static bool copy_field(cft_json_writer* w, const char* json, uint32_t len, const char* src,
                       const char* key) {
  cft_json_value v;
  if (!cft_json_find(json, len, src, &v) || v.type == CFT_JSON_NULL) return false;
  cft_jw_key(w, key);
  raw_value(w, v.text, v.len);
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

/* Reads a short string field (case preserved); false if absent or longer than cap. */
static bool get_short(const char* json, uint32_t len, const char* key, char* out, uint32_t cap,
                      uint32_t* out_len) {
  return cft_json_get_string(json, len, key, out, cap, out_len);
}

typedef enum { MODE_GENERATE, MODE_IMPORT, MODE_INVALID } reg_mode;

/* "mode" (0 generate, 1 import) wins; else "action"; neither means generate. */
static reg_mode registration_mode(const char* req, uint32_t len) {
  int64_t mode;
  if (has_field(req, len, "mode")) {
    if (!cft_json_get_int(req, len, "mode", &mode)) return MODE_INVALID;
    return mode == 0 ? MODE_GENERATE : mode == 1 ? MODE_IMPORT : MODE_INVALID;
  }
  char action[16];
  uint32_t n;
  if (has_field(req, len, "action")) {
    if (!get_short(req, len, "action", action, sizeof(action), &n)) return MODE_INVALID;
    if (equals_ci(action, n, "generate")) return MODE_GENERATE;
    if (equals_ci(action, n, "import")) return MODE_IMPORT;
    return MODE_INVALID;
  }
  return MODE_GENERATE;
}

/* The label: "label", else the attestation seed's "purpose". */
static void write_label(cft_json_writer* w, const char* req, uint32_t len) {
  if (!copy_field(w, req, len, "label", "label")) copy_field(w, req, len, "purpose", "label");
}

/* Generates or imports a key of key_type (a JSON string literal, quotes included). */
static bool register_key(const char* req, uint32_t len, reg_mode mode, const char* key_type,
                         answer* out) {
  cft_json_writer w;
  cft_jw_init(&w, len + 128);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "key_type");
  raw_value(&w, key_type, cft_strlen(key_type));
  write_label(&w, req, len);
  if (mode == MODE_IMPORT) {
    copy_field(&w, req, len, "key_material", "key_material");
    copy_field(&w, req, len, "password", "password");
  }
  cft_jw_end_object(&w);
  return call_host(mode == MODE_IMPORT ? keyvault_import : keyvault_generate, &w, false, out);
}

/* Copies string field `key` of a host answer into the writer under `as`. */
static void relay_string(cft_json_writer* w, const answer* a, const char* key, const char* as) {
  cft_json_value v;
  if (cft_json_find(a->data, a->len, key, &v) && v.type == CFT_JSON_STRING) {
    cft_jw_key(w, as);
    raw_value(w, v.text, v.len);
  }
}

static void begin_registered(cft_json_writer* w, const answer* key, const char* key_type_label) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "success");
  cft_jw_bool(w, true);
  relay_string(w, key, "public_key", "public_key");
  relay_string(w, key, "public_key", "pubkey");
  relay_string(w, key, "key_handle", "key_handle");
  cft_jw_key(w, "key_type");
  cft_jw_cstring(w, key_type_label);
}

CRYFTTEE_CAPABILITY(bls_register) {
  reg_mode mode = registration_mode(request, request_len);
  if (mode == MODE_INVALID) return cft_error_answer("invalid_mode");
  char type[16];
  uint32_t n;
  if (has_field(request, request_len, "key_type") &&
      (!get_short(request, request_len, "key_type", type, sizeof(type), &n) ||
       !equals_ci(type, n, "bls"))) {
    return cft_error_answer("invalid_key_type");
  }
  if (mode == MODE_IMPORT && !has_field(request, request_len, "key_material")) {
    return cft_error_answer("missing_key_material");
  }
  answer key;
  if (!register_key(request, request_len, mode, "\"bls\"", &key)) {
    return cft_error_answer("keyvault_unavailable");
  }
  if (!answer_ok(&key)) return forward(&key);
  cft_json_writer w;
  cft_jw_init(&w, 512);
  begin_registered(&w, &key, "BLS");
  cft_jw_end_object(&w);
  answer_free(&key);
  return cft_jw_finish(&w);
}

/* Which encoding "signature" gets: explicit signature_encoding, else hex for key_handle and
 * base64 for pubkey requests. Returns false for an unknown explicit encoding. */
static bool wants_base64(const char* req, uint32_t len, bool* base64) {
  char enc[16];
  uint32_t n;
  if (has_field(req, len, "signature_encoding")) {
    if (!get_short(req, len, "signature_encoding", enc, sizeof(enc), &n)) return false;
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

/* Selector fields for the host: key_handle and/or pubkey as given. */
static bool write_selector(cft_json_writer* w, const char* req, uint32_t len) {
  bool any = copy_field(w, req, len, "key_handle", "key_handle");
  any = copy_field(w, req, len, "pubkey", "pubkey") || any;
  return any;
}

static uint64_t signature_answer(answer* sig, bool base64) {
  cft_json_value hex, b64;
  if (!cft_json_find(sig->data, sig->len, "signature_hex", &hex) || hex.len < 4 ||
      !cft_json_find(sig->data, sig->len, "signature_base64", &b64)) {
    answer_free(sig);
    return cft_error_answer("keyvault_bad_answer");
  }
  cft_json_writer w;
  cft_jw_init(&w, hex.len + b64.len + 128);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "signature");
  if (base64) {
    raw_value(&w, b64.text, b64.len);
  } else {
    /* "0x..." -> "..." : drop the two characters after the opening quote. */
    cft_jw_before_value(&w);
    cft_jw_raw(&w, "\"", 1);
    cft_jw_raw(&w, hex.text + 3, hex.len - 3);
  }
  cft_jw_key(&w, "signature_hex");
  raw_value(&w, hex.text, hex.len);
  relay_string(&w, sig, "key_handle", "key_handle");
  cft_jw_end_object(&w);
  answer_free(sig);
  return cft_jw_finish(&w);
}

CRYFTTEE_CAPABILITY(bls_sign) {
  bool base64;
  if (!wants_base64(request, request_len, &base64)) {
    return cft_error_answer("invalid_signature_encoding");
  }
  bool pop = false;
  char kind[32];
  uint32_t n;
  if (has_field(request, request_len, "type")) {
    if (!get_short(request, request_len, "type", kind, sizeof(kind), &n)) {
      return cft_error_answer("invalid_type");
    }
    pop = equals_ci(kind, n, "PROOF_OF_POSSESSION") || equals_ci(kind, n, "POP");
  }
  if (has_field(request, request_len, "dst")) {
    if (!get_short(request, request_len, "dst", kind, sizeof(kind), &n)) {
      return cft_error_answer("invalid_dst");
    }
    if (equals_ci(kind, n, "pop")) {
      pop = true;
    } else if (!equals_ci(kind, n, "sig")) {
      return cft_error_answer("invalid_dst");
    }
  }
  cft_json_writer w;
  cft_jw_init(&w, request_len + 64);
  cft_jw_begin_object(&w);
  if (!write_selector(&w, request, request_len)) {
    cryfttee_free(w.data, w.cap);
    return cft_error_answer("missing_key_handle");
  }
  bool has_message = copy_field(&w, request, request_len, "message", "message") ||
                     copy_field(&w, request, request_len, "data", "message");
  /* How the message's bytes are written is decided once, by the host (design.md §4). */
  copy_field(&w, request, request_len, "message_encoding", "message_encoding");
  if (pop && !has_message) {
    cft_jw_key(&w, "proof_of_possession");
    cft_jw_bool(&w, true);
  } else if (!has_message) {
    cryfttee_free(w.data, w.cap);
    return cft_error_answer("missing_message");
  } else if (pop) {
    cft_jw_key(&w, "dst");
    cft_jw_cstring(&w, "pop");
  }
  cft_jw_key(&w, "expect_key_type");
  cft_jw_cstring(&w, "bls");
  cft_jw_end_object(&w);
  answer sig;
  if (!call_host(keyvault_sign, &w, false, &sig)) return cft_error_answer("keyvault_unavailable");
  if (!answer_ok(&sig)) return forward(&sig);
  return signature_answer(&sig, base64);
}

CRYFTTEE_CAPABILITY(tls_register) {
  reg_mode mode = registration_mode(request, request_len);
  if (mode == MODE_INVALID) return cft_error_answer("invalid_mode");
  const char* key_type = "\"secp256k1\"";
  const char* key_type_label = "secp256k1";
  char type[16];
  uint32_t n;
  if (has_field(request, request_len, "key_type")) {
    if (!get_short(request, request_len, "key_type", type, sizeof(type), &n)) {
      return cft_error_answer("invalid_key_type");
    }
    if (equals_ci(type, n, "p256") || equals_ci(type, n, "p-256") ||
        equals_ci(type, n, "secp256r1") || equals_ci(type, n, "prime256v1")) {
      key_type = "\"p256\"";
      key_type_label = "p256";
    } else if (!equals_ci(type, n, "secp256k1")) {
      return cft_error_answer("invalid_key_type");
    }
  }
  if (mode == MODE_IMPORT && !has_field(request, request_len, "key_material")) {
    return cft_error_answer("missing_key_material");
  }
  cft_json_value csr;
  if (cft_json_find(request, request_len, "csr_pem", &csr) && csr.type != CFT_JSON_STRING &&
      csr.type != CFT_JSON_NULL) {
    return cft_error_answer("invalid_csr");
  }
  answer key;
  if (!register_key(request, request_len, mode, key_type, &key)) {
    return cft_error_answer("keyvault_unavailable");
  }
  if (!answer_ok(&key)) return forward(&key);

  cft_json_writer c;
  cft_jw_init(&c, request_len + 128);
  cft_jw_begin_object(&c);
  relay_string(&c, &key, "key_handle", "key_handle");
  copy_field(&c, request, request_len, "csr_pem", "csr_pem");
  copy_field(&c, request, request_len, "common_name", "common_name");
  cft_jw_end_object(&c);
  answer cert;
  if (!call_host(keyvault_certificate, &c, false, &cert)) {
    answer_free(&key);
    return cft_error_answer("keyvault_unavailable");
  }
  if (!answer_ok(&cert)) {
    answer_free(&key);
    return forward(&cert);
  }
  cft_json_writer w;
  cft_jw_init(&w, cert.len + 512);
  begin_registered(&w, &key, key_type_label);
  relay_string(&w, &cert, "certificate", "certificate");
  relay_string(&w, &cert, "node_id", "node_id");
  cft_jw_end_object(&w);
  answer_free(&key);
  answer_free(&cert);
  return cft_jw_finish(&w);
}

CRYFTTEE_CAPABILITY(tls_sign) {
  bool base64;
  if (!wants_base64(request, request_len, &base64)) {
    return cft_error_answer("invalid_signature_encoding");
  }
  char text[32];
  uint32_t n;
  if (has_field(request, request_len, "algorithm")) {
    if (!get_short(request, request_len, "algorithm", text, sizeof(text), &n) ||
        !equals_ci(text, n, "ecdsa-sha256")) {
      return cft_error_answer("unsupported_algorithm");
    }
  }
  cft_json_writer w;
  cft_jw_init(&w, request_len + 64);
  cft_jw_begin_object(&w);
  if (!write_selector(&w, request, request_len)) {
    cryfttee_free(w.data, w.cap);
    return cft_error_answer("missing_key_handle");
  }
  if (!copy_field(&w, request, request_len, "digest", "digest") &&
      !copy_field(&w, request, request_len, "data", "digest")) {
    cryfttee_free(w.data, w.cap);
    return cft_error_answer("missing_digest");
  }
  copy_field(&w, request, request_len, "format", "format");
  copy_field(&w, request, request_len, "message_encoding", "message_encoding");
  cft_jw_key(&w, "expect_key_type");
  cft_jw_cstring(&w, "ecdsa");
  cft_jw_end_object(&w);
  answer sig;
  if (!call_host(keyvault_sign, &w, false, &sig)) return cft_error_answer("keyvault_unavailable");
  if (!answer_ok(&sig)) return forward(&sig);
  return signature_answer(&sig, base64);
}

/* ---- Status panel */

/* Walks the elements of a JSON array given as raw text. Uses the SDK's internal scanner, which
 * this translation unit compiles (CRYFTTEE_MODULE_IMPLEMENTATION). */
typedef struct {
  cft_cursor c;
  bool first;
} array_iter;

static void array_begin(array_iter* it, const char* text, uint32_t len) {
  it->c.p = text + 1; /* after '[' */
  it->c.end = text + len;
  it->first = true;
}

static bool array_next(array_iter* it, cft_json_value* out) {
  cft_ws(&it->c);
  if (it->c.p >= it->c.end || *it->c.p == ']') return false;
  if (!it->first) {
    if (*it->c.p != ',') return false;
    ++it->c.p;
    cft_ws(&it->c);
  }
  it->first = false;
  out->text = it->c.p;
  if (!cft_skip_value(&it->c, &out->type)) return false;
  out->len = (uint32_t)(it->c.p - out->text);
  return true;
}

static void key_value(cft_json_writer* w, const char* key, const char* value, uint32_t value_len) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "type");
  cft_jw_cstring(w, "key_value");
  cft_jw_key(w, "key");
  cft_jw_cstring(w, key);
  cft_jw_key(w, "value");
  cft_jw_string(w, value, value_len);
  cft_jw_end_object(w);
}

static uint32_t format_uint(char* buf, uint64_t v) {
  char tmp[24];
  uint32_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (uint32_t i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

static uint32_t append(char* buf, uint32_t at, const char* s) {
  for (uint32_t i = 0; s[i]; ++i) buf[at++] = s[i];
  return at;
}

CRYFTTEE_CAPABILITY(get_status_panel) {
  (void)request;
  (void)request_len;
  cft_json_writer q;
  cft_jw_init(&q, 16);
  cft_jw_begin_object(&q);
  cft_jw_end_object(&q);
  answer list;
  if (!call_host(keyvault_list, &q, true, &list)) return cft_error_answer("keyvault_unavailable");
  if (!answer_ok(&list)) return forward(&list);

  cft_json_value keys;
  bool have_keys = cft_json_find(list.data, list.len, "keys", &keys) && keys.type == CFT_JSON_ARRAY;
  uint64_t bls_signs = 0, tls_signs = 0, key_count = 0;
  int64_t last_sign = 0;

  cft_json_writer w;
  cft_jw_init(&w, list.len + 1024);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "module_id");
  cft_jw_cstring(&w, MODULE_ID);
  cft_jw_key(&w, "module_version");
  cft_jw_cstring(&w, MODULE_VERSION);
  cft_jw_key(&w, "title");
  cft_jw_cstring(&w, "BLS/TLS Signer");
  cft_jw_key(&w, "sections");
  cft_jw_begin_array(&w);

  cft_jw_begin_object(&w);
  cft_jw_key(&w, "heading");
  cft_jw_cstring(&w, "Managed Keys");
  cft_jw_key(&w, "items");
  cft_jw_begin_array(&w);
  if (have_keys) {
    array_iter it;
    cft_json_value k;
    array_begin(&it, keys.text, keys.len);
    while (array_next(&it, &k)) {
      if (k.type != CFT_JSON_OBJECT) continue;
      cft_json_value type;
      bool is_bls = cft_json_find(k.text, k.len, "key_type", &type) && type.len == 5 &&
                    memcmp(type.text, "\"bls\"", 5) == 0;
      int64_t count = 0, last = 0;
      cft_json_get_int(k.text, k.len, "sign_count", &count);
      cft_json_get_int(k.text, k.len, "last_sign_at", &last);
      if (is_bls) {
        bls_signs += (uint64_t)count;
      } else {
        tls_signs += (uint64_t)count;
      }
      if (last > last_sign) last_sign = last;
      ++key_count;
      cft_jw_begin_object(&w);
      cft_jw_key(&w, "type");
      cft_jw_cstring(&w, "public_key");
      cft_jw_key(&w, "key_type");
      cft_jw_cstring(&w, is_bls ? "BLS" : "TLS");
      cft_json_value v;
      if (cft_json_find(k.text, k.len, "public_key", &v)) {
        cft_jw_key(&w, "public_key");
        raw_value(&w, v.text, v.len);
      }
      if (cft_json_find(k.text, k.len, "label", &v)) {
        cft_jw_key(&w, "label");
        raw_value(&w, v.text, v.len);
      }
      if (cft_json_find(k.text, k.len, "created", &v)) {
        cft_jw_key(&w, "created");
        raw_value(&w, v.text, v.len);
      }
      if (cft_json_find(k.text, k.len, "key_handle", &v)) {
        cft_jw_key(&w, "key_handle");
        raw_value(&w, v.text, v.len);
      }
      if (cft_json_find(k.text, k.len, "key_type", &v)) {
        cft_jw_key(&w, "algorithm");
        raw_value(&w, v.text, v.len);
      }
      cft_jw_end_object(&w);
    }
  }
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);

  char buf[64];
  uint32_t n;
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "heading");
  cft_jw_cstring(&w, "Key Backend");
  cft_jw_key(&w, "items");
  cft_jw_begin_array(&w);
  key_value(&w, "Backend", "Local key vault (sealed files)", 30);
  char seal[32];
  uint32_t seal_len = 0;
  bool machine = false;
  if (cft_json_get_string(list.data, list.len, "seal_source", seal, sizeof(seal), &seal_len)) {
    key_value(&w, "Sealing", seal, seal_len);
    machine = equals_ci(seal, seal_len, "machine_secret");
  }
  n = format_uint(buf, key_count);
  key_value(&w, "Key Count", buf, n);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "type");
  cft_jw_cstring(&w, "status_indicator");
  cft_jw_key(&w, "status");
  cft_jw_cstring(&w, machine ? "warning" : "ok");
  cft_jw_key(&w, "message");
  cft_jw_cstring(&w, machine ? "keys are sealed with a machine secret stored beside them"
                             : "keys are sealed with the operator's seal password");
  cft_jw_end_object(&w);
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);

  cft_jw_begin_object(&w);
  cft_jw_key(&w, "heading");
  cft_jw_cstring(&w, "Signing Statistics");
  cft_jw_key(&w, "items");
  cft_jw_begin_array(&w);
  n = format_uint(buf, bls_signs);
  key_value(&w, "BLS Signs", buf, n);
  n = format_uint(buf, tls_signs);
  key_value(&w, "TLS Signs", buf, n);
  if (last_sign <= 0) {
    key_value(&w, "Last Sign", "never", 5);
  } else {
    int64_t ago = (cryfttee_now_ms() - last_sign) / 1000;
    if (ago < 0) ago = 0;
    n = format_uint(buf, (uint64_t)ago);
    n = append(buf, n, ago == 1 ? " second ago" : " seconds ago");
    key_value(&w, "Last Sign", buf, n);
  }
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);

  cft_jw_end_array(&w);
  cft_jw_end_object(&w);
  answer_free(&list);
  return cft_jw_finish(&w);
}
