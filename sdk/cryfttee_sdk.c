/* The cryfttee module SDK's implementation: compiled as its own translation unit beside a
 * module's sources (cmake/wasm_module.cmake does this), so everything here that the public
 * header does not declare stays private to the SDK. See cryfttee_module.h for the contract. */
#include "cryfttee_module.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CFT_PRIVATE static

/* ---- Memory functions. The builtins lower to memory.copy / memory.fill under -mbulk-memory. */

void* memcpy(void* dst, const void* src, size_t n) { return __builtin_memmove(dst, src, n); }
void* memmove(void* dst, const void* src, size_t n) { return __builtin_memmove(dst, src, n); }
void* memset(void* dst, int c, size_t n) { return __builtin_memset(dst, c, n); }

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = (const unsigned char*)a;
  const unsigned char* y = (const unsigned char*)b;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

bool cft_mem_eq(const void* a, const void* b, uint32_t n) {
  const char* x = (const char*)a;
  const char* y = (const char*)b;
  uint32_t i = 0;
  for (; n - i >= 8; i += 8) {
    uint64_t u, v;
    __builtin_memcpy(&u, x + i, 8);
    __builtin_memcpy(&v, y + i, 8);
    if (u != v) return false;
  }
  for (; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

/* SWAR helpers: a byte-wise test on eight bytes at once, so a scan costs about two interpreted
 * instructions per byte instead of ten. CFT_ONES * k repeats byte k in every lane. */
#define CFT_ONES 0x0101010101010101ull
#define CFT_HIGHS 0x8080808080808080ull
/* Lanes whose byte is zero get their high bit set (exact: no false positives). */
CFT_PRIVATE uint64_t cft_zero_lanes(uint64_t x) {
  return ~(((x & ~CFT_HIGHS) + ~CFT_HIGHS) | x) & CFT_HIGHS;
}

size_t strlen(const char* s) {
  size_t n = 0;
  /* Byte-wise up to an 8-byte boundary, then whole aligned words: an aligned word holding the
   * terminator never crosses the end of memory (a multiple of 64 KiB). */
  while (((uintptr_t)(s + n) & 7u) != 0) {
    if (!s[n]) return n;
    ++n;
  }
  for (;;) {
    uint64_t w;
    __builtin_memcpy(&w, s + n, 8);
    if (cft_zero_lanes(w)) break;
    n += 8;
  }
  while (s[n]) ++n;
  return n;
}

/* Lanes holding a byte JSON must escape in a string: below 0x20, '"', '\\' or 0x7f. */
CFT_PRIVATE uint64_t cft_special_lanes(uint64_t x) {
  uint64_t low = (x - CFT_ONES * 0x20u) & ~x & CFT_HIGHS; /* < 0x20 (never >= 0x80) */
  uint64_t special = low | cft_zero_lanes(x ^ (CFT_ONES * '"')) |
                     cft_zero_lanes(x ^ (CFT_ONES * '\\')) | cft_zero_lanes(x ^ (CFT_ONES * 0x7fu));
  return special;
}

void cryfttee_log_str(int32_t level, const char* msg) { cryfttee_log(level, msg, cft_strlen(msg)); }

int32_t cryfttee_abi_version(void) { return CRYFTTEE_ABI_VERSION; }

/* ---- Allocator: a bump pointer over [__heap_base, end of memory) with a first-fit free list,
 * and a full reset whenever nothing is live (the common request/answer pattern: the host frees
 * both after every call, so the heap never fragments across calls). Each block has an 8-byte
 * header: its capacity and a tag that is CFT_USED_TAG while handed out or the next free block
 * otherwise. Nothing is cleared: a buffer's old contents are never read before being written. */
extern unsigned char __heap_base;

#define CFT_USED_TAG 0xC0FFEE01u
#define CFT_PAGE 65536u

typedef struct {
  uint32_t size;
  uint32_t tag; /* CFT_USED_TAG, or the address of the next free header (0 = end) */
} cft_block;

CFT_PRIVATE void cft_json_index_forget(uint32_t start, uint32_t end);
CFT_PRIVATE void cft_json_index_forget_all(void);

static uint32_t cft_heap_start;
static uint32_t cft_top;
static uint32_t cft_free_head;
static uint32_t cft_live;

CFT_PRIVATE void cft_heap_init(void) {
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

/* ---- Errors */

static char cft_error_buf[512];

CFT_PRIVATE uint32_t cft_put_text(uint32_t n, const char* s, uint32_t max, bool sanitize) {
  for (uint32_t i = 0; s[i] && i < max; ++i) {
    char c = s[i];
    if (sanitize && (c == '"' || c == '\\' || (unsigned char)c < 0x20)) c = '?';
    cft_error_buf[n++] = c;
  }
  return n;
}

uint64_t cft_error(cft_error_kind kind, const char* code, const char* message) {
  static const char* const kinds[] = {"invalid_argument",  "not_found",           "already_exists",
                                      "permission_denied", "failed_precondition", "unavailable",
                                      "upstream",          "too_large",           "internal"};
  const char* kind_name =
      (uint32_t)kind < sizeof(kinds) / sizeof(kinds[0]) ? kinds[kind] : "upstream";
  uint32_t n = cft_put_text(0, "{\"success\":false,\"error\":\"", 32, false);
  n = cft_put_text(n, code, 64, true);
  n = cft_put_text(n, "\",\"kind\":\"", 16, false);
  n = cft_put_text(n, kind_name, 32, false);
  n = cft_put_text(n, "\",\"message\":\"", 16, false);
  n = cft_put_text(n, message ? message : "", 256, true);
  n = cft_put_text(n, "\"}", 4, false);
  return cryfttee_pack(cft_error_buf, n);
}

uint64_t cft_error_answer(const char* code) { return cft_error(CFT_UPSTREAM, code, code); }

/* ---- JSON writer */

CFT_PRIVATE void cft_jw_reserve(cft_json_writer* w, uint32_t extra) {
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

CFT_PRIVATE void cft_jw_putc(cft_json_writer* w, char c) {
  /* The common case, without a call; in bounds of the live buffer even after a failure (whose
   * output cft_jw_finish discards). */
  if (w->len < w->cap) {
    w->data[w->len++] = c;
    return;
  }
  cft_jw_reserve(w, 1);
  if (w->failed) return;
  w->data[w->len++] = c;
}

/* Called before every value: a comma unless first in its container or right after a key. */
CFT_PRIVATE void cft_jw_before_value(cft_json_writer* w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth > 0 && w->has_items[w->depth - 1]) cft_jw_putc(w, ',');
  if (w->depth > 0) w->has_items[w->depth - 1] = 1;
}

CFT_PRIVATE void cft_jw_open(cft_json_writer* w, char c) {
  cft_jw_before_value(w);
  if (w->depth >= sizeof(w->has_items)) {
    w->failed = true;
    return;
  }
  cft_jw_putc(w, c);
  w->has_items[w->depth++] = 0;
}

CFT_PRIVATE void cft_jw_close(cft_json_writer* w, char c) {
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

/* A quoted, escaped string. Runs of plain characters are copied with one memory.copy each, so a
 * string without special characters costs one pass of the cheap test below plus one copy. */
CFT_PRIVATE void cft_jw_escaped(cft_json_writer* w, const char* s, uint32_t len) {
  static const char hex[] = "0123456789abcdef";
  cft_jw_reserve(w, len + 2);
  cft_jw_putc(w, '"');
  uint32_t i = 0;
  while (i < len) {
    uint32_t start = i;
    /* Whole words while none of their bytes may need escaping (the test may flag a plain byte
     * after a borrow; the byte-wise loop below then decides). */
    while (len - i >= 8) {
      uint64_t word;
      __builtin_memcpy(&word, s + i, 8);
      if (cft_special_lanes(word)) break;
      i += 8;
    }
    while (i < len) {
      unsigned char c = (unsigned char)s[i];
      if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) break;
      ++i;
    }
    if (i > start) cft_jw_raw(w, s + start, i - start);
    if (i == len) break;
    unsigned char c = (unsigned char)s[i++];
    char e[6] = {'\\', (char)c, 0, 0, 0, 0};
    uint32_t n = 2;
    if (c == '\n') {
      e[1] = 'n';
    } else if (c == '\r') {
      e[1] = 'r';
    } else if (c == '\t') {
      e[1] = 't';
    } else if (c != '"' && c != '\\') {
      e[1] = 'u';
      e[2] = '0';
      e[3] = '0';
      e[4] = hex[c >> 4];
      e[5] = hex[c & 15];
      n = 6;
    }
    cft_jw_raw(w, e, n);
  }
  cft_jw_putc(w, '"');
}

void cft_jw_key_n(cft_json_writer* w, const char* key, uint32_t key_len) {
  cft_jw_before_value(w);
  cft_jw_escaped(w, key, key_len);
  cft_jw_putc(w, ':');
  w->after_key = true;
}

void cft_jw_string(cft_json_writer* w, const char* s, uint32_t len) {
  cft_jw_before_value(w);
  cft_jw_escaped(w, s, len);
}

CFT_PRIVATE uint32_t cft_format_uint(char* buf24, uint64_t v) {
  char tmp[21];
  uint32_t n = 0;
  do {
    tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  memcpy(buf24, tmp + sizeof(tmp) - n, n);
  return n;
}

void cft_jw_uint(cft_json_writer* w, uint64_t v) {
  char buf[24];
  cft_jw_before_value(w);
  cft_jw_raw(w, buf, cft_format_uint(buf, v));
}

void cft_jw_int(cft_json_writer* w, int64_t v) {
  char buf[24];
  cft_jw_before_value(w);
  uint32_t n = 0;
  if (v < 0) buf[n++] = '-';
  n += cft_format_uint(buf + n, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
  cft_jw_raw(w, buf, n);
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
  if (len > 0x3fff0000u) {
    w->failed = true;
    return;
  }
  cft_jw_reserve(w, 2 * len + 4);
  if (w->failed) return;
  char* out = w->data + w->len;
  out[0] = '"';
  out[1] = '0';
  out[2] = 'x';
  for (uint32_t i = 0; i < len; ++i) {
    out[3 + 2 * i] = hex[b[i] >> 4];
    out[4 + 2 * i] = hex[b[i] & 15];
  }
  out[3 + 2 * len] = '"';
  w->len += 2 * len + 4;
}

void cft_jw_json(cft_json_writer* w, const char* json_text, uint32_t len) {
  cft_jw_before_value(w);
  cft_jw_raw(w, json_text, len);
}

void cft_jw_value(cft_json_writer* w, const cft_json_value* v) { cft_jw_json(w, v->text, v->len); }

void cft_jw_discard(cft_json_writer* w) {
  if (w->data) cryfttee_free(w->data, w->cap);
  w->data = 0;
  w->cap = 0;
  w->len = 0;
}

uint64_t cft_jw_finish(cft_json_writer* w) {
  if (w->failed || w->depth != 0) {
    bool oom = w->failed;
    cft_jw_discard(w);
    return oom ? cft_error(CFT_UPSTREAM, "module_out_of_memory", "the module ran out of memory")
               : cft_error(CFT_INTERNAL, "module_json_unbalanced",
                           "the module built an unbalanced answer");
  }
  return cryfttee_pack(w->data, w->len);
}

/* ---- JSON reader: indexes from the host's json_index, cached per buffer. */

/* One member (or array element) as json_index writes it: offsets from the buffer's start. */
typedef struct {
  uint32_t key_offset;
  uint32_t key_len;
  uint32_t value_offset;
  uint32_t value_len;
  uint32_t flags; /* kind 1..6 | 0x100 key escaped | 0x200 value escaped */
} cft_index_record;

#define CFT_INDEX_RECORDS 32
#define CFT_INDEX_SLOTS 4

typedef struct {
  const char* json;
  uint32_t len;
  bool in_use;
  int32_t total; /* members, or CRYFTTEE_HOST_INVALID */
  cft_index_record records[CFT_INDEX_RECORDS];
} cft_json_index;

static cft_json_index cft_indexes[CFT_INDEX_SLOTS];
static uint32_t cft_index_victim;

CFT_PRIVATE void cft_json_index_forget(uint32_t start, uint32_t end) {
  for (uint32_t i = 0; i < CFT_INDEX_SLOTS; ++i) {
    uint32_t a = (uint32_t)(uintptr_t)cft_indexes[i].json;
    if (cft_indexes[i].in_use && a < end && start < a + cft_indexes[i].len + 1u) {
      cft_indexes[i].in_use = false;
    }
  }
}

CFT_PRIVATE void cft_json_index_forget_all(void) {
  for (uint32_t i = 0; i < CFT_INDEX_SLOTS; ++i) cft_indexes[i].in_use = false;
}

CFT_PRIVATE const cft_json_index* cft_index_of(const char* json, uint32_t len) {
  for (uint32_t i = 0; i < CFT_INDEX_SLOTS; ++i) {
    if (cft_indexes[i].in_use && cft_indexes[i].json == json && cft_indexes[i].len == len) {
      return &cft_indexes[i];
    }
  }
  cft_json_index* idx = &cft_indexes[cft_index_victim];
  cft_index_victim = (cft_index_victim + 1) % CFT_INDEX_SLOTS;
  idx->json = json;
  idx->len = len;
  idx->total = cryfttee_json_index(json, len, 0, idx->records, CFT_INDEX_RECORDS);
  if (idx->total < 0) idx->total = CRYFTTEE_HOST_INVALID;
  idx->in_use = true;
  return idx;
}

CFT_PRIVATE void cft_value_of(const char* json, const cft_index_record* r, cft_json_value* out) {
  out->type = (cft_json_type)((r->flags & 0xff) - 1);
  out->text = json + r->value_offset;
  out->len = r->value_len;
  out->escaped = (r->flags & 0x200) != 0;
}

/* Record i of the buffer's index: from the cached first page, else from the host (a buffer
 * with more than CFT_INDEX_RECORDS members; `page` receives the page holding i). */
CFT_PRIVATE const cft_index_record* cft_record(const cft_json_index* idx, uint32_t i,
                                               cft_index_record* page, uint32_t* page_first) {
  if (i < CFT_INDEX_RECORDS) return &idx->records[i];
  uint32_t first = i - i % CFT_INDEX_RECORDS;
  if (*page_first != first) {
    if (cryfttee_json_index(idx->json, idx->len, first, page, CFT_INDEX_RECORDS) < 0) return 0;
    *page_first = first;
  }
  return &page[i - first];
}

CFT_PRIVATE bool cft_decode(const char* p, const char* end, char* out, uint32_t cap,
                            uint32_t* out_len);

CFT_PRIVATE bool cft_key_is(const char* json, const cft_index_record* r, const char* key,
                            uint32_t key_len) {
  if ((r->flags & 0x100) == 0) {
    return r->key_len == key_len && cft_mem_eq(json + r->key_offset, key, key_len);
  }
  char buf[128];
  uint32_t n;
  const char* k = json + r->key_offset;
  return cft_decode(k, k + r->key_len, buf, sizeof(buf), &n) && n == key_len &&
         cft_mem_eq(buf, key, n);
}

bool cft_json_valid(const char* json, uint32_t len) { return cft_index_of(json, len)->total >= 0; }

bool cft_json_find_n(const char* json, uint32_t len, const char* key, uint32_t key_len,
                     cft_json_value* out) {
  const cft_json_index* idx = cft_index_of(json, len);
  if (idx->total < 0 || len == 0 || json[0] == '[') return false;
  cft_index_record page[CFT_INDEX_RECORDS];
  uint32_t page_first = 0; /* no page loaded (page 0 is the cached one) */
  for (uint32_t i = 0; i < (uint32_t)idx->total; ++i) {
    const cft_index_record* r = cft_record(idx, i, page, &page_first);
    if (!r) return false;
    if (cft_key_is(json, r, key, key_len)) {
      cft_value_of(json, r, out);
      return true;
    }
  }
  return false;
}

uint32_t cft_json_array_len(const char* json, uint32_t len) {
  const cft_json_index* idx = cft_index_of(json, len);
  return idx->total < 0 || json[0] != '[' ? 0 : (uint32_t)idx->total;
}

bool cft_json_array_get(const char* json, uint32_t len, uint32_t i, cft_json_value* out) {
  if (i >= cft_json_array_len(json, len)) return false;
  const cft_json_index* idx = cft_index_of(json, len);
  cft_index_record page[CFT_INDEX_RECORDS];
  uint32_t page_first = 0;
  const cft_index_record* r = cft_record(idx, i, page, &page_first);
  if (!r) return false;
  cft_value_of(json, r, out);
  return true;
}

bool cft_json_string_span(const cft_json_value* v, const char** text, uint32_t* len) {
  if (v->type != CFT_JSON_STRING || v->escaped || v->len < 2) return false;
  *text = v->text + 1;
  *len = v->len - 2;
  return true;
}

CFT_PRIVATE int cft_hexval(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

CFT_PRIVATE bool cft_hex4(const char* p, const char* end, uint32_t* out) {
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

CFT_PRIVATE bool cft_emit(char* out, uint32_t cap, uint32_t* n, const unsigned char* b,
                          uint32_t k) {
  if (k > cap - *n) return false;
  memcpy(out + *n, b, k);
  *n += k;
  return true;
}

/* Decodes the text between a string's quotes (p, end), escapes included. The host has validated
 * it, but this still checks everything it relies on. Plain runs are copied in bulk. */
CFT_PRIVATE bool cft_decode(const char* p, const char* end, char* out, uint32_t cap,
                            uint32_t* out_len) {
  uint32_t n = 0;
  while (p < end) {
    const char* start = p;
    while (p < end && *p != '\\') ++p;
    if (!cft_emit(out, cap, &n, (const unsigned char*)start, (uint32_t)(p - start))) return false;
    if (p >= end) break;
    if (end - p < 2) return false;
    char e = p[1];
    p += 2;
    uint32_t cp;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        cp = (uint32_t)e;
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
        if (!cft_hex4(p, end, &cp)) return false;
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !cft_hex4(p + 2, end, &lo) ||
              lo < 0xDC00 || lo > 0xDFFF) {
            return false;
          }
          p += 6;
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
    if (!cft_emit(out, cap, &n, utf8, k)) return false;
  }
  *out_len = n;
  return true;
}

bool cft_json_decode_string(const cft_json_value* v, char* out, uint32_t cap, uint32_t* out_len) {
  if (v->type != CFT_JSON_STRING || v->len < 2) return false;
  const char* text;
  uint32_t len;
  if (cft_json_string_span(v, &text, &len)) {
    if (len > cap) return false;
    memcpy(out, text, len);
    *out_len = len;
    return true;
  }
  return cft_decode(v->text + 1, v->text + v->len - 1, out, cap, out_len);
}

CFT_PRIVATE char cft_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

bool cft_json_string_is_n(const cft_json_value* v, const char* word, uint32_t word_len) {
  const char* text;
  uint32_t len;
  char buf[64];
  if (!cft_json_string_span(v, &text, &len)) {
    if (!cft_json_decode_string(v, buf, sizeof(buf), &len)) return false;
    text = buf;
  }
  if (len != word_len) return false;
  for (uint32_t i = 0; i < len; ++i) {
    if (cft_lower(text[i]) != cft_lower(word[i])) return false;
  }
  return true;
}

bool cft_json_value_int(const cft_json_value* v, int64_t* out) {
  if (v->type != CFT_JSON_NUMBER) return false;
  const char* p = v->text;
  const char* end = v->text + v->len;
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

bool cft_json_value_bool(const cft_json_value* v, bool* out) {
  if (v->type != CFT_JSON_BOOL) return false;
  *out = v->text[0] == 't';
  return true;
}

/* ---- Key vault calls */

/* Larger than any state-changing answer (a key, a signature, a certificate), so those are never
 * retried; read-only answers (list) are retried once with the exact size. */
#define CFT_KEYVAULT_OUT_CAP 8192u

CFT_PRIVATE int32_t cft_keyvault_invoke(cft_keyvault_op op, const char* req, uint32_t req_len,
                                        const char* bytes, uint32_t bytes_len, char* out,
                                        uint32_t cap) {
  switch (op) {
    case CFT_KEYVAULT_GENERATE:
      return cryfttee_keyvault_generate(req, req_len, out, cap);
    case CFT_KEYVAULT_IMPORT:
      return cryfttee_keyvault_import(req, req_len, out, cap);
    case CFT_KEYVAULT_PUBLIC_KEY:
      return cryfttee_keyvault_public_key(req, req_len, out, cap);
    case CFT_KEYVAULT_LIST:
      return cryfttee_keyvault_list(req, req_len, out, cap);
    case CFT_KEYVAULT_CERTIFICATE:
      return cryfttee_keyvault_certificate(req, req_len, out, cap);
    case CFT_KEYVAULT_SIGN:
      return cryfttee_keyvault_sign(req, req_len, bytes, bytes_len, out, cap);
  }
  return CRYFTTEE_HOST_INTERNAL;
}

bool cft_keyvault_call(cft_keyvault_op op, cft_json_writer* w, const char* bytes,
                       uint32_t bytes_len, cft_answer* out) {
  out->data = 0;
  out->len = 0;
  out->cap = 0;
  if (w->failed || w->depth != 0 || !w->data) {
    cft_jw_discard(w);
    return false;
  }
  const bool may_retry = op == CFT_KEYVAULT_LIST || op == CFT_KEYVAULT_PUBLIC_KEY;
  uint32_t cap = CFT_KEYVAULT_OUT_CAP;
  bool ok = false;
  for (int attempt = 0; attempt < 2 && !ok; ++attempt) {
    out->data = (char*)cryfttee_alloc(cap);
    out->cap = cap;
    if (!out->data) break;
    int32_t n = cft_keyvault_invoke(op, w->data, w->len, bytes, bytes_len, out->data, cap);
    if (n >= 0 && (uint32_t)n <= cap) {
      out->len = (uint32_t)n;
      ok = true;
      break;
    }
    cft_answer_free(out);
    if (n < 0 || !may_retry) break;
    cap = (uint32_t)n;
  }
  cft_jw_discard(w);
  return ok;
}

bool cft_answer_ok(const cft_answer* a) {
  bool ok = false;
  return a->data && cft_json_get_bool(a->data, a->len, "success", &ok) && ok;
}

uint64_t cft_answer_forward(cft_answer* a) {
  /* The host's answer already is {"success":false,"error","kind","message"}. */
  uint64_t packed = cryfttee_pack(a->data, a->len);
  a->data = 0;
  return packed;
}

void cft_answer_free(cft_answer* a) {
  if (a->data) cryfttee_free(a->data, a->cap);
  a->data = 0;
}

/* ---- Status panels: the writer's depth tells where we are (1 panel object, 2 sections array,
 * 3 section object, 4 items array). */

void cft_panel_begin(cft_json_writer* w, const char* title) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "title");
  cft_jw_cstring(w, title);
  cft_jw_key(w, "sections");
  cft_jw_begin_array(w);
}

CFT_PRIVATE void cft_panel_close_section(cft_json_writer* w) {
  if (w->depth == 4) {
    cft_jw_end_array(w);
    cft_jw_end_object(w);
  }
}

void cft_panel_section(cft_json_writer* w, const char* heading) {
  cft_panel_close_section(w);
  cft_jw_begin_object(w);
  cft_jw_key(w, "heading");
  cft_jw_cstring(w, heading);
  cft_jw_key(w, "items");
  cft_jw_begin_array(w);
}

void cft_panel_item(cft_json_writer* w, const char* type) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "type");
  cft_jw_cstring(w, type);
}

void cft_panel_key_value(cft_json_writer* w, const char* key, const char* value,
                         uint32_t value_len) {
  cft_panel_item(w, "key_value");
  cft_jw_key(w, "key");
  cft_jw_cstring(w, key);
  cft_jw_key(w, "value");
  cft_jw_string(w, value, value_len);
  cft_jw_end_object(w);
}

void cft_panel_key_uint(cft_json_writer* w, const char* key, uint64_t value, const char* suffix) {
  char buf[64];
  uint32_t n = cft_format_uint(buf, value);
  for (uint32_t i = 0; suffix[i] && n < sizeof(buf); ++i) buf[n++] = suffix[i];
  cft_panel_key_value(w, key, buf, n);
}

void cft_panel_status(cft_json_writer* w, const char* status, const char* message) {
  cft_panel_item(w, "status_indicator");
  cft_jw_key(w, "status");
  cft_jw_cstring(w, status);
  cft_jw_key(w, "message");
  cft_jw_cstring(w, message);
  cft_jw_end_object(w);
}

uint64_t cft_panel_finish(cft_json_writer* w) {
  cft_panel_close_section(w);
  cft_jw_end_array(w);
  cft_jw_end_object(w);
  return cft_jw_finish(w);
}

#ifdef __cplusplus
} /* extern "C" */
#endif
