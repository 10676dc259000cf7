#include "modules/host_functions_keyvault.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/json_fields.h"
#include "core/request_bytes.h"
#include "crypto/node_id.h"
#include "modules/host_functions_base.h"

namespace cryfttee::modules {
namespace {

using keys::KeyInfo;
using keys::KeyType;
using nlohmann::json;

// The error kind travels with the code, so the daemon maps it to HTTP once (api/responses.cc).
json ErrorAnswer(const Status& st) {
  return {{"success", false},
          {"error", st.code()},
          {"kind", StatusCategoryName(st.category())},
          {"message", st.message()}};
}

json KeyAnswer(const KeyInfo& k) {
  return {{"success", true},
          {"key_handle", k.handle},
          {"key_type", keys::KeyTypeName(k.type)},
          {"public_key", "0x" + HexEncode(k.public_key)},
          {"label", k.label},
          {"created_at", k.created_at},
          {"created", FormatRfc3339Millis(k.created_at * 1000)},
          {"sign_count", k.sign_count},
          {"last_sign_at", k.last_sign_at.value_or(0)}};
}

Status BadRequest(const std::string& code, const std::string& message) {
  return Status::InvalidArgument(code, message);
}

// Requests are strict: a field the operation does not define is refused, so a module that
// misspells one learns it at once instead of having it ignored. Public aliases and spellings are
// the module's business (docs/module-abi.md 1.10); the host takes the canonical names only.
Status OnlyFields(const json& req, std::initializer_list<const char*> allowed) {
  for (const auto& item : req.items()) {
    const std::string& key = item.key();  // (clang 14 cannot capture a structured binding)
    if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) ==
        allowed.end()) {
      return BadRequest("invalid_field", "unknown field \"" + key + "\"");
    }
  }
  return Status::Ok();
}

Result<std::string> StringField(const json& req, const char* key, bool required) {
  JsonFields fields(req, "");
  return required ? fields.String(key) : fields.OptionalString(key);
}

// The canonical key type names only: "bls", "secp256k1", "p256".
Result<KeyType> KeyTypeField(const json& req) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string text, StringField(req, "key_type", true));
  for (KeyType t : {KeyType::kBls, KeyType::kSecp256k1, KeyType::kP256}) {
    if (text == keys::KeyTypeName(t)) return t;
  }
  return BadRequest("invalid_key_type",
                    "key_type must be \"bls\", \"secp256k1\" or \"p256\", got \"" + text + "\"");
}

// The key a request names: exactly one of "key_handle" and "pubkey".
Result<KeyInfo> SelectKey(tee::Client& vault, const json& req) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string handle, StringField(req, "key_handle", false));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string pubkey, StringField(req, "pubkey", false));
  if (handle.empty() == pubkey.empty()) {
    return BadRequest("missing_field", "name the key with one of \"key_handle\" or \"pubkey\"");
  }
  if (!handle.empty()) return vault.Get(handle);
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes raw, DecodePublicKeyText(pubkey));
  return vault.FindByPublicKey(raw);
}

// The optional "certificate" object of a generate or import, {csr_pem?, common_name?}: the key
// is a TLS identity, stored with its own certificate or not at all (tee::Client::RegisterTls).
struct CertificateRequest {
  std::string csr_pem;
  crypto::CertificateOptions options;
};

Result<std::optional<CertificateRequest>> CertificateField(const json& req) {
  auto it = req.find("certificate");
  if (it == req.end() || it->is_null()) return std::optional<CertificateRequest>();
  if (!it->is_object()) {
    return BadRequest("invalid_field", "\"certificate\" must be an object");
  }
  CRYFTTEE_RETURN_IF_ERROR(OnlyFields(*it, {"csr_pem", "common_name"}));
  CertificateRequest out;
  CRYFTTEE_ASSIGN_OR_RETURN(out.csr_pem, StringField(*it, "csr_pem", false));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string cn, StringField(*it, "common_name", false));
  if (!cn.empty()) out.options.common_name = cn;
  return std::optional<CertificateRequest>(std::move(out));
}

// The key, the certificate asked for (PEM) and its NodeID.
Result<json> RegisteredAnswer(const keys::TlsRegistration& reg) {
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::NodeId id,
                            crypto::NodeIdFromCertificateDer(reg.certificate.der));
  json answer = KeyAnswer(reg.key);
  answer["certificate"] = reg.certificate.pem;
  answer["node_id"] = crypto::FormatNodeId(id);
  return answer;
}

Result<json> Generate(tee::Client& vault, const json& req, std::string_view) {
  CRYFTTEE_RETURN_IF_ERROR(OnlyFields(req, {"key_type", "label", "certificate"}));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyType type, KeyTypeField(req));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string label, StringField(req, "label", false));
  CRYFTTEE_ASSIGN_OR_RETURN(std::optional<CertificateRequest> cert, CertificateField(req));
  if (cert) {
    CRYFTTEE_ASSIGN_OR_RETURN(keys::TlsRegistration reg,
                              vault.RegisterTls(type, {}, label, cert->csr_pem, cert->options));
    return RegisteredAnswer(reg);
  }
  CRYFTTEE_ASSIGN_OR_RETURN(KeyInfo key, vault.Generate(type, label));
  return KeyAnswer(key);
}

Result<json> Import(tee::Client& vault, const json& req, std::string_view) {
  CRYFTTEE_RETURN_IF_ERROR(
      OnlyFields(req, {"key_type", "key_material", "password", "label", "certificate"}));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyType type, KeyTypeField(req));
  CRYFTTEE_ASSIGN_OR_RETURN(std::optional<CertificateRequest> cert, CertificateField(req));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string label, StringField(req, "label", false));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string password, StringField(req, "password", false));
  auto material = req.find("key_material");
  if (material == req.end() || material->is_null()) {
    return BadRequest("missing_field", "\"key_material\" is required to import a key");
  }
  std::string keystore;
  SecretBytes raw;
  if (material->is_object()) {
    keystore = material->dump();
  } else if (!material->is_string()) {
    return BadRequest("invalid_field", "\"key_material\" must be a string or a keystore object");
  } else {
    const std::string& text = material->get_ref<const std::string&>();
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '{') {
      keystore = text;
    } else {
      CRYFTTEE_ASSIGN_OR_RETURN(Bytes decoded,
                                DecodeRequestBytes(text, ByteEncoding::kAuto, "key_material"));
      if (!decoded.empty() && decoded[0] == '{') {
        keystore.assign(decoded.begin(), decoded.end());
      } else {
        raw = SecretBytes(decoded);
      }
      SecureWipe(decoded.data(), decoded.size());
    }
  }
  if (!keystore.empty()) {
    if (type != KeyType::kBls || cert) {
      return BadRequest("invalid_key_type", "EIP-2335 keystores hold BLS keys only");
    }
    auto key = vault.ImportEip2335(keystore, password, label);
    SecureWipe(keystore.data(), keystore.size());
    if (!key.ok()) return key.status();
    return KeyAnswer(*key);
  }
  if (cert) {
    // RegisterTls reads an empty secret as "generate": an import must bring one.
    if (raw.size() != 32) {
      return BadRequest("invalid_secret_key",
                        "a secret key is exactly 32 bytes, got " + std::to_string(raw.size()));
    }
    CRYFTTEE_ASSIGN_OR_RETURN(
        keys::TlsRegistration reg,
        vault.RegisterTls(type, raw.span(), label, cert->csr_pem, cert->options));
    return RegisteredAnswer(reg);
  }
  CRYFTTEE_ASSIGN_OR_RETURN(KeyInfo key, vault.Import(type, raw.span(), label));
  return KeyAnswer(key);
}

Result<json> PublicKey(tee::Client& vault, const json& req, std::string_view) {
  CRYFTTEE_RETURN_IF_ERROR(OnlyFields(req, {"key_handle", "pubkey"}));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyInfo key, SelectKey(vault, req));
  return KeyAnswer(key);
}

json SignatureAnswer(const KeyInfo& key, ByteSpan signature) {
  return {{"success", true},
          {"key_handle", key.handle},
          {"key_type", keys::KeyTypeName(key.type)},
          {"signature_hex", "0x" + HexEncode(signature)},
          {"signature_base64", Base64Encode(signature)}};
}

// What protects keys, and nothing else: the key exists, it is used only by its own scheme, the
// BLS domain is one of the two ciphersuites, and the bytes decode under the one rule
// (core/request_bytes.h). `bytes` is the message (BLS) or digest (ECDSA) text.
Result<json> Sign(tee::Client& vault, const json& req, std::string_view bytes) {
  CRYFTTEE_RETURN_IF_ERROR(OnlyFields(
      req, {"key_handle", "pubkey", "scheme", "dst", "proof_of_possession", "format", "encoding"}));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string scheme, StringField(req, "scheme", true));
  if (scheme != "bls" && scheme != "ecdsa") {
    return BadRequest("invalid_field", "scheme must be \"bls\" or \"ecdsa\"");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(KeyInfo key, SelectKey(vault, req));
  if ((scheme == "bls") != (key.type == KeyType::kBls)) {
    return BadRequest("wrong_key_type", "key \"" + key.handle + "\" is a " +
                                            std::string(keys::KeyTypeName(key.type)) +
                                            " key, not " + (scheme == "bls" ? "BLS" : "ECDSA"));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::string encoding_name, StringField(req, "encoding", false));
  CRYFTTEE_ASSIGN_OR_RETURN(ByteEncoding encoding, ParseByteEncoding(encoding_name));
  if (key.type == KeyType::kBls) {
    if (req.value("proof_of_possession", false)) {
      if (!bytes.empty()) {
        return BadRequest("invalid_field", "a proof of possession signs the key itself: no bytes");
      }
      CRYFTTEE_ASSIGN_OR_RETURN(Bytes sig, vault.ProveBlsPossession(key.handle));
      return SignatureAnswer(key, sig);
    }
    CRYFTTEE_ASSIGN_OR_RETURN(std::string dst_text, StringField(req, "dst", false));
    keys::BlsDst dst = keys::BlsDst::kSignature;
    if (dst_text == "pop") {
      dst = keys::BlsDst::kProofOfPossession;
    } else if (!dst_text.empty() && dst_text != "sig") {
      return BadRequest("invalid_dst", "dst must be \"sig\" or \"pop\"");
    }
    CRYFTTEE_ASSIGN_OR_RETURN(Bytes message, DecodeRequestBytes(bytes, encoding, "message"));
    CRYFTTEE_ASSIGN_OR_RETURN(Bytes sig, vault.SignBls(key.handle, message, dst));
    return SignatureAnswer(key, sig);
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::string format, StringField(req, "format", false));
  if (!format.empty() && format != "der" && format != "compact") {
    return BadRequest("invalid_format", "format must be \"der\" or \"compact\"");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes digest, DecodeRequestBytes(bytes, encoding, "digest"));
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::EcdsaSignature sig, vault.SignEcdsaDigest(key.handle, digest));
  return SignatureAnswer(key, format == "compact" ? sig.compact : sig.der);
}

Result<json> List(tee::Client& vault, const json& req, std::string_view) {
  CRYFTTEE_RETURN_IF_ERROR(OnlyFields(req, {"key_type"}));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string filter, StringField(req, "key_type", false));
  std::optional<KeyType> only;
  bool ecdsa_only = filter == "ecdsa";
  if (!filter.empty() && !ecdsa_only) {
    CRYFTTEE_ASSIGN_OR_RETURN(only, KeyTypeField(req));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<KeyInfo> all, vault.List());
  CRYFTTEE_ASSIGN_OR_RETURN(tee::EnclaveInfo info, vault.Hello());
  json list = json::array();
  for (const KeyInfo& k : all) {
    if (only && k.type != *only) continue;
    if (ecdsa_only && !keys::IsEcdsa(k.type)) continue;
    json entry = KeyAnswer(k);
    entry.erase("success");
    list.push_back(std::move(entry));
  }
  return json{{"success", true},
              {"backend", "local-vault"},
              {"seal_source", info.seal_source},
              {"keys", std::move(list)}};
}

Result<json> Certificate(tee::Client& vault, const json& req, std::string_view) {
  CRYFTTEE_RETURN_IF_ERROR(OnlyFields(req, {"key_handle", "pubkey", "csr_pem", "common_name"}));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyInfo key, SelectKey(vault, req));
  CRYFTTEE_ASSIGN_OR_RETURN(std::string csr, StringField(req, "csr_pem", false));
  crypto::CertificateOptions options;
  CRYFTTEE_ASSIGN_OR_RETURN(std::string cn, StringField(req, "common_name", false));
  if (!cn.empty()) options.common_name = cn;
  crypto::Certificate cert;
  if (csr.empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(cert, vault.CreateSelfSignedCertificate(key.handle, options));
  } else {
    CRYFTTEE_ASSIGN_OR_RETURN(cert, vault.IssueCertificate(key.handle, csr, options));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::NodeId id, crypto::NodeIdFromCertificateDer(cert.der));
  return json{{"success", true},
              {"key_handle", key.handle},
              {"certificate", cert.pem},
              {"node_id", crypto::FormatNodeId(id)}};
}

using Operation = Result<json> (*)(tee::Client&, const json&, std::string_view bytes);

// Fuel a keyvault call bills per byte it takes from the guest (request and bytes): the work is
// native and linear (JSON parse, decoding, hashing), so it is charged at the rate of a guest scan.
constexpr uint32_t kKeyvaultBytesPerFuel = 4;

// with_bytes: the function takes (req, req_len, bytes, bytes_len, out, cap), else (req, req_len,
// out, cap).
HostFunction MakeFunction(const char* name, Operation op, bool needs_room, bool with_bytes,
                          std::shared_ptr<tee::Client> vault) {
  HostFunction f;
  f.name = name;
  f.grant = kGrantKeyvault;
  f.params = {ValType::kI32, ValType::kI32, ValType::kI32, ValType::kI32};
  if (with_bytes) f.params.insert(f.params.end(), {ValType::kI32, ValType::kI32});
  f.results = {ValType::kI32};
  f.fn = [op, needs_room, with_bytes, vault](
             HostCallContext& ctx,
             std::span<const uint64_t> args) -> Result<std::vector<uint64_t>> {
    const auto req_ptr = static_cast<uint32_t>(args[0]);
    const auto req_len = static_cast<uint32_t>(args[1]);
    const size_t o = with_bytes ? 4 : 2;
    const auto out_ptr = static_cast<uint32_t>(args[o]);
    const auto out_cap = static_cast<uint32_t>(args[o + 1]);
    auto i32 = [](int32_t v) { return std::vector<uint64_t>{static_cast<uint32_t>(v)}; };
    // Bad pointers trap whatever else is wrong, as for the base host functions.
    CRYFTTEE_ASSIGN_OR_RETURN(ByteSpan request, ctx.memory.Read(req_ptr, req_len));
    ByteSpan bytes;
    if (with_bytes) {
      CRYFTTEE_ASSIGN_OR_RETURN(
          bytes, ctx.memory.Read(static_cast<uint32_t>(args[2]), static_cast<uint32_t>(args[3])));
    }
    CRYFTTEE_RETURN_IF_ERROR(ctx.memory.Read(out_ptr, out_cap).status());
    if (req_len > kMaxKeyvaultRequestBytes || bytes.size() > kMaxKeyvaultRequestBytes) {
      return i32(kHostErrorTooLarge);
    }
    if (needs_room && out_cap < kMinKeyvaultOutCap) return i32(kHostErrorTooLarge);
    ctx.fuel_charge = 1 + (uint64_t{req_len} + bytes.size()) / kKeyvaultBytesPerFuel;

    json req = json::parse(request.begin(), request.end(), nullptr, false);
    json answer;
    if (req.is_discarded() || !req.is_object()) {
      answer = ErrorAnswer(BadRequest("invalid_json", "the request must be a JSON object"));
    } else {
      const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      auto result = op(*vault, req, text);
      answer = result.ok() ? std::move(result).value() : ErrorAnswer(result.status());
    }
    std::string text = answer.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > static_cast<size_t>(INT32_MAX)) return i32(kHostErrorInternal);
    size_t n = std::min<size_t>(text.size(), out_cap);
    CRYFTTEE_RETURN_IF_ERROR(
        ctx.memory.Write(out_ptr, AsBytes(std::string_view(text).substr(0, n))));
    return i32(static_cast<int32_t>(text.size()));
  };
  return f;
}

}  // namespace

std::vector<HostFunction> KeyVaultHostFunctions(std::shared_ptr<tee::Client> vault) {
  return {
      MakeFunction("keyvault_generate", &Generate, true, false, vault),
      MakeFunction("keyvault_import", &Import, true, false, vault),
      MakeFunction("keyvault_public_key", &PublicKey, false, false, vault),
      MakeFunction("keyvault_sign", &Sign, true, true, vault),
      MakeFunction("keyvault_list", &List, false, false, vault),
      MakeFunction("keyvault_certificate", &Certificate, true, false, vault),
  };
}

}  // namespace cryfttee::modules
