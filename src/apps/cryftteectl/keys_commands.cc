// keys list|generate|import|export, sign bls|tls, panels: the operator's view of the staking
// keys. Everything goes through the daemon's API except `keys export`, which reads the sealed
// vault directly: a secret leaves the machine only by someone who holds the data directory and
// its sealing secret, never over the API.
#include <fstream>
#include <iostream>
#include <sstream>

#include "apps/cryftteectl/commands.h"
#include "apps/cryftteectl/daemon_connection.h"
#include "core/atomic_file.h"
#include "keys/vault.h"

namespace cryfttee::ctl {
namespace {

using Json = nlohmann::json;

Result<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("io_error", "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TrimNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

int PrintOrFail(const CtlContext& ctx, const Result<Json>& r,
                const std::function<void(const Json&)>& human) {
  if (!r.ok()) return ReportError(r.status());
  if (ctx.json) {
    std::cout << r->dump(2) << "\n";
  } else {
    human(*r);
  }
  return kExitOk;
}

int KeysList(CtlContext& ctx) {
  return PrintOrFail(ctx, CallDaemon(ctx, "GET", "/v1/staking/keys"), [](const Json& j) {
    for (const Json& k : j.value("keys", Json::array())) {
      std::cout << k.value("key_type", "") << "\t" << k.value("key_handle", "") << "\t"
                << k.value("public_key", "") << "\t" << k.value("label", "") << "\n";
    }
  });
}

int KeysGenerate(CtlContext& ctx, const std::string& kind, const std::string& key_type,
                 const std::string& label) {
  Json body = {{"mode", 0}};
  if (!label.empty()) body["purpose"] = label;
  if (kind == "tls") body["key_type"] = key_type;
  return PrintOrFail(ctx, CallDaemon(ctx, "POST", "/v1/staking/" + kind + "/register", &body),
                     [](const Json& j) {
                       std::cout << "key_handle: " << j.value("key_handle", "") << "\n"
                                 << "public_key: " << j.value("public_key", "") << "\n";
                       if (j.contains("node_id")) {
                         std::cout << "node_id:    " << j.value("node_id", "") << "\n";
                       }
                     });
}

int KeysImport(CtlContext& ctx, const std::string& kind, const std::string& key_type,
               const std::string& file, const std::string& hex, const std::string& password_file,
               const std::string& label) {
  Json body = {{"mode", 1}};
  if (!file.empty()) {
    auto text = ReadFileText(file);
    if (!text.ok()) return ReportError(text.status());
    body["key_material"] = TrimNewline(*text);
  } else {
    body["key_material"] = hex.rfind("0x", 0) == 0 ? hex : "0x" + hex;
  }
  if (!password_file.empty()) {
    auto pw = ReadFileText(password_file);
    if (!pw.ok()) return ReportError(pw.status());
    body["password"] = TrimNewline(*pw);
  }
  if (!label.empty()) body["purpose"] = label;
  if (kind == "tls") body["key_type"] = key_type;
  return PrintOrFail(ctx, CallDaemon(ctx, "POST", "/v1/staking/" + kind + "/register", &body),
                     [](const Json& j) {
                       std::cout << "key_handle: " << j.value("key_handle", "") << "\n"
                                 << "public_key: " << j.value("public_key", "") << "\n";
                     });
}

int KeysExport(const std::string& data_dir, const std::string& handle,
               const std::string& password_file, const std::string& seal_password_file,
               const std::string& out) {
  auto pw = ReadFileText(password_file);
  if (!pw.ok()) return ReportError(pw.status());
  keys::VaultOptions options;
  options.data_dir = data_dir;
  options.seal.password_file = seal_password_file;
  auto vault = keys::KeyVault::Open(options);
  if (!vault.ok()) return ReportError(vault.status());
  auto keystore = (*vault)->ExportEip2335(handle, TrimNewline(*pw), {});
  if (!keystore.ok()) return ReportError(keystore.status());
  if (out.empty()) {
    std::cout << *keystore << "\n";
    return kExitOk;
  }
  // The keystore is the key, encrypted under the export password: written 0600, atomically, like
  // every other secret file (never the umask's 0644).
  std::string text = *keystore + "\n";
  Status written = WriteFileAtomically(out, AsBytes(text), AtomicWriteOptions{.mode = 0600});
  if (!written.ok()) return ReportError(written);
  return kExitOk;
}

int SignBls(CtlContext& ctx, const std::string& handle, const std::string& msg, bool pop) {
  Json body = {{"key_handle", handle}};
  if (pop) body["type"] = "PROOF_OF_POSSESSION";
  if (!msg.empty()) {
    // The CLI takes hex; say so, since "0x" + hex can also be valid base64 (design.md §4).
    body["message"] = msg.rfind("0x", 0) == 0 ? msg : "0x" + msg;
    body["message_encoding"] = "hex";
  }
  return PrintOrFail(ctx, CallDaemon(ctx, "POST", "/v1/staking/bls/sign", &body),
                     [](const Json& j) { std::cout << j.value("signature", "") << "\n"; });
}

int SignTls(CtlContext& ctx, const std::string& handle, const std::string& digest, bool compact) {
  Json body = {{"key_handle", handle},
               {"digest", digest.rfind("0x", 0) == 0 ? digest : "0x" + digest},
               {"message_encoding", "hex"},
               {"algorithm", "ecdsa-sha256"}};
  if (compact) body["format"] = "compact";
  return PrintOrFail(ctx, CallDaemon(ctx, "POST", "/v1/staking/tls/sign", &body),
                     [](const Json& j) { std::cout << j.value("signature", "") << "\n"; });
}

int Panels(CtlContext& ctx) {
  auto status = CallDaemon(ctx, "GET", "/v1/staking/status");
  if (!status.ok()) return ReportError(status.status());
  Json panels = Json::array();
  for (const Json& m : status->value("modules", Json::array())) {
    if (!m.value("loaded", false)) continue;
    auto panel = CallDaemon(ctx, "GET", "/v1/modules/" + m.value("id", "") + "/status-panel");
    if (panel.ok()) panels.push_back(*panel);
  }
  if (ctx.json) {
    std::cout << panels.dump(2) << "\n";
    return kExitOk;
  }
  for (const Json& p : panels) {
    std::cout << "== " << p.value("title", "") << " (" << p.value("module_id", "") << " "
              << p.value("module_version", "") << ")\n";
    for (const Json& section : p.value("sections", Json::array())) {
      std::cout << "  " << section.value("heading", "") << "\n";
      for (const Json& item : section.value("items", Json::array())) {
        std::string type = item.value("type", "");
        if (type == "key_value") {
          std::cout << "    " << item.value("key", "") << ": " << item.value("value", "") << "\n";
        } else if (type == "public_key") {
          std::cout << "    " << item.value("key_type", "") << " " << item.value("label", "")
                    << ": " << item.value("public_key", "") << "\n";
        } else if (type == "status_indicator") {
          std::cout << "    [" << item.value("status", "") << "] " << item.value("message", "")
                    << "\n";
        }
      }
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, CtlContext& ctx) {
  auto* keys_cmd = app.add_subcommand("keys", "list, generate, import and export staking keys");
  keys_cmd->require_subcommand(1);
  keys_cmd->add_subcommand("list", "list the keys the daemon holds (public data only)")
      ->callback([&ctx] { ctx.exit_code = KeysList(ctx); });

  struct KeyArgs {
    std::string kind = "bls", key_type = "secp256k1", label, file, hex, password_file;
    std::string data_dir = "/var/lib/cryfttee", handle, seal_password_file, out;
  };
  auto a = std::make_shared<KeyArgs>();

  auto* gen = keys_cmd->add_subcommand("generate", "generate a key in the daemon's vault");
  gen->add_option("kind", a->kind, "bls | tls")->check(CLI::IsMember({"bls", "tls"}));
  gen->add_option("--key-type", a->key_type, "tls: secp256k1 | p256")
      ->check(CLI::IsMember({"secp256k1", "p256"}));
  gen->add_option("--label", a->label, "a label kept with the key");
  gen->callback([&ctx, a] { ctx.exit_code = KeysGenerate(ctx, a->kind, a->key_type, a->label); });

  auto* imp = keys_cmd->add_subcommand("import", "import a raw key or an EIP-2335 keystore");
  imp->add_option("kind", a->kind, "bls | tls")->check(CLI::IsMember({"bls", "tls"}));
  imp->add_option("--key-type", a->key_type, "tls: secp256k1 | p256");
  auto* file_opt = imp->add_option("--keystore", a->file, "EIP-2335 keystore JSON file (bls)");
  imp->add_option("--secret-hex", a->hex, "32-byte secret in hex")->excludes(file_opt);
  imp->add_option("--password-file", a->password_file, "keystore password file");
  imp->add_option("--label", a->label, "a label kept with the key");
  imp->callback([&ctx, a] {
    if (a->file.empty() && a->hex.empty()) {
      std::cerr << "cryftteectl: keys import needs --keystore or --secret-hex\n";
      ctx.exit_code = kExitUsage;
      return;
    }
    ctx.exit_code =
        KeysImport(ctx, a->kind, a->key_type, a->file, a->hex, a->password_file, a->label);
  });

  auto* exp = keys_cmd->add_subcommand(
      "export", "export a BLS key as EIP-2335 from a vault directory (daemon stopped)");
  exp->add_option("--data-dir", a->data_dir, "the daemon's data directory");
  exp->add_option("--key-handle", a->handle, "key to export")->required();
  exp->add_option("--password-file", a->password_file, "password for the keystore")->required();
  exp->add_option("--seal-password-file", a->seal_password_file, "the vault's sealing secret");
  exp->add_option("--out", a->out, "write the keystore here instead of stdout");
  exp->callback([&ctx, a] {
    ctx.exit_code =
        KeysExport(a->data_dir, a->handle, a->password_file, a->seal_password_file, a->out);
  });

  auto* sign = app.add_subcommand("sign", "sign through the daemon");
  sign->require_subcommand(1);
  struct SignArgs {
    std::string handle, msg, digest;
    bool pop = false, compact = false;
  };
  auto s = std::make_shared<SignArgs>();
  auto* bls = sign->add_subcommand("bls", "BLS signature (hex) of --msg, or a proof of possession");
  bls->add_option("--key-handle", s->handle, "key handle")->required();
  bls->add_option("--msg", s->msg, "message in hex");
  bls->add_flag("--pop", s->pop, "sign the key's own public key under the POP ciphersuite");
  bls->callback([&ctx, s] { ctx.exit_code = SignBls(ctx, s->handle, s->msg, s->pop); });
  auto* tls = sign->add_subcommand("tls", "ECDSA signature (DER hex) of a 32-byte digest");
  tls->add_option("--key-handle", s->handle, "key handle")->required();
  tls->add_option("--digest", s->digest, "32-byte digest in hex")->required();
  tls->add_flag("--compact", s->compact, "r||s instead of DER");
  tls->callback([&ctx, s] { ctx.exit_code = SignTls(ctx, s->handle, s->digest, s->compact); });

  app.add_subcommand("panels", "show every loaded module's status panel")->callback([&ctx] {
    ctx.exit_code = Panels(ctx);
  });
}

}  // namespace cryfttee::ctl
