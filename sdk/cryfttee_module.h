/* cryfttee module SDK, ABI v1: the one public header for WebAssembly modules written in C or C++.
 * docs/module-abi.md is the full contract; this header is what a module includes.
 *
 * Build: compile your sources and sdk/cryfttee_sdk.c (the SDK's implementation, its own
 * translation unit, so a module can only reach what this header declares), then link:
 *   clang-14 --target=wasm32 -nostdlib -O2 -mbulk-memory -flto -I sdk -c module.c cryfttee_sdk.c
 *   wasm-ld-14 --no-entry --export-dynamic --stack-first -z stack-size=65536 --lto-O2 \
 *     -o module.wasm module.o cryfttee_sdk.o
 * --stack-first makes a C stack overflow trap instead of silently overwriting static data. In
 * CMake, cryfttee_wasm_module() from cmake/wasm_module.cmake does all of this. (A one-file build
 * may instead `#define CRYFTTEE_MODULE_IMPLEMENTATION` before including this header in exactly
 * one source file; the SDK's implementation is then compiled into that file.)
 *
 * A capability is an export taking a JSON request and returning a packed (ptr << 32 | len) that
 * points at the JSON answer in module memory:
 *
 *   CRYFTTEE_CAPABILITY(debug_echo) {
 *     cft_json_value msg;
 *     if (!cft_json_get(request, request_len, "message", &msg) || msg.type != CFT_JSON_STRING)
 *       return cft_error(CFT_INVALID_ARGUMENT, "missing_message", "send a \"message\" string");
 *     cft_json_writer w;
 *     cft_jw_init(&w, msg.len + 64);
 *     cft_jw_begin_object(&w);
 *     cft_jw_key(&w, "success");
 *     cft_jw_bool(&w, true);
 *     cft_jw_key(&w, "message");
 *     cft_jw_value(&w, &msg);      // copied verbatim: no per-byte work in the module
 *     cft_jw_end_object(&w);
 *     return cft_jw_finish(&w);
 *   }
 *
 * Cost model (why the API looks like this): module code runs in an interpreter at roughly 30 ns
 * per instruction, and every loop iteration is billed fuel. So the SDK never walks bytes in the
 * module when the host can: JSON is indexed by the host (`json_index`, one native pass per
 * buffer), values are copied with memory.copy (one instruction whatever the length), and bytes
 * for signing go to the host as a span of module memory, never re-encoded by the module. Write
 * modules the same way: look fields up, copy spans, and leave loops over request bytes to the
 * host.
 *
 * The host frees both the request and the answer with cryfttee_free after copying the answer
 * out; cryfttee_free ignores pointers it did not hand out, so an answer may also live in static
 * memory.
 */
#ifndef CRYFTTEE_MODULE_H_
#define CRYFTTEE_MODULE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ABI constants: the one place a module gets them from (the host's are in
 * src/modules/engine.h and src/modules/host_functions_*.h; docs/module-abi.md lists both). */
#define CRYFTTEE_ABI_VERSION 1
#define CRYFTTEE_IMPORT_NAMESPACE "cryfttee"
/* Negative results of host functions. */
#define CRYFTTEE_HOST_TOO_LARGE (-1)
#define CRYFTTEE_HOST_INTERNAL (-2)
#define CRYFTTEE_HOST_INVALID (-3)
/* keyvault functions that change state or sign need an out buffer at least this large. */
#define CRYFTTEE_KEYVAULT_MIN_OUT_CAP 4096u

#define CRYFTTEE_EXPORT(name) __attribute__((export_name(name), visibility("default")))
#define CRYFTTEE_IMPORT(name) \
  __attribute__((import_module(CRYFTTEE_IMPORT_NAMESPACE), import_name(name)))

/* Declares (and begins the definition of) capability export `name`. The request is
 * (request, request_len); it is not NUL-terminated. */
#define CRYFTTEE_CAPABILITY(name) \
  CRYFTTEE_EXPORT(#name) uint64_t name(const char* request, uint32_t request_len)

/* Packs an answer for return from a capability. */
static inline uint64_t cryfttee_pack(const void* ptr, uint32_t len) {
  return ((uint64_t)(uintptr_t)ptr << 32) | (uint64_t)len;
}

/* ---- Host functions (namespace "cryfttee"). A module imports only those it calls (the linker
 * drops the rest), and loads only if each is granted to it: module.json "hostFunctions" lists
 * them, and the publisher's allowance in trust.toml must include their grant. A pointer range
 * outside memory traps the module. */

enum {
  CRYFTTEE_LOG_DEBUG = 0,
  CRYFTTEE_LOG_INFO = 1,
  CRYFTTEE_LOG_WARN = 2,
  CRYFTTEE_LOG_ERROR = 3
};

/* grant "log": one log line, attributed to the module; at most 4096 bytes are kept. */
CRYFTTEE_IMPORT("log") void cryfttee_log(int32_t level, const char* msg, uint32_t len);
/* grant "clock": Unix time in milliseconds. */
CRYFTTEE_IMPORT("now_ms") int64_t cryfttee_now_ms(void);
/* grant "random": fills buf from the host CSPRNG. Returns len, or -1 if len > 65536. */
CRYFTTEE_IMPORT("random_bytes") int32_t cryfttee_random_bytes(void* buf, uint32_t len);
/* No grant needed (an intrinsic): the SDK's JSON reader. Use cft_json_* below, not this. */
CRYFTTEE_IMPORT("json_index")
int32_t cryfttee_json_index(const char* json, uint32_t len, uint32_t first, void* out,
                            uint32_t out_cap);

/* grant "keyvault": the host's sealed key vault (src/modules/host_functions_keyvault.h has the
 * exact request fields). Requests are small strict JSON objects; each answer is a JSON object
 * written to (out, cap), and the return value is its full length (retry with a larger buffer if
 * it exceeds cap) or a negative CRYFTTEE_HOST_* code. Use cft_keyvault_call below. Private keys
 * never enter module memory. */
CRYFTTEE_IMPORT("keyvault_generate")
int32_t cryfttee_keyvault_generate(const char* req, uint32_t req_len, char* out, uint32_t cap);
CRYFTTEE_IMPORT("keyvault_import")
int32_t cryfttee_keyvault_import(const char* req, uint32_t req_len, char* out, uint32_t cap);
CRYFTTEE_IMPORT("keyvault_public_key")
int32_t cryfttee_keyvault_public_key(const char* req, uint32_t req_len, char* out, uint32_t cap);
CRYFTTEE_IMPORT("keyvault_list")
int32_t cryfttee_keyvault_list(const char* req, uint32_t req_len, char* out, uint32_t cap);
CRYFTTEE_IMPORT("keyvault_certificate")
int32_t cryfttee_keyvault_certificate(const char* req, uint32_t req_len, char* out, uint32_t cap);
/* `bytes` is the text of the bytes to sign exactly as the client sent them (base64, or 0x hex
 * under the host's one rule; see "encoding"): the host decodes it natively, so a large message
 * crosses the boundary once, in bulk. */
CRYFTTEE_IMPORT("keyvault_sign")
int32_t cryfttee_keyvault_sign(const char* req, uint32_t req_len, const char* bytes,
                               uint32_t bytes_len, char* out, uint32_t cap);

/* grant "http": one outbound HTTP exchange with the origin the operator configured
 * (src/modules/host_functions_http.h has the request and answer fields). Same calling shape as
 * the keyvault functions: JSON request, JSON answer in (out, cap), the answer's full length or a
 * negative CRYFTTEE_HOST_* code. cap must be at least CRYFTTEE_KEYVAULT_MIN_OUT_CAP. */
CRYFTTEE_IMPORT("http_request")
int32_t cryfttee_http_request(const char* req, uint32_t req_len, char* out, uint32_t cap);

/* ---- ABI exports, defined by the SDK. */
CRYFTTEE_EXPORT("cryfttee_abi_version") int32_t cryfttee_abi_version(void);
/* Returns a buffer of at least len bytes (8-byte aligned), or 0 if memory is exhausted. */
CRYFTTEE_EXPORT("cryfttee_alloc") void* cryfttee_alloc(uint32_t len);
/* Releases a buffer from cryfttee_alloc; ignores 0 and any pointer it did not hand out. */
CRYFTTEE_EXPORT("cryfttee_free") void cryfttee_free(void* ptr, uint32_t len);

/* Memory functions the compiler may emit calls to. With -mbulk-memory memcpy, memmove and
 * memset are single memory.copy / memory.fill instructions: prefer them to loops. */
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
/* Eight bytes per step. For a string literal the compiler computes the length itself, so every
 * function below that takes a NUL-terminated key or word costs nothing to measure it. */
size_t strlen(const char* s);

static inline uint32_t cft_strlen(const char* s) { return (uint32_t)__builtin_strlen(s); }
/* a[0, n) == b[0, n), eight bytes per step. */
bool cft_mem_eq(const void* a, const void* b, uint32_t n);
void cryfttee_log_str(int32_t level, const char* msg);

/* ---- Errors. An error answer is {"success":false,"error":code,"kind":kind,"message":message}.
 * The kind travels to the daemon, which maps it to the HTTP status once (docs/module-abi.md
 * 1.10); an answer without a valid kind is reported as the module's failure (502). */
typedef enum {
  CFT_INVALID_ARGUMENT, /* the request is wrong: 400 */
  CFT_NOT_FOUND,        /* 404 */
  CFT_ALREADY_EXISTS,   /* 409 */
  CFT_PERMISSION_DENIED,
  CFT_FAILED_PRECONDITION,
  CFT_UNAVAILABLE, /* transient: 503 */
  CFT_UPSTREAM,    /* something the module depends on failed: 502 */
  CFT_TOO_LARGE,
  CFT_INTERNAL
} cft_error_kind;

/* A static error answer (no allocation, so it works when memory is exhausted). code is a stable
 * snake_case code of at most 64 bytes; message is free text (at most 256 bytes are kept; quote,
 * backslash and control bytes become '?'). */
uint64_t cft_error(cft_error_kind kind, const char* code, const char* message);
/* cft_error(CFT_UPSTREAM, code, code): for failures that are the module's own. */
uint64_t cft_error_answer(const char* code);

/* ---- JSON reader. The first lookup on a buffer asks the host to validate it and index its
 * top level in one native pass; later lookups on the same buffer compare keys only. Nothing
 * walks the buffer's bytes in the module, so a lookup costs the same for a 100-byte request and
 * a 1 MiB one. Indexes are dropped whenever an allocation or free touches their bytes. */

typedef enum {
  CFT_JSON_STRING,
  CFT_JSON_NUMBER,
  CFT_JSON_BOOL,
  CFT_JSON_NULL,
  CFT_JSON_OBJECT,
  CFT_JSON_ARRAY
} cft_json_type;

typedef struct {
  cft_json_type type;
  const char* text; /* the raw value, quotes included for strings */
  uint32_t len;
  bool escaped; /* a string containing backslash escapes (rare; see cft_json_string_span) */
} cft_json_value;

/* True when json is exactly one well-formed object (or, for cft_json_array_*, array). */
bool cft_json_valid(const char* json, uint32_t len);
/* The first member named key, of any type (null included). False if absent or json is not a
 * well-formed object. */
bool cft_json_find_n(const char* json, uint32_t len, const char* key, uint32_t key_len,
                     cft_json_value* out);
static inline bool cft_json_find(const char* json, uint32_t len, const char* key,
                                 cft_json_value* out) {
  return cft_json_find_n(json, len, key, cft_strlen(key), out);
}
/* As cft_json_find, but a null value counts as absent (the usual meaning of "optional"). */
static inline bool cft_json_get(const char* json, uint32_t len, const char* key,
                                cft_json_value* out) {
  return cft_json_find(json, len, key, out) && out->type != CFT_JSON_NULL;
}
/* The text between a string value's quotes, without copying; false for other types and for
 * strings with escapes (decode those with cft_json_decode_string). */
bool cft_json_string_span(const cft_json_value* v, const char** text, uint32_t* len);
/* Decodes a string value (escapes included, \uXXXX and surrogate pairs to UTF-8) into out
 * (capacity cap, not NUL-terminated). False if not a string or it does not fit. */
bool cft_json_decode_string(const cft_json_value* v, char* out, uint32_t cap, uint32_t* out_len);
/* True when v is a string equal to word, ignoring ASCII case (for enum-like fields). */
bool cft_json_string_is_n(const cft_json_value* v, const char* word, uint32_t word_len);
static inline bool cft_json_string_is(const cft_json_value* v, const char* word) {
  return cft_json_string_is_n(v, word, cft_strlen(word));
}
/* A number value that is an integer (no fraction or exponent) within int64; a bool value. */
bool cft_json_value_int(const cft_json_value* v, int64_t* out);
bool cft_json_value_bool(const cft_json_value* v, bool* out);
/* Field shorthands: false if absent or of another type. get_string decodes into out as above. */
static inline bool cft_json_get_string(const char* json, uint32_t len, const char* key, char* out,
                                       uint32_t cap, uint32_t* out_len) {
  cft_json_value v;
  return cft_json_find(json, len, key, &v) && cft_json_decode_string(&v, out, cap, out_len);
}
static inline bool cft_json_get_int(const char* json, uint32_t len, const char* key, int64_t* out) {
  cft_json_value v;
  return cft_json_find(json, len, key, &v) && cft_json_value_int(&v, out);
}
static inline bool cft_json_get_bool(const char* json, uint32_t len, const char* key, bool* out) {
  cft_json_value v;
  return cft_json_find(json, len, key, &v) && cft_json_value_bool(&v, out);
}
/* Arrays (json is the array's own text, e.g. a value from cft_json_find): the number of
 * elements (0 if not a well-formed array) and element i. */
uint32_t cft_json_array_len(const char* json, uint32_t len);
bool cft_json_array_get(const char* json, uint32_t len, uint32_t i, cft_json_value* out);

/* ---- JSON writer. Builds into a buffer from cryfttee_alloc that grows as needed. Any failure
 * (out of memory, nesting deeper than 32) sticks, and cft_jw_finish then returns an error
 * answer instead. Commas are inserted automatically. */

typedef struct {
  char* data;
  uint32_t len;
  uint32_t cap;
  uint32_t depth;
  bool failed;
  bool after_key;
  uint8_t has_items[32]; /* per nesting level: whether a value was written (comma needed) */
} cft_json_writer;

void cft_jw_init(cft_json_writer* w, uint32_t initial_cap);
void cft_jw_begin_object(cft_json_writer* w);
void cft_jw_end_object(cft_json_writer* w);
void cft_jw_begin_array(cft_json_writer* w);
void cft_jw_end_array(cft_json_writer* w);
void cft_jw_key_n(cft_json_writer* w, const char* key, uint32_t key_len);
void cft_jw_string(cft_json_writer* w, const char* s, uint32_t len); /* escaped */
static inline void cft_jw_key(cft_json_writer* w, const char* key) { /* NUL-terminated */
  cft_jw_key_n(w, key, cft_strlen(key));
}
static inline void cft_jw_cstring(cft_json_writer* w, const char* s) {
  cft_jw_string(w, s, cft_strlen(s));
}
void cft_jw_uint(cft_json_writer* w, uint64_t v);
void cft_jw_int(cft_json_writer* w, int64_t v);
void cft_jw_bool(cft_json_writer* w, bool v);
void cft_jw_null(cft_json_writer* w);
void cft_jw_hex(cft_json_writer* w, const void* bytes, uint32_t len); /* "0x..." string */
/* A value that is already JSON text, copied verbatim (one memory.copy): relaying a field of a
 * request or a host answer costs the same whatever its length. */
void cft_jw_value(cft_json_writer* w, const cft_json_value* v);
void cft_jw_json(cft_json_writer* w, const char* json_text, uint32_t len);
/* Bytes with no comma handling, inside a value being built by hand (e.g. a string's middle). */
void cft_jw_raw(cft_json_writer* w, const char* text, uint32_t len);
/* Releases the buffer (for a writer that will not be finished). */
void cft_jw_discard(cft_json_writer* w);
/* Returns the packed answer. On failure returns a static module_out_of_memory or
 * module_json_unbalanced error answer. */
uint64_t cft_jw_finish(cft_json_writer* w);

/* ---- Key vault calls (grant "keyvault"). An answer lives in a buffer from cryfttee_alloc. */

typedef struct {
  char* data;
  uint32_t len;
  uint32_t cap;
} cft_answer;

typedef enum {
  CFT_KEYVAULT_GENERATE,
  CFT_KEYVAULT_IMPORT,
  CFT_KEYVAULT_PUBLIC_KEY,
  CFT_KEYVAULT_LIST,
  CFT_KEYVAULT_CERTIFICATE,
  CFT_KEYVAULT_SIGN
} cft_keyvault_op;

/* Sends the finished request in w (consumed: its buffer is freed) with optional bytes (sign
 * only) and receives the answer, retrying once with the exact size if a read-only answer did not
 * fit. False if the host refused the call outright (out of memory, request too large); an
 * operation that failed is a true return whose answer has "success": false. */
bool cft_keyvault_call(cft_keyvault_op op, cft_json_writer* w, const char* bytes,
                       uint32_t bytes_len, cft_answer* out);
/* "success": true in the answer. */
bool cft_answer_ok(const cft_answer* a);
/* Returns the host's own error answer as the module's (it already carries error, kind and
 * message), handing its buffer to the host to free. */
uint64_t cft_answer_forward(cft_answer* a);
void cft_answer_free(cft_answer* a);

/* ---- Status panels (the optional get_status_panel export), in the seed's schema:
 *   {"title", "sections": [{"heading", "items": [item...]}]}, item = key_value | status_indicator
 * The host adds module_id and module_version. */
void cft_panel_begin(cft_json_writer* w, const char* title);
void cft_panel_section(cft_json_writer* w, const char* heading); /* closes the previous one */
void cft_panel_key_value(cft_json_writer* w, const char* key, const char* value,
                         uint32_t value_len);
/* value in decimal, then suffix (may be ""). */
void cft_panel_key_uint(cft_json_writer* w, const char* key, uint64_t value, const char* suffix);
/* status: "ok" | "warning" | "error". */
void cft_panel_status(cft_json_writer* w, const char* status, const char* message);
/* Opens an item object of the given type; write its fields, then cft_jw_end_object. */
void cft_panel_item(cft_json_writer* w, const char* type);
uint64_t cft_panel_finish(cft_json_writer* w);

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifdef CRYFTTEE_MODULE_IMPLEMENTATION
#include "cryfttee_sdk.c"
#endif

#endif /* CRYFTTEE_MODULE_H_ */
