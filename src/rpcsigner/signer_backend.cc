#include "rpcsigner/signer_backend.h"

#include <nlohmann/json.hpp>

#include "runtime/module_call.h"

namespace cryfttee::rpcsigner {
namespace {

constexpr size_t kSignatureBytes = 96;

}  // namespace

Result<keys::KeyInfo> ResolveServedKey(tee::Client& keys, std::string_view handle) {
  if (!handle.empty()) {
    auto key = keys.Get(handle);
    if (!key.ok() && key.status().code() == "enclave_unavailable") return key.status();
    if (!key.ok()) {
      return Status::NotFound("key_not_found", "--rpcsigner-key \"" + std::string(handle) +
                                                   "\": the key vault holds no such key");
    }
    if (key->type != keys::KeyType::kBls) {
      return Status::InvalidArgument("wrong_key_type",
                                     "--rpcsigner-key \"" + std::string(handle) + "\" is a " +
                                         std::string(keys::KeyTypeName(key->type)) +
                                         " key; the signer serves BLS keys");
    }
    return key;
  }
  auto listed = keys.List();
  if (!listed.ok()) return listed.status();
  for (keys::KeyInfo& key : *listed) {  // oldest first, as status reports "the" BLS key
    if (key.type == keys::KeyType::kBls) return std::move(key);
  }
  return Status::FailedPrecondition(
      "no_bls_key",
      "--rpcsigner-addr is set but the key vault in this data directory holds no BLS key: "
      "generate or import one first (cryftteectl keys generate bls, or "
      "POST /v1/staking/bls/register) and restart, or name one with --rpcsigner-key");
}

SignerBackend::SignerBackend(const runtime::ModuleRegistry* registry, keys::KeyInfo key)
    : registry_(registry), key_(std::move(key)) {}

Result<Bytes> SignerBackend::Sign(ByteSpan message, keys::BlsDst dst,
                                  std::string* module_id) const {
  if (message.size() > kMaxMessageBytes) {
    return Status::Error(StatusCategory::kTooLarge, "message_too_large",
                         "message of " + std::to_string(message.size()) +
                             " bytes; the signer accepts at most " +
                             std::to_string(kMaxMessageBytes));
  }
  // The request POST /v1/staking/bls/sign would carry, with every encoding spelled out so no
  // guessing rule (core/request_bytes.h) applies to the bytes.
  nlohmann::json request = {
      {"key_handle", key_.handle},
      {"message", Base64Encode(message)},
      {"message_encoding", "base64"},
      {"signature_encoding", "hex"},
      {"dst", dst == keys::BlsDst::kProofOfPossession ? "pop" : "sig"},
  };
  CRYFTTEE_ASSIGN_OR_RETURN(runtime::ModuleAnswer answer,
                            runtime::CallModule(registry_, "bls_sign", "", request.dump()));
  if (module_id) *module_id = answer.module_id;
  if (!answer.body.value("success", false)) {
    return runtime::ModuleAnswerStatus(answer.module_id, answer.body);
  }
  auto sig = answer.body.find("signature_hex");
  Result<Bytes> bytes = sig != answer.body.end() && sig->is_string()
                            ? HexDecode(sig->get_ref<const std::string&>())
                            : Result<Bytes>(Status::Internal("missing_signature", ""));
  if (!bytes.ok() || bytes->size() != kSignatureBytes) {
    return Status::Error(StatusCategory::kUpstream, "module_failed",
                         "module " + answer.module_id + " answered without a 96-byte signature");
  }
  return bytes;
}

}  // namespace cryfttee::rpcsigner
