#include "modules/host_functions_http.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "core/bytes.h"
#include "core/json_fields.h"
#include "modules/host_functions_base.h"

namespace cryfttee::modules {
namespace {

using nlohmann::json;

json ErrorAnswer(const Status& st) {
  return {{"success", false},
          {"error", st.code()},
          {"kind", StatusCategoryName(st.category())},
          {"message", st.message()}};
}

// The transient keystore protects the key only on its way to Web3Signer, under a password of
// 256 random bits: key stretching adds nothing to that, so PBKDF2 runs a modest count and the
// import stays fast on both sides.
constexpr uint32_t kTransientPbkdf2Iterations = 16384;

struct KeystoreBody {
  std::string body;        // the keymanager request JSON (holds the password: wiped by the caller)
  std::string public_key;  // "0x…"
  std::string key_handle;  // the stored key exported (import of a stored key)
  // A fresh key: its keystore and password, kept (wiped after) until Web3Signer has it, then
  // imported into the key side as the sealed copy.
  std::string keystore;
  std::string password;
  std::string label;

  KeystoreBody() = default;
  KeystoreBody(KeystoreBody&&) = default;
  KeystoreBody& operator=(KeystoreBody&&) = default;
  ~KeystoreBody() {
    SecureWipe(keystore.data(), keystore.size());
    SecureWipe(password.data(), password.size());
  }
};

// The keystore is made on the key side (tee::Client::ExportEip2335): with a remote enclave only
// its encrypted form and the transfer password pass through here (docs/security.md).
Result<KeystoreBody> KeymanagerBody(tee::Client* keys, const HttpHostOptions& options,
                                    const json& spec) {
  JsonFields fields(spec, "keymanager_import");
  CRYFTTEE_ASSIGN_OR_RETURN(std::string handle, fields.OptionalString("key_handle"));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string generate, fields.OptionalString("generate"));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string label, fields.OptionalString("label"));
  if (handle.empty() == generate.empty()) {
    return Status::InvalidArgument("invalid_field",
                                   "keymanager_import needs \"key_handle\" or \"generate\"");
  }
  if (!generate.empty() && generate != "bls") {
    return Status::InvalidArgument("invalid_key_type", "only \"bls\" keys can be generated");
  }
  if (keys == nullptr) return Status::FailedPrecondition("no_vault", "no key vault");
  SecretBytes password_bytes(32);
  if (RAND_bytes(password_bytes.data(), 32) != 1) {
    return Status::Internal("random_failed", "no randomness for the keystore password");
  }
  KeystoreBody out;
  out.password = HexEncode(password_bytes.span());
  out.label = label;
  CRYFTTEE_ASSIGN_OR_RETURN(tee::KeystoreExport exported,
                            keys->ExportEip2335(handle, out.password, kTransientPbkdf2Iterations));
  out.public_key = "0x" + HexEncode(exported.public_key);
  out.key_handle = handle;
  json body = {{"keystores", json::array({exported.keystore})},
               {"passwords", json::array({out.password})}};
  out.body = body.dump();
  if (handle.empty() && options.keep_vault_copy) {
    out.keystore = std::move(exported.keystore);
  } else {
    SecureWipe(exported.keystore.data(), exported.keystore.size());
  }
  return out;
}

// Web3Signer's keymanager answer {"data":[{"status","message"}]}, first (only) entry.
void AddImportOutcome(const std::string& body, json* answer) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("data") || !parsed["data"].is_array() ||
      parsed["data"].empty() || !parsed["data"][0].is_object()) {
    return;
  }
  const json& first = parsed["data"][0];
  if (first.contains("status") && first["status"].is_string()) {
    (*answer)["import_status"] = first["status"];
  }
  if (first.contains("message") && first["message"].is_string()) {
    (*answer)["import_message"] = first["message"];
  }
}

Result<json> Perform(net::HttpClient* client, tee::Client* keys, const HttpHostOptions& options,
                     const json& req) {
  if (client == nullptr) {
    return Status::Unavailable("web3signer_not_configured",
                               "no Web3Signer URL is configured (--web3signer-url)");
  }
  JsonFields fields(req, "");
  net::OutboundRequest out;
  CRYFTTEE_ASSIGN_OR_RETURN(out.method, fields.OptionalString("method"));
  if (out.method.empty()) out.method = "GET";
  if (out.method != "GET" && out.method != "POST" && out.method != "DELETE") {
    return Status::InvalidArgument("invalid_method", "method must be GET, POST or DELETE");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::string path, fields.OptionalString("path"));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string url, fields.OptionalString("url"));
  out.target = path.empty() ? url : path;
  if (out.target.empty()) return Status::InvalidArgument("missing_field", "\"path\" is required");
  CRYFTTEE_ASSIGN_OR_RETURN(out.body, fields.OptionalString("body"));
  if (auto h = req.find("headers"); h != req.end()) {
    if (!h->is_object()) return Status::InvalidArgument("invalid_field", "headers: not an object");
    for (const auto& [name, value] : h->items()) {
      if (!value.is_string()) return Status::InvalidArgument("invalid_field", "headers: not text");
      const std::string& v = value.get_ref<const std::string&>();
      // Header names and values reach the wire: no separators, no line breaks.
      if (name.empty() || name.find_first_of(" :\r\n") != std::string::npos ||
          v.find_first_of("\r\n") != std::string::npos) {
        return Status::InvalidArgument("invalid_field", "headers: invalid name or value");
      }
      out.headers.emplace_back(name, v);
    }
  }
  if (auto i = req.find("idempotent"); i != req.end() && i->is_boolean()) {
    out.idempotent = i->get<bool>();
  }
  if (auto t = req.find("timeout_ms"); t != req.end() && t->is_number_unsigned()) {
    out.total_timeout = std::chrono::milliseconds(t->get<uint64_t>());
  }
  std::optional<KeystoreBody> import;
  if (auto k = req.find("keymanager_import"); k != req.end()) {
    if (!k->is_object()) return Status::InvalidArgument("invalid_field", "keymanager_import");
    CRYFTTEE_ASSIGN_OR_RETURN(import, KeymanagerBody(keys, options, *k));
    out.body = std::move(import->body);
    out.headers.emplace_back("Content-Type", "application/json");
  }
  auto response = client->Send(out);
  SecureWipe(out.body.data(), out.body.size());
  if (!response.ok()) return response.status();
  json answer = {{"success", true},
                 {"status", response->status},
                 {"content_type", response->content_type},
                 {"body", std::move(response->body)},
                 {"attempts", response->attempts}};
  if (import) {
    answer["public_key"] = import->public_key;
    AddImportOutcome(answer["body"].get_ref<const std::string&>(), &answer);
    std::string outcome = answer.value("import_status", "");
    bool imported = response->status == 200 && (outcome == "imported" || outcome == "duplicate");
    if (imported && !import->keystore.empty()) {
      auto stored = keys->ImportEip2335(import->keystore, import->password, import->label);
      if (stored.ok()) {
        import->key_handle = stored->handle;
      } else {
        // Web3Signer has the key; only the raw-signing copy is missing. Say so, do not fail.
        spdlog::error("sealed copy of imported key {}: {}", import->public_key,
                      stored.status().ToString());
        answer["vault_error"] = stored.status().code();
      }
    }
    answer["vault_copy"] = !import->key_handle.empty();
    if (!import->key_handle.empty()) answer["key_handle"] = import->key_handle;
  }
  return answer;
}

}  // namespace

std::vector<HostFunction> HttpHostFunctions(std::shared_ptr<net::HttpClient> client,
                                            std::shared_ptr<tee::Client> keys,
                                            HttpHostOptions options) {
  HostFunction f;
  f.name = "http_request";
  f.grant = kGrantHttp;
  f.params = {ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32};
  f.results = {ValType::kI32};
  f.fn = [client, keys, options](HostCallContext& ctx,
                                 std::span<const uint64_t> args) -> Result<std::vector<uint64_t>> {
    const auto req_ptr = static_cast<uint32_t>(args[0]);
    const auto req_len = static_cast<uint32_t>(args[1]);
    const auto out_ptr = static_cast<uint32_t>(args[2]);
    const auto out_cap = static_cast<uint32_t>(args[3]);
    auto i32 = [](int32_t v) { return std::vector<uint64_t>{static_cast<uint32_t>(v)}; };
    CRYFTTEE_ASSIGN_OR_RETURN(ByteSpan request, ctx.memory.Read(req_ptr, req_len));
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Read(out_ptr, out_cap).status());
    if (req_len > kMaxHttpRequestBytes || out_cap < kMinHttpOutCap) return i32(kHostErrorTooLarge);
    // Native work linear in what the guest hands over (parse, encode, send) is billed like the
    // keyvault calls' (engine.h HostCallContext::fuel_charge); the wait itself is wall time.
    ctx.fuel_charge = 1 + uint64_t{req_len} / kHttpBytesPerFuel;
    json req = json::parse(request.begin(), request.end(), nullptr, false);
    json answer;
    if (req.is_discarded() || !req.is_object()) {
      answer = ErrorAnswer(Status::InvalidArgument("invalid_json", "the request must be JSON"));
    } else {
      auto result = Perform(client.get(), keys.get(), options, req);
      if (!result.ok() && result.status().code() == "http_origin_not_allowed") {
        spdlog::warn("module {}: outbound HTTP refused: {}", ctx.module_id,
                     result.status().message());
      }
      answer = result.ok() ? std::move(result).value() : ErrorAnswer(result.status());
    }
    // A remote's bytes may be anything (a garbage body): invalid UTF-8 becomes U+FFFD.
    std::string text = answer.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > static_cast<size_t>(INT32_MAX)) return i32(kHostErrorInternal);
    size_t n = std::min<size_t>(text.size(), out_cap);
    ctx.fuel_charge += n / kHttpBytesPerFuel;
    CRYFTTEE_RETURN_IF_ERROR(
        ctx.memory.Write(out_ptr, AsBytes(std::string_view(text).substr(0, n))));
    return i32(static_cast<int32_t>(text.size()));
  };
  return {f};
}

}  // namespace cryfttee::modules
