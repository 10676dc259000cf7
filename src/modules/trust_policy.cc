#include "modules/trust_policy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <map>

#include "modules/manifest.h"

namespace cryfttee::modules {
namespace {

constexpr const char* kCode = "invalid_trust";

std::string Line(const toml::node& node) {
  const auto& src = node.source();
  return src.begin ? " (line " + std::to_string(src.begin.line) + ")" : "";
}

class TableReader {
 public:
  TableReader(const toml::table& table, std::string where) : table_(table), where_(where) {}

  Status Error(std::string_view field, std::string_view problem) const {
    const toml::node* node = table_.get(field);
    std::string line = node ? Line(*node) : Line(table_);
    return Status::InvalidArgument(kCode, where_ + ": field \"" + std::string(field) + "\"" + line +
                                              ": " + std::string(problem));
  }

  Status RejectUnknown(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        return Error(key.str(), "unknown field");
      }
    }
    return Status::Ok();
  }

  Result<std::string> String(std::string_view field, bool required) const {
    const toml::node* node = table_.get(field);
    if (!node) {
      if (required) return Error(field, "is missing");
      return std::string();
    }
    if (!node->is_string()) return Error(field, "must be a string");
    return std::string(*node->value<std::string_view>());
  }

  Result<std::vector<std::string>> Strings(std::string_view field, bool required) const {
    const toml::node* node = table_.get(field);
    std::vector<std::string> out;
    if (!node) {
      if (required) return Error(field, "is missing");
      return out;
    }
    const toml::array* arr = node->as_array();
    if (!arr) return Error(field, "must be an array of strings");
    for (size_t i = 0; i < arr->size(); ++i) {
      const toml::node& item = *arr->get(i);
      if (!item.is_string()) {
        return Error(field, "element " + std::to_string(i) + " is not a string");
      }
      std::string s(*item.value<std::string_view>());
      if (std::find(out.begin(), out.end(), s) != out.end()) {
        return Error(field, "\"" + s + "\" is listed twice");
      }
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  const toml::table& table_;
  std::string where_;
};

Result<Publisher> ParsePublisher(const toml::table& table, const std::string& where) {
  TableReader r(table, where);
  CRYFTTEE_RETURN_IF_ERROR(r.RejectUnknown({"id", "name", "keys", "capabilities", "grants"}));
  Publisher p;
  CRYFTTEE_ASSIGN_OR_RETURN(p.id, r.String("id", true));
  if (!IsValidPublisherId(p.id)) return r.Error("id", "must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  CRYFTTEE_ASSIGN_OR_RETURN(p.name, r.String("name", false));

  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<std::string> keys, r.Strings("keys", true));
  if (keys.empty()) return r.Error("keys", "must list at least one public key");
  for (size_t i = 0; i < keys.size(); ++i) {
    auto key = DecodeEd25519PublicKey(keys[i]);
    if (!key.ok()) {
      return r.Error("keys", "element " + std::to_string(i) + ": " + key.status().message());
    }
    p.keys.push_back(std::move(*key));
  }

  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<std::string> caps, r.Strings("capabilities", true));
  for (const auto& c : caps) {
    if (c == "*") {
      p.any_capability = true;
    } else if (!IsValidCapabilityName(c)) {
      return r.Error("capabilities", "\"" + c + "\" must be \"*\" or match [a-z][a-z0-9_]{0,63}");
    } else {
      p.capabilities.insert(c);
    }
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<std::string> grants, r.Strings("grants", false));
  for (const auto& g : grants) {
    if (!IsValidCapabilityName(g)) return r.Error("grants", "\"" + g + "\" is not a grant name");
    p.grants.insert(g);
  }
  return p;
}

}  // namespace

const Publisher* TrustPolicy::Find(std::string_view id) const {
  for (const auto& p : publishers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

Result<Bytes> DecodeEd25519PublicKey(std::string_view text) {
  Result<Bytes> key = Status::InvalidArgument("invalid_public_key", "");
  if (text.size() == 64) {
    key = HexDecode(text);
  } else {
    key = Base64Decode(text);
  }
  if (!key.ok() || key->size() != 32) {
    return Status::InvalidArgument(
        "invalid_public_key",
        "an Ed25519 public key must be 64 hex digits or the base64 of 32 bytes");
  }
  return key;
}

Result<TrustPolicy> ParseTrustPolicy(std::string_view toml_text, const std::string& file_name) {
  if (toml_text.size() > kMaxTrustBytes) {
    return Status::InvalidArgument(
        kCode, file_name + ": larger than " + std::to_string(kMaxTrustBytes) + " bytes");
  }
  toml::table doc;
  try {
    doc = toml::parse(toml_text, file_name);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(kCode, file_name + " (line " +
                                              std::to_string(e.source().begin.line) + ", column " +
                                              std::to_string(e.source().begin.column) +
                                              "): not valid TOML: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(kCode, file_name + ": not valid TOML: " + e.what());
  }

  TableReader top(doc, file_name);
  CRYFTTEE_RETURN_IF_ERROR(top.RejectUnknown({"version", "publishers", "revoked"}));
  const toml::node* version = doc.get("version");
  if (!version) return top.Error("version", "is missing");
  if (!version->is_integer()) return top.Error("version", "must be an integer");
  if (*version->value<int64_t>() != kTrustVersion) {
    return top.Error("version", "unsupported trust file version (this build reads version 1)");
  }

  TrustPolicy policy;
  std::map<Bytes, std::string> key_owner;
  if (const toml::node* pubs = doc.get("publishers")) {
    const toml::array* arr = pubs->as_array();
    if (!arr) return top.Error("publishers", "must be an array of tables ([[publishers]])");
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string where = file_name + ": publishers[" + std::to_string(i) + "]";
      const toml::table* t = arr->get(i)->as_table();
      if (!t) return Status::InvalidArgument(kCode, where + ": must be a table");
      if (const toml::node* id = t->get("id"); id && id->is_string()) {
        std::string id_text(*id->value<std::string_view>());
        if (IsValidPublisherId(id_text)) where += " (id \"" + id_text + "\")";
      }
      CRYFTTEE_ASSIGN_OR_RETURN(Publisher p, ParsePublisher(*t, where));
      TableReader r(*t, where);
      if (policy.Find(p.id)) return r.Error("id", "\"" + p.id + "\" is used by an earlier entry");
      for (const Bytes& k : p.keys) {
        auto [it, inserted] = key_owner.emplace(k, p.id);
        if (!inserted) {
          return r.Error("keys", "key " + HexEncode(k) + " is already listed for publisher \"" +
                                     it->second + "\"");
        }
      }
      policy.publishers.push_back(std::move(p));
    }
  }

  if (const toml::node* revoked = doc.get("revoked")) {
    const toml::table* t = revoked->as_table();
    if (!t) return top.Error("revoked", "must be a table ([revoked])");
    TableReader r(*t, file_name + ": revoked");
    CRYFTTEE_RETURN_IF_ERROR(r.RejectUnknown({"keys"}));
    CRYFTTEE_ASSIGN_OR_RETURN(std::vector<std::string> keys, r.Strings("keys", false));
    for (size_t i = 0; i < keys.size(); ++i) {
      auto key = DecodeEd25519PublicKey(keys[i]);
      if (!key.ok()) {
        return r.Error("keys", "element " + std::to_string(i) + ": " + key.status().message());
      }
      policy.revoked_keys.insert(std::move(*key));
    }
  }
  return policy;
}

}  // namespace cryfttee::modules
