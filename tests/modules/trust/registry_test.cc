// Verification verdicts, dispatch, attestation inputs and reload, through the runtime API the
// daemon uses.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "core/sha256.h"
#include "runtime/attestation.h"
#include "runtime/module_registry.h"
#include "trust_fixture.h"

namespace cryfttee::runtime {
namespace {

using cryfttee::testing::TestModule;
using cryfttee::testing::TrustFixture;
using cryfttee::testing::WriteText;

bool HasReason(const Verdict& v, const std::string& code) {
  for (const auto& r : v.reasons) {
    if (r.code == code) return true;
  }
  return false;
}

std::string Reasons(const ModuleRecord& m) {
  std::string out;
  for (const Verdict* v : {&m.trusted, &m.compatible, &m.loaded}) {
    for (const auto& r : v->reasons) out += r.code + ": " + r.message + "\n";
  }
  return out;
}

class RegistryTest : public ::testing::Test {
 protected:
  RegistryConfig Config() {
    RegistryConfig c;
    c.module_dir = fx_.module_dir().string();
    c.trust_path = fx_.trust_path();
    return c;
  }

  std::shared_ptr<const Snapshot> Build() {
    auto s = BuildSnapshot(Config(), 1, /*load=*/true);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : std::make_shared<Snapshot>();
  }

  const ModuleRecord& Only(const std::shared_ptr<const Snapshot>& s) {
    EXPECT_EQ(s->modules().size(), 1u);
    return s->modules().at(0);
  }

  TrustFixture fx_;
};

TEST_F(RegistryTest, SignedModuleIsTrustedCompatibleLoadedAndCallable) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust();
  auto snap = Build();
  const ModuleRecord& m = Only(snap);
  EXPECT_TRUE(m.trusted.ok) << Reasons(m);
  EXPECT_TRUE(m.compatible.ok) << Reasons(m);
  EXPECT_TRUE(m.loaded.ok) << Reasons(m);
  EXPECT_EQ(m.signing_key, HexEncode(fx_.public_key()));
  EXPECT_EQ(m.entry.hash, m.actual_hash);
  EXPECT_NE(std::find(m.exports.begin(), m.exports.end(), "bls_sign"), m.exports.end());
  ASSERT_NE(m.instance, nullptr);
  auto out = m.instance->CallJson("bls_sign", R"({"message":"aGk="})");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, R"({"message":"aGk="})");

  ModuleAttestation a = snap->attestation();
  auto manifest_bytes = ReadFileCapped(fx_.manifest_path(), 1 << 20);
  EXPECT_EQ(a.manifest_hash, FormatSha256(Sha256(AsBytes(*manifest_bytes))));
  EXPECT_EQ(a.loaded_modules, std::vector<std::string>{"signer"});
  EXPECT_EQ(a.module_hashes.at("signer"), m.entry.hash);
}

TEST_F(RegistryTest, OneByteTamperMakesItUntrustedAndNotLoaded) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust();
  std::filesystem::path wasm = fx_.module_dir() / "signer" / "module.wasm";
  std::string bytes = *ReadFileCapped(wasm.string(), 1 << 20);
  // One bit in the code section.
  bytes[bytes.size() - 3] ^= 0x01;
  WriteText(wasm, bytes);
  auto snap = Build();
  const ModuleRecord& m = Only(snap);
  EXPECT_FALSE(m.trusted.ok);
  EXPECT_TRUE(HasReason(m.trusted, "hash_mismatch")) << Reasons(m);
  EXPECT_FALSE(m.loaded.ok);
  EXPECT_EQ(m.instance, nullptr);
  EXPECT_TRUE(m.exports.empty()) << "untrusted bytes must not reach the engine";
  EXPECT_TRUE(HasReason(m.compatible, "not_inspected"));
  EXPECT_TRUE(snap->attestation().loaded_modules.empty());
  EXPECT_TRUE(snap->attestation().module_hashes.empty());
  auto r = snap->FindForCapability("bls_sign");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "no_module_for_capability");
}

TEST_F(RegistryTest, WrongPublisherKeyIsUntrusted) {
  fx_.AddModule({.id = "signer"});
  auto other = crypto::Ed25519Generate();
  TrustFixture::Sign(fx_.entry("signer"), other->seed, fx_.entry("signer")["hash"]);
  fx_.WriteManifest();
  fx_.WriteTrust();
  auto snap_m = Build();
  const ModuleRecord& m = Only(snap_m);
  EXPECT_FALSE(m.trusted.ok);
  EXPECT_TRUE(HasReason(m.trusted, "bad_signature")) << Reasons(m);
  EXPECT_FALSE(m.loaded.ok);
}

TEST_F(RegistryTest, RevokedKeyIsUntrustedWithThatReason) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust("[\"*\"]", "[\"log\"]",
                 "\n[revoked]\nkeys = [\"" + HexEncode(fx_.public_key()) + "\"]\n");
  auto snap_m = Build();
  const ModuleRecord& m = Only(snap_m);
  EXPECT_FALSE(m.trusted.ok);
  EXPECT_TRUE(HasReason(m.trusted, "revoked_key")) << Reasons(m);
  EXPECT_FALSE(m.loaded.ok);
}

TEST_F(RegistryTest, UnknownPublisherAndUnsignedEntries) {
  fx_.AddModule({.id = "stranger", .publisher = "someone-else"});
  fx_.AddModule({.id = "unsigned", .sign = false});
  fx_.WriteTrust();
  auto snap = Build();
  const ModuleRecord* s = snap->Find("stranger");
  const ModuleRecord* u = snap->Find("unsigned");
  ASSERT_TRUE(s && u);
  EXPECT_TRUE(HasReason(s->trusted, "unknown_publisher")) << Reasons(*s);
  EXPECT_TRUE(HasReason(u->trusted, "unsigned")) << Reasons(*u);
  EXPECT_FALSE(s->loaded.ok);
  EXPECT_FALSE(u->loaded.ok);
}

TEST_F(RegistryTest, RelabelledSignatureIsRejected) {
  // Same bytes and hash, signature copied from another id: the signature binds the id.
  fx_.AddModule({.id = "genuine"});
  nlohmann::json copy = fx_.entry("genuine");
  fx_.AddModule({.id = "impostor", .sign = false});
  fx_.entry("impostor")["hash"] = copy["hash"];
  fx_.entry("impostor")["signature"] = copy["signature"];
  fx_.WriteManifest();
  fx_.WriteTrust();
  auto snap = Build();
  EXPECT_TRUE(snap->Find("genuine")->trusted.ok);
  EXPECT_TRUE(HasReason(snap->Find("impostor")->trusted, "bad_signature"));
}

TEST_F(RegistryTest, TooHighMinCryfteeVersionIsIncompatible) {
  fx_.AddModule({.id = "future", .min_version = "99.0.0"});
  fx_.AddModule({.id = "pre", .min_version = std::string(CRYFTTEE_VERSION) + "-rc.1"});
  fx_.WriteTrust();
  auto snap = Build();
  const ModuleRecord* f = snap->Find("future");
  EXPECT_TRUE(f->trusted.ok) << Reasons(*f);
  EXPECT_FALSE(f->compatible.ok);
  EXPECT_TRUE(HasReason(f->compatible, "cryfttee_too_old")) << Reasons(*f);
  EXPECT_FALSE(f->loaded.ok);
  // A pre-release of our own version precedes it, so it is satisfied.
  EXPECT_TRUE(snap->Find("pre")->compatible.ok) << Reasons(*snap->Find("pre"));
}

TEST_F(RegistryTest, MissingExportForDeclaredCapabilityIsIncompatible) {
  fx_.AddModule({.id = "signer", .capabilities = {"bls_sign", "tls_sign"}});
  fx_.WriteTrust();
  auto snap_m = Build();
  const ModuleRecord& m = Only(snap_m);
  EXPECT_TRUE(m.trusted.ok) << Reasons(m);
  EXPECT_FALSE(m.compatible.ok);
  EXPECT_TRUE(HasReason(m.compatible, "missing_export")) << Reasons(m);
  EXPECT_NE(Reasons(m).find("tls_sign"), std::string::npos);
  EXPECT_FALSE(m.loaded.ok);
}

TEST_F(RegistryTest, GrantBeyondPublisherAllowanceIsRefused) {
  fx_.AddModule({.id = "clocky",
                 .wasm_name = "clock_user",
                 .capabilities = {"bls_sign"},
                 .host_functions = {"now_ms"}});
  fx_.WriteTrust("[\"*\"]", "[\"log\"]");  // no "clock"
  auto snap = Build();
  const ModuleRecord& m = Only(snap);
  EXPECT_FALSE(m.trusted.ok);
  EXPECT_TRUE(HasReason(m.trusted, "grant_not_allowed")) << Reasons(m);
  EXPECT_FALSE(m.loaded.ok);

  // Within the allowance it loads, and gets exactly the clock function.
  fx_.WriteTrust("[\"*\"]", "[\"log\", \"clock\"]");
  auto ok = Build();
  const ModuleRecord& m2 = Only(ok);
  EXPECT_TRUE(m2.loaded.ok) << Reasons(m2);
  EXPECT_EQ(m2.host_functions, std::vector<std::string>{"now_ms"});
  EXPECT_EQ(m2.grants, std::vector<std::string>{"clock"});
  EXPECT_TRUE(m2.instance->CallJson("bls_sign", "{}").ok());
}

TEST_F(RegistryTest, UndeclaredImportIsIncompatible) {
  // The binary imports now_ms but module.json does not declare it.
  fx_.AddModule({.id = "sneaky", .wasm_name = "clock_user", .capabilities = {"bls_sign"}});
  fx_.WriteTrust();
  auto snap_m = Build();
  const ModuleRecord& m = Only(snap_m);
  EXPECT_TRUE(m.trusted.ok) << Reasons(m);
  EXPECT_TRUE(HasReason(m.compatible, "undeclared_import")) << Reasons(m);
  EXPECT_FALSE(m.loaded.ok);
}

TEST_F(RegistryTest, CapabilityOutsidePublisherAllowanceIsUntrusted) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust("[\"bls_sign\"]");
  auto snap_m = Build();
  const ModuleRecord& m = Only(snap_m);
  EXPECT_TRUE(HasReason(m.trusted, "capability_not_allowed")) << Reasons(m);
  EXPECT_NE(Reasons(m).find("bls_register"), std::string::npos);
}

TEST_F(RegistryTest, ModuleJsonMustAgreeWithSignedEntry) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust();
  nlohmann::json desc = nlohmann::json::parse(
      *ReadFileCapped((fx_.module_dir() / "signer" / "module.json").string(), 1 << 20));
  desc["capabilities"] = {"bls_sign"};
  desc["abiVersion"] = 2;
  WriteText(fx_.module_dir() / "signer" / "module.json", desc.dump());
  auto snap_m = Build();
  const ModuleRecord& m = Only(snap_m);
  EXPECT_TRUE(HasReason(m.compatible, "module_json_mismatch")) << Reasons(m);
  EXPECT_TRUE(HasReason(m.compatible, "abi_mismatch")) << Reasons(m);

  std::filesystem::remove(fx_.module_dir() / "signer" / "module.json");
  auto snap_gone = Build();
  const ModuleRecord& gone = Only(snap_gone);
  EXPECT_TRUE(HasReason(gone.compatible, "invalid_module_json")) << Reasons(gone);
}

TEST_F(RegistryTest, SymlinksOutOfTheModuleDirectoryAreRejected) {
  fx_.AddModule({.id = "linked"});
  fx_.AddModule({.id = "dirlink"});
  fx_.WriteTrust();
  // The wasm file is a link to an identical file outside the tree: same hash, still refused.
  std::filesystem::path outside = fx_.root() / "outside";
  std::filesystem::create_directories(outside);
  std::filesystem::copy_file(fx_.module_dir() / "linked" / "module.wasm", outside / "x.wasm");
  std::filesystem::remove(fx_.module_dir() / "linked" / "module.wasm");
  std::filesystem::create_symlink(outside / "x.wasm", fx_.module_dir() / "linked" / "module.wasm");
  // A whole module dir that is a link to outside.
  std::filesystem::rename(fx_.module_dir() / "dirlink", outside / "dirlink");
  std::filesystem::create_directory_symlink(outside / "dirlink", fx_.module_dir() / "dirlink");

  auto snap = Build();
  for (const char* id : {"linked", "dirlink"}) {
    const ModuleRecord* m = snap->Find(id);
    EXPECT_FALSE(m->trusted.ok) << id;
    EXPECT_TRUE(HasReason(m->trusted, "path_escape")) << id << ": " << Reasons(*m);
    EXPECT_FALSE(m->loaded.ok);
  }
}

TEST_F(RegistryTest, FifoInPlaceOfTheModuleDoesNotHangVerification) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust();
  std::filesystem::path wasm = fx_.module_dir() / "signer" / "module.wasm";
  std::filesystem::remove(wasm);
  ASSERT_EQ(::mkfifo(wasm.c_str(), 0600), 0);
  auto snap = Build();
  const ModuleRecord& m = Only(snap);
  EXPECT_TRUE(HasReason(m.trusted, "file_unreadable")) << Reasons(m);
  EXPECT_FALSE(m.loaded.ok);
}

TEST_F(RegistryTest, SymlinkInsideTheTreeIsFine) {
  fx_.AddModule({.id = "signer"});
  fx_.WriteTrust();
  std::filesystem::path dir = fx_.module_dir() / "signer";
  std::filesystem::rename(dir / "module.wasm", dir / "real.wasm");
  std::filesystem::create_symlink("real.wasm", dir / "module.wasm");
  EXPECT_TRUE(Only(Build()).loaded.ok);
}

TEST_F(RegistryTest, DispatchExplicitIdThenDefaultThenFirstLoaded) {
  fx_.AddModule({.id = "a"});
  fx_.AddModule({.id = "b", .default_for = {{"bls", true}}});
  fx_.AddModule({.id = "c", .capabilities = {"bls_sign"}, .publisher = "nobody"});
  fx_.WriteTrust();
  auto snap = Build();
  EXPECT_EQ(snap->DefaultFor("bls"), "b");
  EXPECT_EQ(snap->DefaultFor("tls"), "");
  EXPECT_EQ((*snap->FindForCapability("bls_sign"))->id(), "b");
  EXPECT_EQ((*snap->FindForCapability("bls_sign", "a"))->id(), "a");

  auto not_found = snap->FindForCapability("bls_sign", "zzz");
  EXPECT_EQ(not_found.status().code(), "module_not_found");
  EXPECT_EQ(not_found.status().category(), StatusCategory::kNotFound);
  auto not_loaded = snap->FindForCapability("bls_sign", "c");
  EXPECT_EQ(not_loaded.status().code(), "module_not_loaded");
  EXPECT_NE(not_loaded.status().message().find("not in the trust file"), std::string::npos)
      << not_loaded.status().message();
  auto unsupported = snap->FindForCapability("tls_sign", "a");
  EXPECT_EQ(unsupported.status().code(), "capability_not_supported");
  auto nobody = snap->FindForCapability("tls_sign");
  EXPECT_EQ(nobody.status().code(), "no_module_for_capability");
  EXPECT_EQ(nobody.status().category(), StatusCategory::kUnavailable);
}

TEST_F(RegistryTest, DefaultThatIsDownIsNotSilentlyReplaced) {
  fx_.AddModule({.id = "a"});
  fx_.AddModule({.id = "b", .min_version = "99.0.0", .default_for = {{"bls", true}}});
  fx_.WriteTrust();
  auto snap = Build();
  auto r = snap->FindForCapability("bls_sign");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "module_not_loaded");
  EXPECT_NE(r.status().message().find("\"b\""), std::string::npos);
}

TEST_F(RegistryTest, NoTrustFileMeansNothingIsTrusted) {
  fx_.AddModule({.id = "signer"});
  RegistryConfig c = Config();
  c.trust_path.clear();
  auto snap = BuildSnapshot(c, 1, true);
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(HasReason((*snap)->modules()[0].trusted, "no_trust_file"));
}

TEST_F(RegistryTest, ReloadReportsAddedRemovedChangedAndRefused) {
  fx_.AddModule({.id = "a"});
  fx_.AddModule({.id = "b"});
  fx_.WriteTrust();
  ModuleRegistry registry(Config());
  EXPECT_EQ(registry.Current()->generation(), 0u);
  EXPECT_TRUE(registry.Current()->modules().empty());

  auto first = registry.Reload();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->added, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(first->removed.empty());
  EXPECT_TRUE(first->refused.empty());
  EXPECT_EQ(registry.Current()->generation(), 1u);

  fx_.RemoveModule("b");
  fx_.AddModule({.id = "c"});
  fx_.AddModule({.id = "d", .min_version = "99.0.0"});
  fx_.entry("a")["defaultFor"] = {{"bls", true}};
  fx_.WriteManifest();
  auto second = registry.Reload();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->generation, 2u);
  EXPECT_EQ(second->added, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(second->removed, std::vector<std::string>{"b"});
  EXPECT_EQ(second->changed, std::vector<std::string>{"a"});
  ASSERT_EQ(second->refused.size(), 1u);
  EXPECT_EQ(second->refused[0].id, "d");
  ASSERT_EQ(second->refused[0].reasons.size(), 1u);
  EXPECT_EQ(second->refused[0].reasons[0].code, "cryfttee_too_old");
  EXPECT_EQ(registry.Current()->Find("b"), nullptr);
  EXPECT_TRUE(registry.Current()->Find("c")->loaded.ok);
  EXPECT_EQ(registry.Resolve("bls_sign")->record->id(), "a");
}

TEST_F(RegistryTest, FailedReloadKeepsTheCurrentSnapshot) {
  fx_.AddModule({.id = "a"});
  fx_.WriteTrust();
  ModuleRegistry registry(Config());
  ASSERT_TRUE(registry.Reload().ok());
  auto before = registry.Current();

  WriteText(fx_.manifest_path(), "{\"version\": 1, \"modules\": [{\"id\": 5}]}");
  auto bad = registry.Reload();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), "invalid_manifest");
  EXPECT_EQ(registry.Current(), before);

  fx_.WriteManifest();
  WriteText(fx_.trust_path(), "version = [");
  auto bad_trust = registry.Reload();
  ASSERT_FALSE(bad_trust.ok());
  EXPECT_EQ(bad_trust.status().code(), "invalid_trust");
  EXPECT_EQ(registry.Current(), before);
  EXPECT_TRUE(registry.Resolve("bls_sign").ok());
}

TEST_F(RegistryTest, VerificationOnlyDoesNotInstantiate) {
  fx_.AddModule({.id = "a"});
  fx_.WriteTrust();
  auto snap = BuildSnapshot(Config(), 0, /*load=*/false);
  ASSERT_TRUE(snap.ok());
  const ModuleRecord& m = (*snap)->modules()[0];
  EXPECT_TRUE(m.trusted.ok);
  EXPECT_TRUE(m.compatible.ok);
  EXPECT_FALSE(m.loaded.ok);
  EXPECT_TRUE(HasReason(m.loaded, "verification_only"));
  EXPECT_EQ(m.instance, nullptr);
}

// The binary identity behind attestation: a launcher's hash is ready at once and used as given;
// without one the file is hashed off the caller's thread and Get() waits for the real hash.
TEST(BinaryIdentityTaskTest, SelfHashIsTheFilesHashAndParentHashIsTakenAsGiven) {
  char tmpl[] = "/tmp/cryfttee-identity-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  std::string content(3 * 1024 * 1024 + 17, 'x');  // spans several 1 MiB reads
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::close(fd);

  std::atomic<int> done_calls{0};
  auto self = BinaryIdentityTask::Start(
      "", [&](const Result<BinaryIdentity>& id) { done_calls += id.ok() ? 1 : 100; }, tmpl);
  ASSERT_TRUE(self.ok());
  auto id = (*self)->Get();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->hash, FormatSha256(Sha256(AsBytes(content))));
  EXPECT_EQ(id->source, "self");
  EXPECT_FALSE((*self)->from_parent());
  self->reset();  // waits for the hashing thread, which ran the callback once
  EXPECT_EQ(done_calls.load(), 1);

  const std::string parent = "sha256:" + std::string(64, 'a');
  auto given = BinaryIdentityTask::Start(parent, {}, tmpl);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ((*given)->Get()->hash, parent);
  EXPECT_EQ((*given)->Get()->source, "parent");
  EXPECT_EQ(BinaryIdentityTask::Start("sha256:ABC", {}, tmpl).status().code(),
            "invalid_binary_hash");

  auto missing = BinaryIdentityTask::Start("", {}, std::string(tmpl) + "-absent");
  ASSERT_TRUE(missing.ok());  // the failure shows where the hash is needed
  EXPECT_EQ((*missing)->Get().status().code(), "io_error");
  ::unlink(tmpl);
}

}  // namespace
}  // namespace cryfttee::runtime
