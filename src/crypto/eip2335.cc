#include "crypto/eip2335.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "crypto/aes.h"
#include "crypto/random.h"

namespace cryfttee::crypto {
namespace {

using nlohmann::json;

Status Invalid(const std::string& why) {
  return Status::InvalidArgument("invalid_keystore", "EIP-2335 keystore: " + why);
}

Result<const json*> Member(const json& obj, const char* key, json::value_t type) {
  if (!obj.is_object()) return Invalid("expected an object around \"" + std::string(key) + "\"");
  auto it = obj.find(key);
  if (it == obj.end()) return Invalid(std::string("missing \"") + key + "\"");
  bool type_ok = it->type() == type || (type == json::value_t::number_unsigned &&
                                        it->is_number_integer() && it->get<int64_t>() >= 0);
  if (!type_ok) return Invalid(std::string("\"") + key + "\" has the wrong type");
  return &*it;
}

Result<std::string> String(const json& obj, const char* key) {
  CRYFTTEE_ASSIGN_OR_RETURN(const json* v, Member(obj, key, json::value_t::string));
  return v->get<std::string>();
}

Result<uint64_t> Unsigned(const json& obj, const char* key) {
  CRYFTTEE_ASSIGN_OR_RETURN(const json* v, Member(obj, key, json::value_t::number_unsigned));
  return v->get<uint64_t>();
}

Result<Bytes> Hex(const json& obj, const char* key) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string text, String(obj, key));
  auto bytes = HexDecode(text);
  if (!bytes.ok()) return Invalid(std::string("\"") + key + "\" is not hex");
  return std::move(bytes).value();
}

Result<SecretBytes> DeriveKey(const json& kdf, ByteSpan password) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string function, String(kdf, "function"));
  CRYFTTEE_ASSIGN_OR_RETURN(const json* params, Member(kdf, "params", json::value_t::object));
  CRYFTTEE_ASSIGN_OR_RETURN(uint64_t dklen, Unsigned(*params, "dklen"));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes salt, Hex(*params, "salt"));
  // The checksum and the cipher key together use the first 32 bytes of the derived key.
  if (dklen < 32 || dklen > 64) return Invalid("kdf dklen must be 32..64");
  if (function == "scrypt") {
    CRYFTTEE_ASSIGN_OR_RETURN(uint64_t n, Unsigned(*params, "n"));
    CRYFTTEE_ASSIGN_OR_RETURN(uint64_t r, Unsigned(*params, "r"));
    CRYFTTEE_ASSIGN_OR_RETURN(uint64_t p, Unsigned(*params, "p"));
    if (r > UINT32_MAX || p > UINT32_MAX) return Invalid("scrypt r or p out of range");
    ScryptParams sp{n, static_cast<uint32_t>(r), static_cast<uint32_t>(p)};
    return Scrypt(password, salt, sp, dklen, kEip2335MaxScryptMemory);
  }
  if (function == "pbkdf2") {
    CRYFTTEE_ASSIGN_OR_RETURN(uint64_t c, Unsigned(*params, "c"));
    CRYFTTEE_ASSIGN_OR_RETURN(std::string prf, String(*params, "prf"));
    if (prf != "hmac-sha256") return Invalid("pbkdf2 prf must be hmac-sha256");
    if (c == 0 || c > kEip2335MaxPbkdf2Iterations) {
      return Status::InvalidArgument("invalid_kdf_params",
                                     "pbkdf2 iteration count is 0 or above the limit of " +
                                         std::to_string(kEip2335MaxPbkdf2Iterations));
    }
    return Pbkdf2HmacSha256(password, salt, static_cast<uint32_t>(c), dklen);
  }
  return Invalid("unsupported kdf function \"" + function + "\"");
}

Sha256Digest Checksum(const SecretBytes& dk, ByteSpan cipher_message) {
  Sha256Hasher h;
  h.Update(ByteSpan(dk.data() + 16, 16));
  h.Update(cipher_message);
  return h.Finish();
}

std::string NewUuidV4() {
  uint8_t b[16] = {0};
  (void)RandomBytes(b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string hex = HexEncode(ByteSpan(b, 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace

Result<Eip2335Keystore> Eip2335Decrypt(std::string_view keystore_json, std::string_view password) {
  if (keystore_json.size() > kEip2335MaxKeystoreSize) return Invalid("larger than 64 KiB");
  json doc = json::parse(keystore_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Invalid("not a JSON object");
  CRYFTTEE_ASSIGN_OR_RETURN(uint64_t version, Unsigned(doc, "version"));
  if (version != 4) return Invalid("version must be 4");
  CRYFTTEE_ASSIGN_OR_RETURN(const json* crypto, Member(doc, "crypto", json::value_t::object));
  CRYFTTEE_ASSIGN_OR_RETURN(const json* kdf, Member(*crypto, "kdf", json::value_t::object));
  CRYFTTEE_ASSIGN_OR_RETURN(const json* checksum,
                            Member(*crypto, "checksum", json::value_t::object));
  CRYFTTEE_ASSIGN_OR_RETURN(const json* cipher, Member(*crypto, "cipher", json::value_t::object));

  CRYFTTEE_ASSIGN_OR_RETURN(std::string checksum_fn, String(*checksum, "function"));
  if (checksum_fn != "sha256") return Invalid("checksum function must be sha256");
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes expected_checksum, Hex(*checksum, "message"));
  if (expected_checksum.size() != 32) return Invalid("checksum must be 32 bytes");

  CRYFTTEE_ASSIGN_OR_RETURN(std::string cipher_fn, String(*cipher, "function"));
  if (cipher_fn != "aes-128-ctr") return Invalid("cipher function must be aes-128-ctr");
  CRYFTTEE_ASSIGN_OR_RETURN(const json* cipher_params,
                            Member(*cipher, "params", json::value_t::object));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes iv, Hex(*cipher_params, "iv"));
  if (iv.size() != 16) return Invalid("cipher iv must be 16 bytes");
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes ciphertext, Hex(*cipher, "message"));
  if (ciphertext.empty() || ciphertext.size() > 64) return Invalid("cipher message size");

  Eip2335Keystore out;
  if (doc.contains("pubkey") && doc["pubkey"].is_string() &&
      !doc["pubkey"].get<std::string>().empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(out.declared_pubkey, Hex(doc, "pubkey"));
  }
  if (doc.contains("path") && doc["path"].is_string()) out.path = doc["path"].get<std::string>();
  if (doc.contains("uuid") && doc["uuid"].is_string()) out.uuid = doc["uuid"].get<std::string>();
  if (doc.contains("description") && doc["description"].is_string()) {
    out.description = doc["description"].get<std::string>();
  }

  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes normalized, Eip2335NormalizePassword(password));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes dk, DeriveKey(*kdf, normalized.span()));
  Sha256Digest actual = Checksum(dk, ciphertext);
  if (CRYPTO_memcmp(actual.data(), expected_checksum.data(), actual.size()) != 0) {
    return Status::InvalidArgument("invalid_password",
                                   "keystore checksum mismatch: wrong password or corrupted "
                                   "keystore");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(out.secret, Aes128Ctr(ByteSpan(dk.data(), 16), iv, ciphertext));
  return out;
}

Result<std::string> Eip2335Encrypt(ByteSpan secret, ByteSpan pubkey, std::string_view password,
                                   const Eip2335EncryptOptions& options) {
  if (secret.empty() || secret.size() > 64) {
    return Status::InvalidArgument("invalid_secret_key", "secret must be 1-64 bytes");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes normalized, Eip2335NormalizePassword(password));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes salt, RandomBytes(32));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes iv, RandomBytes(16));
  json kdf;
  SecretBytes dk;
  if (options.kdf == Eip2335Kdf::kScrypt) {
    CRYFTTEE_ASSIGN_OR_RETURN(
        dk, Scrypt(normalized.span(), salt, options.scrypt, 32, kEip2335MaxScryptMemory));
    kdf = {{"function", "scrypt"},
           {"params",
            {{"dklen", 32},
             {"n", options.scrypt.n},
             {"r", options.scrypt.r},
             {"p", options.scrypt.p},
             {"salt", HexEncode(salt)}}},
           {"message", ""}};
  } else {
    if (options.pbkdf2_iterations == 0 || options.pbkdf2_iterations > kEip2335MaxPbkdf2Iterations) {
      return Status::InvalidArgument("invalid_kdf_params", "pbkdf2 iteration count out of range");
    }
    CRYFTTEE_ASSIGN_OR_RETURN(
        dk, Pbkdf2HmacSha256(normalized.span(), salt, options.pbkdf2_iterations, 32));
    kdf = {{"function", "pbkdf2"},
           {"params",
            {{"dklen", 32},
             {"c", options.pbkdf2_iterations},
             {"prf", "hmac-sha256"},
             {"salt", HexEncode(salt)}}},
           {"message", ""}};
  }
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes ciphertext, Aes128Ctr(ByteSpan(dk.data(), 16), iv, secret));
  Sha256Digest checksum = Checksum(dk, ciphertext.span());
  json doc = {
      {"crypto",
       {{"kdf", kdf},
        {"checksum",
         {{"function", "sha256"}, {"params", json::object()}, {"message", HexEncode(checksum)}}},
        {"cipher",
         {{"function", "aes-128-ctr"},
          {"params", {{"iv", HexEncode(iv)}}},
          {"message", HexEncode(ciphertext.span())}}}}},
      {"description", options.description},
      {"pubkey", HexEncode(pubkey)},
      {"path", options.path},
      {"uuid", NewUuidV4()},
      {"version", 4},
  };
  return doc.dump(4);
}

}  // namespace cryfttee::crypto
