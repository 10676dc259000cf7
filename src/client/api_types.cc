#include "client/api_types.h"

#include "core/json_fields.h"

#include <algorithm>
#include <cctype>

namespace cryfttee::client {
namespace {

// Fields of one daemon answer. A present field of the wrong type is the daemon's fault: it is
// remembered as "bad_response" (upstream) instead of throwing, so a misbehaving daemon gives an
// error, not a crash.
class AnswerFields : public JsonFields {
 public:
  AnswerFields(const Json& j, std::string what)
      : JsonFields(j, std::move(what),
                   JsonFieldsErrors{StatusCategory::kUpstream, "bad_response", "bad_response",
                                    /*null_is_absent=*/true}) {}
  // Records that `key` is not `expected` ("an array", "present").
  void Expect(std::string_view key, std::string_view expected) {
    Fail(Error(key, "is not " + std::string(expected)));
  }
};

KeyInfo ReadKeyInfo(const Json& j, AnswerFields& parent) {
  KeyInfo k;
  AnswerFields r(j, "status keys entry");
  k.available = r.Bool("available");
  k.public_key = r.Str("public_key");
  k.key_handle = r.Str("key_handle");
  k.certificate = r.Str("certificate");
  k.node_id = r.Str("node_id");
  if (!r.status().ok()) parent.Expect("keys", "an object of {available, public_key, key_handle}");
  return k;
}

}  // namespace

bool ModuleStatus::HasCapability(const std::string& name) const {
  return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

const ModuleStatus* StakingStatus::SignerModule() const {
  auto def = defaults.find("bls");
  for (const ModuleStatus& m : modules) {
    if (def != defaults.end() && m.id == def->second && m.loaded && m.enabled &&
        m.HasCapability("bls_sign")) {
      return &m;
    }
  }
  for (const ModuleStatus& m : modules) {
    if (m.loaded && m.enabled && m.HasCapability("bls_sign")) return &m;
  }
  return nullptr;
}

bool StakingStatus::SignerReady(std::string* why) const {
  if (SignerModule() == nullptr) {
    *why = modules.empty() ? "no module is loaded" + (reason.empty() ? "" : " (" + reason + ")")
                           : "no loaded and enabled module offers bls_sign";
    return false;
  }
  if (!ready) {
    *why = "the signer is not ready" + (reason.empty() ? "" : ": " + reason);
    return false;
  }
  if (!web3signer_url.empty() && !web3signer_connected) {
    *why = "Web3Signer " + web3signer_url + " is not connected";
    return false;
  }
  return true;
}

Result<Attestation> ParseAttestation(const Json& j) {
  AnswerFields r(j, "attestation");
  Attestation a;
  a.core_binary_hash = r.Str("core_binary_hash");
  a.binary_hash_source = r.Str("binary_hash_source");
  a.manifest_hash = r.Str("manifest_hash");
  a.module_hashes = r.StrMap("module_hashes");
  a.loaded_modules = r.StrList("loaded_modules");
  a.cryfttee_version = r.Str("cryfttee_version");
  a.timestamp = r.Str("timestamp");
  a.nonce = r.Str("nonce");
  a.nonce_binding = r.Str("nonce_binding");
  if (!r.status().ok()) return r.status();
  if (a.core_binary_hash.empty()) r.Expect("core_binary_hash", "present");
  if (!r.status().ok()) return r.status();
  a.raw = j;
  return a;
}

Result<HeartbeatAck> ParseHeartbeatAck(const Json& j) {
  AnswerFields r(j, "heartbeat answer");
  HeartbeatAck h;
  h.acknowledged = r.Bool("acknowledged");
  h.cryfttee_version = r.Str("cryfttee_version");
  h.signer_ready = r.Bool("signer_ready");
  h.timestamp_ms = r.Int("timestamp");
  if (!r.status().ok()) return r.status();
  h.raw = j;
  return h;
}

Result<ConnectionStatus> ParseConnectionStatus(const Json& j) {
  AnswerFields r(j, "connection status");
  ConnectionStatus c;
  c.connected = r.Bool("connected");
  c.transport = r.Str("transport");
  c.endpoint = r.Str("endpoint");
  c.last_seen = r.Str("last_seen");
  c.last_heartbeat = r.Str("last_heartbeat");
  c.latency_ms = r.Int("latency_ms");
  c.cryftgo_version = r.Str("cryftgo_version");
  c.cryftgo_node_id = r.Str("cryftgo_node_id");
  c.request_count = r.Int("request_count");
  c.error_count = r.Int("error_count");
  c.heartbeat_count = r.Int("heartbeat_count");
  c.last_error = r.Str("last_error");
  c.signer_ready = r.Bool("signer_ready");
  c.signer_module_id = r.Str("signer_module_id");
  if (!r.status().ok()) return r.status();
  c.raw = j;
  return c;
}

Result<StakingStatus> ParseStakingStatus(const Json& j) {
  AnswerFields r(j, "staking status");
  StakingStatus s;
  s.cryfttee_version = r.Str("cryfttee_version");
  s.uptime_seconds = r.Int("uptime_seconds");
  s.ready = r.Bool("ready");
  s.reason = r.Str("reason");
  if (const Json* mods = r.Find("modules")) {
    if (!mods->is_array()) {
      r.Expect("modules", "an array");
    } else {
      for (const Json& mj : *mods) {
        AnswerFields m(mj, "module status");
        ModuleStatus ms;
        ms.id = m.Str("id");
        ms.version = m.Str("version");
        ms.loaded = m.Bool("loaded");
        // The integration seed requires "enabled"; a daemon that does not report it has no
        // notion of disabled modules, so absent means enabled.
        ms.enabled = m.Bool("enabled", true);
        ms.capabilities = m.StrList("capabilities");
        if (!m.status().ok()) return m.status();
        s.modules.push_back(std::move(ms));
      }
    }
  }
  s.defaults = r.StrMap("defaults");
  if (const Json* keys = r.Find("keys")) {
    if (!keys->is_object()) {
      r.Expect("keys", "an object");
    } else {
      if (keys->contains("bls") && !(*keys)["bls"].is_null())
        s.bls_key = ReadKeyInfo((*keys)["bls"], r);
      if (keys->contains("tls") && !(*keys)["tls"].is_null())
        s.tls_key = ReadKeyInfo((*keys)["tls"], r);
    }
  }
  s.bls_pubkeys = r.StrList("bls_pubkeys");
  s.tls_pubkeys = r.StrList("tls_pubkeys");
  s.capabilities = r.StrList("capabilities");
  s.module_version = r.Str("module_version");
  s.web3signer_url = r.Str("web3signer_url");
  s.web3signer_connected = r.Bool("web3signer_connected");
  if (!r.status().ok()) return r.status();
  s.raw = j;
  return s;
}

Result<RegisterResult> ParseRegisterResult(const Json& j) {
  AnswerFields r(j, "register answer");
  RegisterResult out;
  out.public_key = r.Str("public_key");
  if (out.public_key.empty()) out.public_key = r.Str("pubkey");  // the attestation seed's name
  out.key_handle = r.Str("key_handle");
  out.key_type = r.Str("key_type");
  out.certificate = r.Str("certificate");
  out.node_id = r.Str("node_id");
  if (!r.status().ok()) return r.status();
  if (out.public_key.empty()) r.Expect("public_key", "present");
  if (!r.status().ok()) return r.status();
  out.raw = j;
  return out;
}

Result<SignResult> ParseSignResult(const Json& j) {
  AnswerFields r(j, "sign answer");
  // signature_hex ("0x…") is unambiguous; "signature" is hex when the key was named by handle
  // (which this client always does when it has a handle) and base64 when named by pubkey.
  std::string hex = r.Str("signature_hex");
  std::string sig = r.Str("signature");
  if (!r.status().ok()) return r.status();
  SignResult out;
  if (!hex.empty()) {
    auto b = HexDecode(hex);
    if (!b.ok())
      return Status::Error(StatusCategory::kUpstream, "bad_response", "signature_hex is not hex");
    out.signature = std::move(*b);
  } else if (!sig.empty()) {
    auto b = HexDecode(sig);
    if (!b.ok()) b = Base64Decode(sig);
    if (!b.ok()) {
      return Status::Error(StatusCategory::kUpstream, "bad_response",
                           "signature is neither hex nor base64");
    }
    out.signature = std::move(*b);
  } else {
    return Status::Error(StatusCategory::kUpstream, "bad_response", "sign answer has no signature");
  }
  out.raw = j;
  return out;
}

Result<StatusPanel> ParseStatusPanel(const Json& j) {
  AnswerFields r(j, "status panel");
  StatusPanel p;
  // The daemon may wrap the module's panel as {"module_id", "panel": {...}}; accept both.
  const Json& body =
      j.is_object() && j.contains("panel") && j["panel"].is_object() ? j["panel"] : j;
  AnswerFields b(body, "status panel");
  p.module_id = r.Str("module_id");
  if (p.module_id.empty()) p.module_id = b.Str("module_id");
  p.module_version = b.Str("module_version");
  p.title = b.Str("title");
  if (const Json* sections = b.Find("sections")) {
    if (!sections->is_array())
      b.Expect("sections", "an array");
    else
      p.sections = *sections;
  }
  if (!r.status().ok()) return r.status();
  if (!b.status().ok()) return b.status();
  p.raw = j;
  return p;
}

Result<std::vector<KeyListEntry>> ParseKeyList(const Json& j) {
  AnswerFields r(j, "key list");
  std::vector<KeyListEntry> out;
  const Json* keys = r.Find("keys");
  if (!keys || !keys->is_array()) {
    r.Expect("keys", "an array");
    return r.status();
  }
  for (const Json& kj : *keys) {
    AnswerFields k(kj, "key list entry");
    KeyListEntry e;
    e.key_handle = k.Str("key_handle");
    e.key_type = k.Str("key_type");
    e.public_key = k.Str("public_key");
    e.label = k.Str("label");
    e.created = k.Str("created");
    e.sign_count = k.Int("sign_count");
    e.certificate = k.Str("certificate");
    e.node_id = k.Str("node_id");
    if (!k.status().ok()) return k.status();
    out.push_back(std::move(e));
  }
  if (!r.status().ok()) return r.status();
  return out;
}

std::string NormalizePublicKey(const std::string& text) {
  std::string s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s = s.substr(start);
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s = s.substr(2);
  if (s.empty()) return "";
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "0x" + s;
}

}  // namespace cryfttee::client
