/* cryfttee module SDK, ABI v1: one header for WebAssembly modules written in C or C++.
 *
 * Build (no libc needed):
 *   clang-14 --target=wasm32 -nostdlib -O2 -mbulk-memory -I sdk \
 *     -Wl,--no-entry -Wl,--export-dynamic -Wl,--stack-first -Wl,-z,stack-size=65536 \
 *     -o module.wasm module.c
 * --stack-first makes a C stack overflow trap instead of silently overwriting static data.
 * In CMake, use cryfttee_wasm_module() from cmake/wasm_module.cmake.
 *
 * In exactly one source file, before including this header:
 *   #define CRYFTTEE_MODULE_IMPLEMENTATION
 * That file then defines the ABI exports (cryfttee_abi_version, cryfttee_alloc, cryfttee_free),
 * the allocator and memcpy/memmove/memset/memcmp, which the compiler may call.
 *
 * A capability is an export taking a JSON request and returning a packed (ptr << 32 | len) that
 * points at the JSON answer in module memory:
 *
 *   CRYFTTEE_CAPABILITY(debug_echo) {
 *     cft_json_writer w;
 *     cft_jw_init(&w, 256);
 *     cft_jw_begin_object(&w);
 *     cft_jw_key(&w, "length");
 *     cft_jw_uint(&w, request_len);
 *     cft_jw_end_object(&w);
 *     return cft_jw_finish(&w);
 *   }
 *
 * The host frees both the request and the answer with cryfttee_free after copying the answer
 * out; cryfttee_free ignores pointers it did not hand out, so an answer may also live in static
 * memory. See docs/module-abi.md for the full contract.
 */
#ifndef CRYFTTEE_MODULE_H_
#define CRYFTTEE_MODULE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRYFTTEE_ABI_VERSION 1

#define CRYFTTEE_EXPORT(name) __attribute__((export_name(name), visibility("default")))
#define CRYFTTEE_IMPORT(name) __attribute__((import_module("cryfttee"), import_name(name)))
#define CRYFTTEE_INTERNAL __attribute__((visibility("hidden")))

/* Declares (and begins the definition of) capability export `name`. The request is
 * (request, request_len); it is not NUL-terminated. */
#define CRYFTTEE_CAPABILITY(name) \
  CRYFTTEE_EXPORT(#name) uint64_t name(const char* request, uint32_t request_len)

/* Packs an answer for return from a capability. */
static inline uint64_t cryfttee_pack(const void* ptr, uint32_t len) {
  return ((uint64_t)(uintptr_t)ptr << 32) | (uint64_t)len;
}

/* ---- Host functions (namespace "cryfttee"). A module imports only those it calls, and loads
 * only if each is granted to it (module.json "hostFunctions" and the publisher's allowance). A
 * pointer range outside memory traps the module. */

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

/* ---- ABI exports, defined by CRYFTTEE_MODULE_IMPLEMENTATION. */
CRYFTTEE_EXPORT("cryfttee_abi_version") int32_t cryfttee_abi_version(void);
/* Returns a buffer of at least len bytes (8-byte aligned), or 0 if memory is exhausted. */
CRYFTTEE_EXPORT("cryfttee_alloc") void* cryfttee_alloc(uint32_t len);
/* Releases a buffer from cryfttee_alloc; ignores 0 and any pointer it did not hand out. */
CRYFTTEE_EXPORT("cryfttee_free") void cryfttee_free(void* ptr, uint32_t len);

/* Memory functions the compiler may emit calls to (with -mbulk-memory they become single
 * memory.copy / memory.fill instructions). */
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);

static inline uint32_t cft_strlen(const char* s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}

static inline void cryfttee_log_str(int32_t level, const char* msg) {
  cryfttee_log(level, msg, cft_strlen(msg));
}

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
void cft_jw_raw(cft_json_writer* w, const char* text, uint32_t len); /* no comma handling */
void cft_jw_begin_object(cft_json_writer* w);
void cft_jw_end_object(cft_json_writer* w);
void cft_jw_begin_array(cft_json_writer* w);
void cft_jw_end_array(cft_json_writer* w);
void cft_jw_key(cft_json_writer* w, const char* key);                /* NUL-terminated */
void cft_jw_string(cft_json_writer* w, const char* s, uint32_t len); /* escaped */
void cft_jw_cstring(cft_json_writer* w, const char* s);
void cft_jw_uint(cft_json_writer* w, uint64_t v);
void cft_jw_int(cft_json_writer* w, int64_t v);
void cft_jw_bool(cft_json_writer* w, bool v);
void cft_jw_null(cft_json_writer* w);
void cft_jw_hex(cft_json_writer* w, const void* bytes, uint32_t len); /* "0x..." string */
/* Returns the packed answer. On failure returns {"success":false,"error":"module_out_of_memory"}
 * from static memory. */
uint64_t cft_jw_finish(cft_json_writer* w);

/* Returns a static JSON error answer {"success":false,"error":code} (code must need no escaping
 * and be at most 64 bytes). */
uint64_t cft_error_answer(const char* code);

/* ---- JSON reader for the top level of an object. Values of other fields may be anything
 * (nested objects included); they are skipped with full validation of strings. All functions
 * return false if the text is not a well-formed object or the key is absent or of another type. */

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
  const char* text; /* the raw value, including quotes for strings */
  uint32_t len;
} cft_json_value;

bool cft_json_find(const char* json, uint32_t len, const char* key, cft_json_value* out);
/* Decodes escapes (including \uXXXX and surrogate pairs, to UTF-8) into out (capacity cap,
 * not NUL-terminated); *out_len receives the decoded length. False if it does not fit. */
bool cft_json_get_string(const char* json, uint32_t len, const char* key, char* out, uint32_t cap,
                         uint32_t* out_len);
/* Integers only (no fraction or exponent), within int64. */
bool cft_json_get_int(const char* json, uint32_t len, const char* key, int64_t* out);
bool cft_json_get_bool(const char* json, uint32_t len, const char* key, bool* out);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* =============================================================================================
 * Implementation
 * ============================================================================================= */
#ifdef CRYFTTEE_MODULE_IMPLEMENTATION

#ifdef __cplusplus
extern "C" {
#endif

CRYFTTEE_INTERNAL void* memcpy(void* dst, const void* src, size_t n) {
  return __builtin_memmove(dst, src, n);
}
CRYFTTEE_INTERNAL void* memmove(void* dst, const void* src, size_t n) {
  return __builtin_memmove(dst, src, n);
}
CRYFTTEE_INTERNAL void* memset(void* dst, int c, size_t n) { return __builtin_memset(dst, c, n); }
CRYFTTEE_INTERNAL int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = (const unsigned char*)a;
  const unsigned char* y = (const unsigned char*)b;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

int32_t cryfttee_abi_version(void) { return CRYFTTEE_ABI_VERSION; }

/* Allocator: a bump pointer over [__heap_base, end of memory) with a first-fit free list, and a
 * full reset whenever nothing is live (the common request/answer pattern: the host frees both
 * after every call, so the heap never fragments across calls). Each block has an 8-byte header:
 * its capacity and a tag that is kCftUsed while handed out or the next free block otherwise. */
extern unsigned char __heap_base;

#define CFT_USED_TAG 0xC0FFEE01u
#define CFT_PAGE 65536u

typedef struct {
  uint32_t size;
  uint32_t tag; /* CFT_USED_TAG, or the address of the next free header (0 = end) */
} cft_block;

static void cft_json_index_forget(uint32_t start, uint32_t end); /* defined with the reader */
static void cft_json_index_forget_all(void);

static uint32_t cft_heap_start;
static uint32_t cft_top;
static uint32_t cft_free_head;
static uint32_t cft_live;

static void cft_heap_init(void) {
  if (cft_heap_start == 0) {
    cft_heap_start = ((uint32_t)(uintptr_t)&__heap_base + 7u) & ~7u;
    cft_top = cft_heap_start;
  }
}

void* cryfttee_alloc(uint32_t len) {
  cft_heap_init();
  if (len > 0x7fff0000u) return 0;
  uint32_t size = (len + 7u) & ~7u;
  if (size == 0) size = 8;
  uint32_t prev = 0;
  for (uint32_t cur = cft_free_head; cur != 0;) {
    cft_block* b = (cft_block*)(uintptr_t)cur;
    if (b->size >= size) {
      if (prev) {
        ((cft_block*)(uintptr_t)prev)->tag = b->tag;
      } else {
        cft_free_head = b->tag;
      }
      b->tag = CFT_USED_TAG;
      ++cft_live;
      cft_json_index_forget(cur + 8u, cur + 8u + b->size);
      return (void*)(uintptr_t)(cur + 8u);
    }
    prev = cur;
    cur = b->tag;
  }
  uint64_t end = (uint64_t)cft_top + 8u + size;
  uint64_t mem = (uint64_t)__builtin_wasm_memory_size(0) * CFT_PAGE;
  if (end > mem) {
    uint64_t pages = (end - mem + CFT_PAGE - 1) / CFT_PAGE;
    if (__builtin_wasm_memory_grow(0, (size_t)pages) == (size_t)-1) return 0;
  }
  cft_block* b = (cft_block*)(uintptr_t)cft_top;
  b->size = size;
  b->tag = CFT_USED_TAG;
  cft_top = (uint32_t)end;
  ++cft_live;
  cft_json_index_forget((uint32_t)(uintptr_t)b + 8u, (uint32_t)end);
  return (void*)(uintptr_t)((uint32_t)(uintptr_t)b + 8u);
}

void cryfttee_free(void* ptr, uint32_t len) {
  (void)len;
  cft_heap_init();
  uint32_t p = (uint32_t)(uintptr_t)ptr;
  if (p < cft_heap_start + 8u || p >= cft_top || (p & 7u) != 0) return;
  cft_block* b = (cft_block*)(uintptr_t)(p - 8u);
  if (b->tag != CFT_USED_TAG || b->size > cft_top - p) return;
  cft_json_index_forget(p, p + b->size);
  if (--cft_live == 0) {
    cft_top = cft_heap_start;
    cft_free_head = 0;
    cft_json_index_forget_all();
    return;
  }
  if (p + b->size == cft_top) {
    cft_top = p - 8u;
    return;
  }
  b->tag = cft_free_head;
  cft_free_head = p - 8u;
}

/* ---- JSON writer */

static void cft_jw_reserve(cft_json_writer* w, uint32_t extra) {
  if (w->failed) return;
  if (extra > 0x7fff0000u - w->len) {
    w->failed = true;
    return;
  }
  if (w->len + extra <= w->cap) return;
  uint32_t cap = w->cap ? w->cap : 64;
  while (cap < w->len + extra) cap = cap > 0x3fff0000u ? 0x7fff0000u : cap * 2;
  char* data = (char*)cryfttee_alloc(cap);
  if (!data) {
    w->failed = true;
    return;
  }
  if (w->len) memcpy(data, w->data, w->len);
  if (w->data) cryfttee_free(w->data, w->cap);
  w->data = data;
  w->cap = cap;
}

void cft_jw_init(cft_json_writer* w, uint32_t initial_cap) {
  memset(w, 0, sizeof(*w));
  cft_jw_reserve(w, initial_cap ? initial_cap : 64);
}

void cft_jw_raw(cft_json_writer* w, const char* text, uint32_t len) {
  cft_jw_reserve(w, len);
  if (w->failed) return;
  memcpy(w->data + w->len, text, len);
  w->len += len;
}

static void cft_jw_putc(cft_json_writer* w, char c) { cft_jw_raw(w, &c, 1); }

/* Called before every value: a comma unless first in its container or right after a key. */
static void cft_jw_before_value(cft_json_writer* w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth > 0 && w->has_items[w->depth - 1]) cft_jw_putc(w, ',');
  if (w->depth > 0) w->has_items[w->depth - 1] = 1;
}

static void cft_jw_open(cft_json_writer* w, char c) {
  cft_jw_before_value(w);
  if (w->depth >= sizeof(w->has_items)) {
    w->failed = true;
    return;
  }
  cft_jw_putc(w, c);
  w->has_items[w->depth++] = 0;
}

static void cft_jw_close(cft_json_writer* w, char c) {
  if (w->depth == 0) {
    w->failed = true;
    return;
  }
  --w->depth;
  cft_jw_putc(w, c);
}

void cft_jw_begin_object(cft_json_writer* w) { cft_jw_open(w, '{'); }
void cft_jw_end_object(cft_json_writer* w) { cft_jw_close(w, '}'); }
void cft_jw_begin_array(cft_json_writer* w) { cft_jw_open(w, '['); }
void cft_jw_end_array(cft_json_writer* w) { cft_jw_close(w, ']'); }

static void cft_jw_escaped(cft_json_writer* w, const char* s, uint32_t len) {
  static const char hex[] = "0123456789abcdef";
  cft_jw_putc(w, '"');
  for (uint32_t i = 0; i < len; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      cft_jw_raw(w, e, 2);
    } else if (c == '\n') {
      cft_jw_raw(w, "\\n", 2);
    } else if (c == '\r') {
      cft_jw_raw(w, "\\r", 2);
    } else if (c == '\t') {
      cft_jw_raw(w, "\\t", 2);
    } else if (c < 0x20 || c == 0x7f) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      cft_jw_raw(w, e, 6);
    } else {
      cft_jw_putc(w, (char)c);
    }
  }
  cft_jw_putc(w, '"');
}

void cft_jw_key(cft_json_writer* w, const char* key) {
  cft_jw_before_value(w);
  cft_jw_escaped(w, key, cft_strlen(key));
  cft_jw_putc(w, ':');
  w->after_key = true;
}

void cft_jw_string(cft_json_writer* w, const char* s, uint32_t len) {
  cft_jw_before_value(w);
  cft_jw_escaped(w, s, len);
}

void cft_jw_cstring(cft_json_writer* w, const char* s) { cft_jw_string(w, s, cft_strlen(s)); }

static void cft_jw_digits(cft_json_writer* w, uint64_t v, bool negative) {
  char buf[21];
  uint32_t n = 0;
  do {
    buf[sizeof(buf) - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (negative) buf[sizeof(buf) - 1 - n++] = '-';
  cft_jw_raw(w, buf + sizeof(buf) - n, n);
}

void cft_jw_uint(cft_json_writer* w, uint64_t v) {
  cft_jw_before_value(w);
  cft_jw_digits(w, v, false);
}

void cft_jw_int(cft_json_writer* w, int64_t v) {
  cft_jw_before_value(w);
  cft_jw_digits(w, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void cft_jw_bool(cft_json_writer* w, bool v) {
  cft_jw_before_value(w);
  if (v) {
    cft_jw_raw(w, "true", 4);
  } else {
    cft_jw_raw(w, "false", 5);
  }
}

void cft_jw_null(cft_json_writer* w) {
  cft_jw_before_value(w);
  cft_jw_raw(w, "null", 4);
}

void cft_jw_hex(cft_json_writer* w, const void* bytes, uint32_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char* b = (const unsigned char*)bytes;
  cft_jw_before_value(w);
  cft_jw_raw(w, "\"0x", 3);
  for (uint32_t i = 0; i < len; ++i) {
    char pair[2] = {hex[b[i] >> 4], hex[b[i] & 15]};
    cft_jw_raw(w, pair, 2);
  }
  cft_jw_putc(w, '"');
}

static char cft_error_buf[112];

uint64_t cft_error_answer(const char* code) {
  static const char head[] = "{\"success\":false,\"error\":\"";
  uint32_t n = 0;
  for (uint32_t i = 0; head[i]; ++i) cft_error_buf[n++] = head[i];
  for (uint32_t i = 0; code[i] && i < 64; ++i) cft_error_buf[n++] = code[i];
  cft_error_buf[n++] = '"';
  cft_error_buf[n++] = '}';
  return cryfttee_pack(cft_error_buf, n);
}

uint64_t cft_jw_finish(cft_json_writer* w) {
  if (w->failed || w->depth != 0) {
    if (w->data) cryfttee_free(w->data, w->cap);
    w->data = 0;
    return cft_error_answer(w->failed ? "module_out_of_memory" : "module_json_unbalanced");
  }
  return cryfttee_pack(w->data, w->len);
}

/* ---- JSON reader */

typedef struct {
  const char* p;
  const char* end;
} cft_cursor;

static void cft_ws(cft_cursor* c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
    ++c->p;
  }
}

static int cft_hexval(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

static bool cft_hex4(const char* p, const char* end, uint32_t* out) {
  if (end - p < 4) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int d = cft_hexval(p[i]);
    if (d < 0) return false;
    v = v << 4 | (uint32_t)d;
  }
  *out = v;
  return true;
}

/* True when any of the 8 bytes at p is '"', '\\' or below 0x20 (the bytes that end a run of
 * plain string characters). Classic SWAR zero-byte tests; false positives are impossible when it
 * answers false, which is the only answer the caller relies on to skip ahead. */
static bool cft_has_special8(const char* p) {
  uint64_t w;
  memcpy(&w, p, 8);
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  uint64_t quote = w ^ (ones * '"');
  uint64_t slash = w ^ (ones * '\\');
  uint64_t any = ((quote - ones) & ~quote) | ((slash - ones) & ~slash) | ((w - ones * 0x20) & ~w);
  return (any & highs) != 0;
}

/* Scans a string starting at the opening quote, decoding into out (may be 0 to only validate).
 * Leaves c after the closing quote. */
static bool cft_string(cft_cursor* c, char* out, uint32_t cap, uint32_t* out_len) {
  if (c->p >= c->end || *c->p != '"') return false;
  ++c->p;
  uint32_t n = 0;
  for (;;) {
    /* Plain characters in a tight loop of their own: fuel is charged per loop iteration by the
     * static size of the loop body, so keeping the escape and UTF-8 code below out of the
     * per-character loop makes long strings (base64 messages) about 20x cheaper. */
    const char* start = c->p;
    /* Eight plain bytes per step (no quote, backslash or control byte: SWAR tests on one i64),
     * then byte by byte up to the next special one. A 1 MiB base64 message is scanned in about a
     * sixth of the interpreted instructions of a byte loop. */
    while (c->end - c->p >= 8 && !cft_has_special8(c->p)) c->p += 8;
    while (c->p < c->end && *c->p != '"' && *c->p != '\\' && (unsigned char)*c->p >= 0x20) {
      ++c->p;
    }
    uint32_t plain = (uint32_t)(c->p - start);
    if (out) {
      if (plain > cap - n) return false;
      memcpy(out + n, start, plain);
    }
    n += plain;
    if (c->p >= c->end) return false;
    unsigned char ch = (unsigned char)*c->p++;
    if (ch == '"') break;
    if (ch < 0x20) return false;
    if (ch != '\\') {
      if (out) {
        if (n >= cap) return false;
        out[n] = (char)ch;
      }
      ++n;
      continue;
    }
    if (c->p >= c->end) return false;
    char e = *c->p++;
    uint32_t cp;
    switch (e) {
      case '"':
        cp = '"';
        break;
      case '\\':
        cp = '\\';
        break;
      case '/':
        cp = '/';
        break;
      case 'b':
        cp = '\b';
        break;
      case 'f':
        cp = '\f';
        break;
      case 'n':
        cp = '\n';
        break;
      case 'r':
        cp = '\r';
        break;
      case 't':
        cp = '\t';
        break;
      case 'u':
        if (!cft_hex4(c->p, c->end, &cp)) return false;
        c->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
              !cft_hex4(c->p + 2, c->end, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
            return false;
          }
          c->p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return false;
        }
        break;
      default:
        return false;
    }
    unsigned char utf8[4];
    uint32_t k;
    if (cp < 0x80) {
      utf8[0] = (unsigned char)cp;
      k = 1;
    } else if (cp < 0x800) {
      utf8[0] = (unsigned char)(0xC0 | cp >> 6);
      utf8[1] = (unsigned char)(0x80 | (cp & 0x3F));
      k = 2;
    } else if (cp < 0x10000) {
      utf8[0] = (unsigned char)(0xE0 | cp >> 12);
      utf8[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
      utf8[2] = (unsigned char)(0x80 | (cp & 0x3F));
      k = 3;
    } else {
      utf8[0] = (unsigned char)(0xF0 | cp >> 18);
      utf8[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
      utf8[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
      utf8[3] = (unsigned char)(0x80 | (cp & 0x3F));
      k = 4;
    }
    for (uint32_t i = 0; i < k; ++i) {
      if (out) {
        if (n >= cap) return false;
        out[n] = (char)utf8[i];
      }
      ++n;
    }
  }
  if (out_len) *out_len = n;
  return true;
}

static bool cft_literal(cft_cursor* c, const char* word) {
  uint32_t n = cft_strlen(word);
  if ((uint32_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) return false;
  c->p += n;
  return true;
}

static bool cft_number(cft_cursor* c) {
  const char* start = c->p;
  if (c->p < c->end && *c->p == '-') ++c->p;
  if (c->p >= c->end) return false;
  if (*c->p == '0') {
    ++c->p;
  } else if (*c->p >= '1' && *c->p <= '9') {
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') ++c->p;
  } else {
    return false;
  }
  if (c->p < c->end && *c->p == '.') {
    ++c->p;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return false;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') ++c->p;
  }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
    ++c->p;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-')) ++c->p;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return false;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') ++c->p;
  }
  return c->p > start;
}

/* Skips one value of any kind. Nesting is tracked with a counter, not recursion, so hostile
 * input cannot overflow the module's stack; brackets must match in kind. */
static bool cft_skip_value(cft_cursor* c, cft_json_type* type) {
  cft_ws(c);
  if (c->p >= c->end) return false;
  char first = *c->p;
  if (first == '"') {
    *type = CFT_JSON_STRING;
    return cft_string(c, 0, 0, 0);
  }
  if (first == 't' || first == 'f') {
    *type = CFT_JSON_BOOL;
    return cft_literal(c, first == 't' ? "true" : "false");
  }
  if (first == 'n') {
    *type = CFT_JSON_NULL;
    return cft_literal(c, "null");
  }
  if (first != '{' && first != '[') {
    *type = CFT_JSON_NUMBER;
    return cft_number(c);
  }
  *type = first == '{' ? CFT_JSON_OBJECT : CFT_JSON_ARRAY;
  /* Bit stack of open containers (1 = object), up to 64 deep. */
  uint64_t kinds = 0;
  uint32_t depth = 0;
  for (;;) {
    cft_ws(c);
    if (c->p >= c->end) return false;
    char ch = *c->p;
    if (ch == '{' || ch == '[') {
      if (depth == 64) return false;
      kinds = kinds << 1 | (ch == '{');
      ++depth;
      ++c->p;
    } else if (ch == '}' || ch == ']') {
      if (depth == 0 || (int)(kinds & 1) != (ch == '}')) return false;
      kinds >>= 1;
      ++c->p;
      if (--depth == 0) return true;
    } else if (ch == '"') {
      if (!cft_string(c, 0, 0, 0)) return false;
    } else if (ch == ',' || ch == ':') {
      ++c->p;
    } else if (ch == 't') {
      if (!cft_literal(c, "true")) return false;
    } else if (ch == 'f') {
      if (!cft_literal(c, "false")) return false;
    } else if (ch == 'n') {
      if (!cft_literal(c, "null")) return false;
    } else if (!cft_number(c)) {
      return false;
    }
  }
}

static bool cft_key_equals(const char* raw, const char* raw_end, const char* key) {
  /* Decodes the raw key (escapes included) into a small buffer and compares. */
  char buf[128];
  uint32_t n;
  cft_cursor c = {raw, raw_end};
  if (!cft_string(&c, buf, sizeof(buf), &n)) return false;
  uint32_t k = cft_strlen(key);
  return n == k && memcmp(buf, key, n) == 0;
}

/* A top-level field index. A capability looks up a dozen fields of the same request (and of each
 * host answer); scanning the whole text for each lookup made a request cost O(fields x bytes),
 * so a 60 KB message ran out of fuel. The first lookup on a buffer validates it once and records
 * each field's key and value spans; later lookups on that buffer compare keys only. Two buffers
 * are remembered (the request and the latest host answer). An index is forgotten as soon as any
 * allocation or free touches its bytes, so it can never describe memory that has changed. */
#define CFT_INDEX_FIELDS 48

typedef struct {
  const char* key; /* raw key, quotes included */
  uint32_t key_len;
  cft_json_value value;
} cft_json_field;

typedef struct {
  const char* json;
  uint32_t len;
  bool in_use;
  bool valid;    /* the text is one well-formed object */
  bool overflow; /* more than CFT_INDEX_FIELDS fields: the rest are found by scanning */
  uint32_t count;
  cft_json_field fields[CFT_INDEX_FIELDS];
} cft_json_index;

static cft_json_index cft_indexes[2];
static uint32_t cft_index_victim;

static void cft_json_index_forget(uint32_t start, uint32_t end) {
  for (uint32_t i = 0; i < 2; ++i) {
    uint32_t a = (uint32_t)(uintptr_t)cft_indexes[i].json;
    if (cft_indexes[i].in_use && a < end && start < a + cft_indexes[i].len + 1u) {
      cft_indexes[i].in_use = false;
    }
  }
}

static void cft_json_index_forget_all(void) {
  cft_indexes[0].in_use = false;
  cft_indexes[1].in_use = false;
}

/* Walks the top-level object; records fields into idx (when non-null) and, when key is
 * non-null, reports its first occurrence in *out. False when the text is not one object. */
static bool cft_json_walk(const char* json, uint32_t len, cft_json_index* idx, const char* key,
                          cft_json_value* out, bool* found) {
  cft_cursor c = {json, json + len};
  cft_ws(&c);
  if (c.p >= c.end || *c.p != '{') return false;
  ++c.p;
  cft_ws(&c);
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
  } else {
    for (;;) {
      cft_ws(&c);
      const char* key_start = c.p;
      if (!cft_string(&c, 0, 0, 0)) return false;
      const char* key_end = c.p;
      cft_ws(&c);
      if (c.p >= c.end || *c.p != ':') return false;
      ++c.p;
      cft_ws(&c);
      const char* value_start = c.p;
      cft_json_type type;
      if (!cft_skip_value(&c, &type)) return false;
      cft_json_value v = {type, value_start, (uint32_t)(c.p - value_start)};
      if (idx) {
        if (idx->count < CFT_INDEX_FIELDS) {
          cft_json_field* f = &idx->fields[idx->count++];
          f->key = key_start;
          f->key_len = (uint32_t)(key_end - key_start);
          f->value = v;
        } else {
          idx->overflow = true;
        }
      }
      /* The first occurrence wins; the rest of the object is still validated. */
      if (key && !*found && cft_key_equals(key_start, key_end, key)) {
        *found = true;
        *out = v;
      }
      cft_ws(&c);
      if (c.p < c.end && *c.p == ',') {
        ++c.p;
        continue;
      }
      if (c.p < c.end && *c.p == '}') {
        ++c.p;
        break;
      }
      return false;
    }
  }
  cft_ws(&c);
  return c.p == c.end;
}

bool cft_json_find(const char* json, uint32_t len, const char* key, cft_json_value* out) {
  cft_json_index* idx = 0;
  for (uint32_t i = 0; i < 2; ++i) {
    if (cft_indexes[i].in_use && cft_indexes[i].json == json && cft_indexes[i].len == len) {
      idx = &cft_indexes[i];
    }
  }
  if (!idx) {
    idx = &cft_indexes[cft_index_victim];
    cft_index_victim ^= 1u;
    idx->json = json;
    idx->len = len;
    idx->count = 0;
    idx->overflow = false;
    bool unused = false;
    idx->valid = cft_json_walk(json, len, idx, 0, 0, &unused);
    idx->in_use = true;
  }
  if (!idx->valid) return false;
  for (uint32_t i = 0; i < idx->count; ++i) {
    const cft_json_field* f = &idx->fields[i];
    if (cft_key_equals(f->key, f->key + f->key_len, key)) {
      *out = f->value;
      return true;
    }
  }
  if (!idx->overflow) return false;
  bool found = false;
  return cft_json_walk(json, len, 0, key, out, &found) && found;
}

bool cft_json_get_string(const char* json, uint32_t len, const char* key, char* out, uint32_t cap,
                         uint32_t* out_len) {
  cft_json_value v;
  if (!cft_json_find(json, len, key, &v) || v.type != CFT_JSON_STRING) return false;
  cft_cursor c = {v.text, v.text + v.len};
  return cft_string(&c, out, cap, out_len);
}

bool cft_json_get_int(const char* json, uint32_t len, const char* key, int64_t* out) {
  cft_json_value v;
  if (!cft_json_find(json, len, key, &v) || v.type != CFT_JSON_NUMBER) return false;
  const char* p = v.text;
  const char* end = v.text + v.len;
  bool negative = *p == '-';
  if (negative) ++p;
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  uint64_t acc = 0;
  for (; p < end; ++p) {
    if (*p < '0' || *p > '9') return false; /* fraction or exponent */
    uint64_t d = (uint64_t)(*p - '0');
    if (acc > (limit - d) / 10) return false;
    acc = acc * 10 + d;
  }
  *out = negative ? (int64_t)(0 - acc) : (int64_t)acc;
  return true;
}

bool cft_json_get_bool(const char* json, uint32_t len, const char* key, bool* out) {
  cft_json_value v;
  if (!cft_json_find(json, len, key, &v) || v.type != CFT_JSON_BOOL) return false;
  *out = v.text[0] == 't';
  return true;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CRYFTTEE_MODULE_IMPLEMENTATION */
#endif /* CRYFTTEE_MODULE_H_ */
