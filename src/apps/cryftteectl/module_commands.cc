// module keygen | sign | verify: the publisher's side of module trust. Works on files only and
// never talks to the daemon, so a release can be signed on an offline machine.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "apps/cryftteectl/commands.h"
#include "apps/cryftteectl/daemon_connection.h"
#include "core/file_util.h"
#include "core/sha256.h"
#include "crypto/ed25519.h"
#include "modules/host_functions_base.h"
#include "modules/host_functions_keyvault.h"
#include "modules/manifest.h"
#include "modules/module_paths.h"
#include "modules/signing.h"
#include "runtime/module_registry.h"

namespace cryfttee::ctl {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kPrivateKeyFile = "publisher.key";
constexpr const char* kPublicKeyFile = "publisher.pub";
constexpr size_t kMaxKeyFileBytes = 16 * 1024;

int Fail(const Status& status) {
  std::cerr << "cryftteectl: " << status.code() << ": " << status.message() << "\n";
  return kExitError;
}

int Keygen(const CtlContext& ctx, const std::string& out_dir, bool force) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    return Fail(Status::Internal("io_error", "cannot create " + out_dir + ": " + ec.message()));
  std::string priv_path = (fs::path(out_dir) / kPrivateKeyFile).string();
  std::string pub_path = (fs::path(out_dir) / kPublicKeyFile).string();
  if (!force && (fs::exists(priv_path) || fs::exists(pub_path))) {
    return Fail(Status::Error(StatusCategory::kAlreadyExists, "key_exists",
                              priv_path + " or " + pub_path +
                                  " already exists; refusing to replace a publisher key "
                                  "(use --force)"));
  }
  auto pair = crypto::Ed25519Generate();
  if (!pair.ok()) return Fail(pair.status());
  auto pem = crypto::Ed25519SeedToPem(pair->seed);
  if (!pem.ok()) return Fail(pem.status());
  if (Status s = WriteFileAtomic(priv_path, pem->span(), 0600); !s.ok()) return Fail(s);
  std::string pub_hex = HexEncode(pair->public_key);
  if (Status s = WriteFileAtomic(pub_path, AsBytes(pub_hex + "\n"), 0644); !s.ok()) return Fail(s);

  if (ctx.json) {
    std::cout << Json{{"private_key_file", priv_path},
                      {"public_key_file", pub_path},
                      {"public_key", pub_hex}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "private key: " << priv_path << " (mode 0600; keep it offline)\n"
              << "public key:  " << pub_path << "\n"
              << pub_hex << "\n\n"
              << "trust.toml entry:\n"
              << "[[publishers]]\nid = \"<publisher id>\"\nkeys = [\"" << pub_hex
              << "\"]\ncapabilities = [\"*\"]\ngrants = [\"log\", \"clock\", \"random\"]\n";
  }
  return kExitOk;
}

Result<SecretBytes> ReadPrivateKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    // Like ssh: a key others can read is treated as already leaked.
    return Status::Error(StatusCategory::kPermissionDenied, "key_permissions",
                         path + " is readable by group or others; chmod 600 it");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::string pem_text, ReadFileCapped(path, kMaxKeyFileBytes));
  SecretBytes pem(AsBytes(pem_text));
  SecureWipe(pem_text.data(), pem_text.size());
  return crypto::Ed25519SeedFromPem(pem.span());
}

// Signs each id in turn, writing `out` (default: the manifest itself) once at the end.
int Sign(const CtlContext& ctx, const std::string& key_path, const std::string& manifest_path,
         const std::vector<std::string>& ids, std::string module_dir, std::string out_path) {
  if (module_dir.empty()) module_dir = fs::path(manifest_path).parent_path().string();
  if (module_dir.empty()) module_dir = ".";
  if (out_path.empty()) out_path = manifest_path;
  auto seed = ReadPrivateKey(key_path);
  if (!seed.ok()) return Fail(seed.status());
  auto text = ReadFileCapped(manifest_path, modules::kMaxManifestBytes);
  if (!text.ok()) return Fail(text.status());
  auto canonical_dir = modules::CanonicalModuleDir(module_dir);
  if (!canonical_dir.ok()) return Fail(canonical_dir.status());

  std::string doc = *text;
  Json signed_entries = Json::array();
  for (const std::string& id : ids) {
    auto manifest = modules::ParseManifest(doc, manifest_path);
    if (!manifest.ok()) return Fail(manifest.status());
    const modules::ManifestEntry* found = manifest->Find(id);
    if (!found) {
      return Fail(Status::NotFound("module_not_found",
                                   manifest_path + ": no module with id \"" + id + "\""));
    }
    modules::ManifestEntry entry = *found;
    auto wasm_path = modules::ResolveInsideModuleDir(*canonical_dir, entry.dir + "/" + entry.file);
    if (!wasm_path.ok()) return Fail(wasm_path.status());
    auto hash = Sha256File(*wasm_path);
    if (!hash.ok()) return Fail(hash.status());
    entry.hash = *hash;
    auto signature = modules::SignManifestEntry(entry, *seed);
    if (!signature.ok()) return Fail(signature.status());
    auto updated =
        modules::SetManifestEntrySignature(doc, manifest_path, id, entry.hash, *signature);
    if (!updated.ok()) return Fail(updated.status());
    doc = std::move(*updated);
    signed_entries.push_back({{"id", id}, {"hash", entry.hash}, {"signature", *signature}});
  }
  if (Status s = WriteFileAtomic(out_path, AsBytes(doc), 0644); !s.ok()) return Fail(s);
  if (ctx.json) {
    std::cout << Json{{"manifest", out_path}, {"signed", signed_entries}}.dump(2) << "\n";
  } else {
    for (const auto& e : signed_entries) {
      std::cout << "signed " << e["id"].get<std::string>() << " " << e["hash"].get<std::string>()
                << "\n";
    }
    std::cout << "wrote " << out_path << "\n";
  }
  return kExitOk;
}

Json VerdictJson(const modules::Verdict& v) {
  Json reasons = Json::array();
  for (const auto& r : v.reasons) reasons.push_back({{"code", r.code}, {"message", r.message}});
  return {{"ok", v.ok}, {"reasons", reasons}};
}

void PrintVerdict(const char* name, const modules::Verdict& v) {
  std::cout << "  " << name << (v.ok ? "yes" : "no") << "\n";
  for (const auto& r : v.reasons) std::cout << "      - " << r.code << ": " << r.message << "\n";
}

// Verification only (nothing is instantiated). Exit 1 if any module is not trusted.
int Verify(const CtlContext& ctx, const std::string& manifest_path, const std::string& trust_path,
           std::string module_dir) {
  if (module_dir.empty()) module_dir = fs::path(manifest_path).parent_path().string();
  if (module_dir.empty()) module_dir = ".";
  runtime::RegistryConfig config;
  config.module_dir = module_dir;
  config.manifest_path = manifest_path;
  config.trust_path = trust_path;
  // Verification reads only each host function's name and grant; nothing is instantiated or
  // called, so the key-vault functions need no vault here.
  config.host_functions = [] {
    std::vector<modules::HostFunction> all = modules::BaseHostFunctions();
    for (auto& f : modules::KeyVaultHostFunctions(nullptr)) all.push_back(std::move(f));
    return all;
  };
  auto snapshot = runtime::BuildSnapshot(config, 0, /*load=*/false);
  if (!snapshot.ok()) return Fail(snapshot.status());

  bool all_trusted = true;
  Json out = Json::array();
  for (const auto& m : (*snapshot)->modules()) {
    all_trusted = all_trusted && m.trusted.ok;
    if (ctx.json) {
      out.push_back({{"id", m.entry.id},
                     {"version", m.entry.version},
                     {"publisher", m.entry.publisher_id},
                     {"hash", m.actual_hash},
                     {"trusted", VerdictJson(m.trusted)},
                     {"compatible", VerdictJson(m.compatible)}});
      continue;
    }
    std::cout << m.entry.id << " " << m.entry.version << " (publisher " << m.entry.publisher_id
              << ")\n";
    PrintVerdict("trusted:    ", m.trusted);
    PrintVerdict("compatible: ", m.compatible);
  }
  if (ctx.json) {
    std::cout << Json{{"manifest_hash", (*snapshot)->manifest_hash()},
                      {"all_trusted", all_trusted},
                      {"modules", out}}
                     .dump(2)
              << "\n";
  }
  return all_trusted ? kExitOk : kExitError;
}

// Asks a running daemon to re-read its manifest and trust file.
int Reload(CtlContext& ctx) {
  auto answer = CallDaemon(ctx, "POST", "/v1/admin/reload-modules");
  if (!answer.ok()) return ReportError(answer.status());
  std::cout << answer->dump(2) << "\n";
  return kExitOk;
}

}  // namespace

void RegisterModuleCommands(CLI::App& app, CtlContext& ctx) {
  auto* group = app.add_subcommand("module", "publish and check signed WASM modules");
  group->require_subcommand(1);

  auto* keygen = group->add_subcommand("keygen", "create an Ed25519 publisher key pair");
  auto out_dir = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  keygen->add_option("--out", *out_dir, "directory for publisher.key (0600) and publisher.pub")
      ->required();
  keygen->add_flag("--force", *force, "replace an existing key pair");
  keygen->callback([&ctx, out_dir, force] { ctx.exit_code = Keygen(ctx, *out_dir, *force); });

  auto* sign = group->add_subcommand("sign", "hash a module and sign its manifest entry");
  auto key = std::make_shared<std::string>();
  auto manifest = std::make_shared<std::string>();
  auto ids = std::make_shared<std::vector<std::string>>();
  auto module_dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  sign->add_option("--key", *key, "publisher private key (PEM)")->required();
  sign->add_option("--manifest", *manifest, "manifest.json to read")->required();
  sign->add_option("--id", *ids, "module id to sign (repeatable)")->required();
  sign->add_option("--module-dir", *module_dir, "where module dirs are (default: manifest's dir)");
  sign->add_option("--out", *out, "where to write the signed manifest (default: in place)");
  sign->callback([&ctx, key, manifest, ids, module_dir, out] {
    ctx.exit_code = Sign(ctx, *key, *manifest, *ids, *module_dir, *out);
  });

  auto* verify = group->add_subcommand("verify", "print verdicts; exit 1 if any is untrusted");
  auto vmanifest = std::make_shared<std::string>();
  auto trust = std::make_shared<std::string>();
  auto vdir = std::make_shared<std::string>();
  verify->add_option("--manifest", *vmanifest, "manifest.json")->required();
  verify->add_option("--trust", *trust, "trust.toml")->required();
  verify->add_option("--module-dir", *vdir, "where module dirs are (default: manifest's dir)");
  verify->callback(
      [&ctx, vmanifest, trust, vdir] { ctx.exit_code = Verify(ctx, *vmanifest, *trust, *vdir); });

  group->add_subcommand("reload", "ask the daemon to reload its modules")->callback([&ctx] {
    ctx.exit_code = Reload(ctx);
  });
}

}  // namespace cryfttee::ctl
