/* debug_v1: the seed's Debug Module. It holds no keys and signs nothing; operators use it to
 * check that module loading, the call ABI and the host functions work on a deployment.
 *
 *   debug_echo        {"message": string}  -> {"success":true,"message":...,"length":n}
 *   debug_info        {}                   -> runtime facts (time, a random nonce, memory)
 *   get_status_panel  {}                   -> a status panel in the seed's schema
 */
#define CRYFTTEE_MODULE_IMPLEMENTATION
#include "cryfttee_module.h"

#define MODULE_ID "debug_v1"
#define MODULE_VERSION "1.0.0"
#define MAX_MESSAGE_BYTES 4096

/* Per instance: the host may run several instances and rebuilds one after any failure. */
static uint64_t calls_served;
static int64_t first_call_ms;

static void note_call(void) {
  ++calls_served;
  if (first_call_ms == 0) first_call_ms = cryfttee_now_ms();
}

static uint32_t memory_bytes(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

CRYFTTEE_CAPABILITY(debug_echo) {
  note_call();
  char* message = (char*)cryfttee_alloc(MAX_MESSAGE_BYTES);
  uint32_t message_len = 0;
  if (!message) return cft_error_answer("module_out_of_memory");
  if (!cft_json_get_string(request, request_len, "message", message, MAX_MESSAGE_BYTES,
                           &message_len)) {
    cryfttee_free(message, MAX_MESSAGE_BYTES);
    cryfttee_log_str(CRYFTTEE_LOG_DEBUG, "debug_echo: request without a string \"message\"");
    return cft_error_answer("invalid_request");
  }
  cft_json_writer w;
  cft_jw_init(&w, message_len + 64);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "message");
  cft_jw_string(&w, message, message_len);
  cft_jw_key(&w, "length");
  cft_jw_uint(&w, message_len);
  cft_jw_end_object(&w);
  cryfttee_free(message, MAX_MESSAGE_BYTES);
  return cft_jw_finish(&w);
}

CRYFTTEE_CAPABILITY(debug_info) {
  (void)request;
  (void)request_len;
  note_call();
  uint8_t nonce[8];
  bool have_nonce = cryfttee_random_bytes(nonce, sizeof(nonce)) == (int32_t)sizeof(nonce);
  cft_json_writer w;
  cft_jw_init(&w, 256);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "module_id");
  cft_jw_cstring(&w, MODULE_ID);
  cft_jw_key(&w, "module_version");
  cft_jw_cstring(&w, MODULE_VERSION);
  cft_jw_key(&w, "abi_version");
  cft_jw_uint(&w, CRYFTTEE_ABI_VERSION);
  cft_jw_key(&w, "calls_served");
  cft_jw_uint(&w, calls_served);
  cft_jw_key(&w, "time_ms");
  cft_jw_int(&w, cryfttee_now_ms());
  cft_jw_key(&w, "nonce");
  if (have_nonce) {
    cft_jw_hex(&w, nonce, sizeof(nonce));
  } else {
    cft_jw_null(&w);
  }
  cft_jw_key(&w, "memory_bytes");
  cft_jw_uint(&w, memory_bytes());
  cft_jw_end_object(&w);
  return cft_jw_finish(&w);
}

static void key_value(cft_json_writer* w, const char* key, const char* value) {
  cft_jw_begin_object(w);
  cft_jw_key(w, "type");
  cft_jw_cstring(w, "key_value");
  cft_jw_key(w, "key");
  cft_jw_cstring(w, key);
  cft_jw_key(w, "value");
  cft_jw_cstring(w, value);
  cft_jw_end_object(w);
}

/* Formats v as decimal followed by suffix into buf (at least 40 bytes). */
static const char* format_uint(char* buf, uint64_t v, const char* suffix) {
  char digits[21];
  uint32_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  uint32_t k = 0;
  while (n) buf[k++] = digits[--n];
  for (uint32_t i = 0; suffix[i] && k < 39; ++i) buf[k++] = suffix[i];
  buf[k] = 0;
  return buf;
}

CRYFTTEE_CAPABILITY(get_status_panel) {
  (void)request;
  (void)request_len;
  note_call();
  char buf[40];
  int64_t age = cryfttee_now_ms() - first_call_ms;
  cft_json_writer w;
  cft_jw_init(&w, 1024);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "module_id");
  cft_jw_cstring(&w, MODULE_ID);
  cft_jw_key(&w, "module_version");
  cft_jw_cstring(&w, MODULE_VERSION);
  cft_jw_key(&w, "title");
  cft_jw_cstring(&w, "Debug Module");
  cft_jw_key(&w, "sections");
  cft_jw_begin_array(&w);

  cft_jw_begin_object(&w);
  cft_jw_key(&w, "heading");
  cft_jw_cstring(&w, "Runtime");
  cft_jw_key(&w, "items");
  cft_jw_begin_array(&w);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "type");
  cft_jw_cstring(&w, "status_indicator");
  cft_jw_key(&w, "status");
  cft_jw_cstring(&w, "ok");
  cft_jw_key(&w, "message");
  cft_jw_cstring(&w, "Module ABI and host functions answer");
  cft_jw_end_object(&w);
  key_value(&w, "ABI version", format_uint(buf, CRYFTTEE_ABI_VERSION, ""));
  key_value(&w, "Calls served (this instance)", format_uint(buf, calls_served, ""));
  key_value(&w, "Instance age", format_uint(buf, age > 0 ? (uint64_t)age : 0, " ms"));
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);

  cft_jw_begin_object(&w);
  cft_jw_key(&w, "heading");
  cft_jw_cstring(&w, "Sandbox");
  cft_jw_key(&w, "items");
  cft_jw_begin_array(&w);
  key_value(&w, "Linear memory", format_uint(buf, memory_bytes() / 1024u, " KiB"));
  key_value(&w, "Keys held", "none");
  cft_jw_end_array(&w);
  cft_jw_end_object(&w);

  cft_jw_end_array(&w);
  cft_jw_end_object(&w);
  return cft_jw_finish(&w);
}
