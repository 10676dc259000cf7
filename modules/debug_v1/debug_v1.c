/* debug_v1: the seed's Debug Module. It holds no keys and signs nothing; operators use it to
 * check that module loading, the call ABI and the host functions work on a deployment.
 *
 *   debug_echo        {"message": string}  -> {"success":true,"message":...,"length":n}
 *   debug_info        {}                   -> runtime facts (time, a random nonce, memory)
 *   get_status_panel  {}                   -> a status panel in the seed's schema
 */
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
  cft_json_value message;
  if (!cft_json_find(request, request_len, "message", &message) ||
      message.type != CFT_JSON_STRING || message.len - 2 > MAX_MESSAGE_BYTES) {
    cryfttee_log_str(CRYFTTEE_LOG_DEBUG, "debug_echo: request without a string \"message\"");
    return cft_error(CFT_INVALID_ARGUMENT, "invalid_request",
                     "send a 'message' string of at most 4096 bytes");
  }
  /* The length is the decoded one; the text goes back verbatim (it is valid JSON already). */
  uint32_t length = message.len - 2;
  if (message.escaped) {
    char* decoded = (char*)cryfttee_alloc(message.len);
    if (!decoded || !cft_json_decode_string(&message, decoded, message.len, &length)) {
      return cft_error(CFT_INVALID_ARGUMENT, "invalid_request", "the message does not decode");
    }
    cryfttee_free(decoded, message.len);
  }
  cft_json_writer w;
  cft_jw_init(&w, message.len + 64);
  cft_jw_begin_object(&w);
  cft_jw_key(&w, "success");
  cft_jw_bool(&w, true);
  cft_jw_key(&w, "message");
  cft_jw_value(&w, &message);
  cft_jw_key(&w, "length");
  cft_jw_uint(&w, length);
  cft_jw_end_object(&w);
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

CRYFTTEE_CAPABILITY(get_status_panel) {
  (void)request;
  (void)request_len;
  note_call();
  int64_t age = cryfttee_now_ms() - first_call_ms;
  cft_json_writer w;
  cft_jw_init(&w, 1024);
  cft_panel_begin(&w, "Debug Module");
  cft_panel_section(&w, "Runtime");
  cft_panel_status(&w, "ok", "Module ABI and host functions answer");
  cft_panel_key_uint(&w, "ABI version", CRYFTTEE_ABI_VERSION, "");
  cft_panel_key_uint(&w, "Calls served (this instance)", calls_served, "");
  cft_panel_key_uint(&w, "Instance age", age > 0 ? (uint64_t)age : 0, " ms");
  cft_panel_section(&w, "Sandbox");
  cft_panel_key_uint(&w, "Linear memory", memory_bytes() / 1024u, " KiB");
  cft_panel_key_value(&w, "Keys held", "none", 4);
  return cft_panel_finish(&w);
}
