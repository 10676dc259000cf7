/* Exercises the SDK's JSON reader, JSON writer and allocator from inside a real module, so the
 * tests check them in the environment modules run in. Key under test: "k". */
#include "cryfttee_module.h"

static uint64_t text_answer(const char* s) { return cryfttee_pack(s, cft_strlen(s)); }

CRYFTTEE_CAPABILITY(get_string) {
  static char out[256];
  uint32_t n = 0;
  if (!cft_json_get_string(request, request_len, "k", out, sizeof(out), &n)) {
    return text_answer("<none>");
  }
  return cryfttee_pack(out, n);
}

CRYFTTEE_CAPABILITY(get_int) {
  int64_t v = 0;
  if (!cft_json_get_int(request, request_len, "k", &v)) return text_answer("<none>");
  cft_json_writer w;
  cft_jw_init(&w, 32);
  cft_jw_int(&w, v);
  return cft_jw_finish(&w);
}

CRYFTTEE_CAPABILITY(get_bool) {
  bool v = false;
  if (!cft_json_get_bool(request, request_len, "k", &v)) return text_answer("<none>");
  return text_answer(v ? "true" : "false");
}

CRYFTTEE_CAPABILITY(find_type) {
  static char digit;
  cft_json_value v;
  if (!cft_json_find(request, request_len, "k", &v)) return text_answer("<none>");
  digit = (char)('0' + (int)v.type);
  return cryfttee_pack(&digit, 1);
}

/* Writes every kind of value; "raw" is the request itself as a JSON string. */
CRYFTTEE_CAPABILITY(write_doc) {
  static const uint8_t bytes[] = {0x00, 0xff, 0x10};
  cft_json_writer w;
  cft_jw_init(&w, 8); /* small on purpose: forces the buffer to grow */
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "raw");
  cft_jw_string(&w, request, request_len);
  cft_jw_key(&w, "min");
  cft_jw_int(&w, INT64_MIN);
  cft_jw_key(&w, "max");
  cft_jw_uint(&w, UINT64_MAX);
  cft_jw_key(&w, "zero");
  cft_jw_int(&w, 0);
  cft_jw_key(&w, "t");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "f");
  cft_jw_bool(&w, false);
  cft_jw_key(&w, "n");
  cft_jw_null(&w);
  cft_jw_key(&w, "hex");
  cft_jw_hex(&w, bytes, sizeof(bytes));
  cft_jw_key(&w, "nested");
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "a\"b");
  cft_jw_begin_array(&w);
  cft_jw_uint(&w, 1);
  cft_jw_cstring(&w, "two");
  cft_jw_begin_object(&w);
  cft_jw_end_object(&w);
  cft_jw_begin_array(&w);
  cft_jw_end_array(&w);
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);
  cft_jw_end_object(&w);
  return cft_jw_finish(&w);
}

/* An unbalanced document must not be returned as if it were JSON. */
CRYFTTEE_CAPABILITY(write_unbalanced) {
  (void)request;
  (void)request_len;
  cft_json_writer w;
  cft_jw_init(&w, 16);
  cft_jw_begin_object(&w);
  return cft_jw_finish(&w);
}

/* Allocates, fills, frees and reallocates blocks of many sizes and checks that no live block
 * was overwritten. */
CRYFTTEE_CAPABILITY(alloc_stress) {
  (void)request;
  (void)request_len;
  enum { N = 64 };
  uint8_t* blocks[N];
  uint32_t sizes[N];
  for (uint32_t round = 0; round < 4; ++round) {
    for (uint32_t i = 0; i < N; ++i) {
      sizes[i] = (i * 37u + round * 101u) % 1000u;
      blocks[i] = (uint8_t*)cryfttee_alloc(sizes[i]);
      if (!blocks[i] || ((uintptr_t)blocks[i] & 7u) != 0) return text_answer("bad pointer");
      memset(blocks[i], (int)(i + round), sizes[i]);
    }
    for (uint32_t i = 0; i < N; i += 2) cryfttee_free(blocks[i], sizes[i]);
    for (uint32_t i = 0; i < N; i += 2) {
      blocks[i] = (uint8_t*)cryfttee_alloc(sizes[i]);
      if (!blocks[i]) return text_answer("alloc failed");
      memset(blocks[i], (int)(i + round), sizes[i]);
    }
    for (uint32_t i = 0; i < N; ++i) {
      for (uint32_t j = 0; j < sizes[i]; ++j) {
        if (blocks[i][j] != (uint8_t)(i + round)) return text_answer("overlap");
      }
    }
    /* Frees ignore foreign pointers and double frees. */
    cryfttee_free((void*)16, 4);
    cryfttee_free(blocks[1] + 4, 4);
    for (uint32_t i = 0; i < N; ++i) cryfttee_free(blocks[i], sizes[i]);
    cryfttee_free(blocks[3], sizes[3]);
  }
  if (cryfttee_alloc(0x7fffffffu) != 0) return text_answer("huge alloc succeeded");
  return text_answer("ok");
}
