#include "modules/host_functions_http.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "keys/key_material.h"
#include "modules/host_functions_base.h"

namespace cryfttee::modules {
namespace {

using nlohmann::json;

json ErrorAnswer(const Status& st) {
  return {{"success", false}, {"error", st.code()}, {"message", st.message()}};
}

// The transient keystore protects the key only on its way to Web3Signer, under a password of
// 256 random bits: key stretching adds nothing to that, so PBKDF2 runs a modest count and the
// import stays fast on both sides.
constexpr uint32_t kTransientPbkdf2Iterations = 16384;

struct KeystoreBody {
  std::string body;  // the keymanager request JSON (holds the password: wiped by the caller)
  std::string public_key;
  std::string key_handle;  // the vault key exported (import of a stored key)
  SecretBytes generated;   // a fresh key, stored in the vault only once Web3Signer has it
  std::string label;
};

Result<KeystoreBody> KeymanagerBody(keys::KeyVault* vault, const HttpHostOptions& options_in,
                                    const json& spec) {
  JsonFields fields(spec, "keymanager_import");
  CRYFTTEE_ASSIGN_OR_RETURN(std::string handle, fields.OptionalString("key_handle"));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string generate, fields.OptionalString("generate"));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string label, fields.OptionalString("label"));
  if (handle.empty() == generate.empty()) {
    return Status::InvalidArgument("invalid_field",
                                   "keymanager_import needs \"key_handle\" or \"generate\"");
  }
  SecretBytes password_bytes(32);
  if (RAND_bytes(password_bytes.data(), 32) != 1) {
    return Status::Internal("random_failed", "no randomness for the keystore password");
  }
  std::string password = HexEncode(password_bytes.span());
  crypto::Eip2335EncryptOptions options;
  options.kdf = crypto::Eip2335Kdf::kPbkdf2;
  options.pbkdf2_iterations = kTransientPbkdf2Iterations;
  options.description = "imported by cryfttee";
  KeystoreBody out;
  Result<std::string> keystore = std::string();
  if (!generate.empty() && generate != "bls") {
    return Status::InvalidArgument("invalid_key_type", "only \"bls\" keys can be generated");
  }
  if (!generate.empty() && options_in.keep_vault_copy && vault == nullptr) {
    return Status::FailedPrecondition("no_vault", "no key vault for the sealed copy");
  }
  out.label = label;
  if (!handle.empty()) {
    if (vault == nullptr) return Status::FailedPrecondition("no_vault", "no key vault");
    CRYFTTEE_ASSIGN_OR_RETURN(keys::KeyInfo key, vault->Get(handle));
    if (key.type != keys::KeyType::kBls) {
      return Status::InvalidArgument("wrong_key_type", "Web3Signer imports BLS keys only");
    }
    out.public_key = "0x" + HexEncode(key.public_key);
    out.key_handle = key.handle;
    keystore = vault->ExportEip2335(handle, password, options);
  } else {
    // A fresh key lives in wiped memory until Web3Signer has it; only then is the sealed copy
    // written (a failed import leaves nothing behind).
    CRYFTTEE_ASSIGN_OR_RETURN(out.generated, keys::GenerateSecret(keys::KeyType::kBls));
    CRYFTTEE_ASSIGN_OR_RETURN(Bytes pub,
                              keys::PublicKeyOf(keys::KeyType::kBls, out.generated.span()));
    out.public_key = "0x" + HexEncode(pub);
    keystore = crypto::Eip2335Encrypt(out.generated.span(), pub, password, options);
  }
  if (!keystore.ok()) {
    SecureWipe(password.data(), password.size());
    return keystore.status();
  }
  json body = {{"keystores", json::array({*keystore})}, {"passwords", json::array({password})}};
  out.body = body.dump();
  SecureWipe(password.data(), password.size());
  SecureWipe(keystore->data(), keystore->size());
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

Result<json> Perform(net::HttpClient* client, keys::KeyVault* vault, const HttpHostOptions& options,
                     const json& req) {
  if (client == nullptr) {
    return Status::FailedPrecondition("web3signer_not_configured",
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
  std::string public_key, key_handle, label;
  SecretBytes generated;
  if (auto k = req.find("keymanager_import"); k != req.end()) {
    if (!k->is_object()) return Status::InvalidArgument("invalid_field", "keymanager_import");
    CRYFTTEE_ASSIGN_OR_RETURN(KeystoreBody body, KeymanagerBody(vault, options, *k));
    out.body = std::move(body.body);
    public_key = body.public_key;
    key_handle = body.key_handle;
    generated = std::move(body.generated);
    label = body.label;
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
  if (!public_key.empty()) {
    answer["public_key"] = public_key;
    AddImportOutcome(answer["body"].get_ref<const std::string&>(), &answer);
    std::string outcome = answer.value("import_status", "");
    bool imported = response->status == 200 && (outcome == "imported" || outcome == "duplicate");
    if (imported && !generated.empty() && options.keep_vault_copy) {
      auto stored = vault->Import(keys::KeyType::kBls, generated.span(), label);
      if (stored.ok()) {
        key_handle = stored->handle;
      } else {
        // Web3Signer has the key; only the raw-signing copy is missing. Say so, do not fail.
        spdlog::error("sealed copy of imported key {}: {}", public_key, stored.status().ToString());
        answer["vault_error"] = stored.status().code();
      }
    }
    answer["vault_copy"] = !key_handle.empty();
    if (!key_handle.empty()) answer["key_handle"] = key_handle;
  }
  return answer;
}

}  // namespace

std::vector<HostFunction> HttpHostFunctions(std::shared_ptr<net::HttpClient> client,
                                            std::shared_ptr<keys::KeyVault> vault,
                                            HttpHostOptions options) {
  HostFunction f;
  f.name = "http_request";
  f.grant = kGrantHttp;
  f.params = {ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32};
  f.results = {ValType::kI32};
  f.fn = [client, vault, options](HostCallContext& ctx,
                                  std::span<const uint64_t> args) -> Result<std::vector<uint64_t>> {
    const auto req_ptr = static_cast<uint32_t>(args[0]);
    const auto req_len = static_cast<uint32_t>(args[1]);
    const auto out_ptr = static_cast<uint32_t>(args[2]);
    const auto out_cap = static_cast<uint32_t>(args[3]);
    auto i32 = [](int32_t v) { return std::vector<uint64_t>{static_cast<uint32_t>(v)}; };
    CRYFTTEE_ASSIGN_OR_RETURN(ByteSpan request, ctx.memory.Read(req_ptr, req_len));
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Read(out_ptr, out_cap).status());
    if (req_len > kMaxHttpRequestBytes || out_cap < kMinHttpOutCap) return i32(kHostErrorTooLarge);
    json req = json::parse(request.begin(), request.end(), nullptr, false);
    json answer;
    if (req.is_discarded() || !req.is_object()) {
      answer = ErrorAnswer(Status::InvalidArgument("invalid_json", "the request must be JSON"));
    } else {
      auto result = Perform(client.get(), vault.get(), options, req);
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
    CRYFTTEE_RETURN_IF_ERROR(
        ctx.memory.Write(out_ptr, AsBytes(std::string_view(text).substr(0, n))));
    return i32(static_cast<int32_t>(text.size()));
  };
  return {f};
}

}  // namespace cryfttee::modules
