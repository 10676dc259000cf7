// cryftteectl module keygen | sign | verify, run as the real binary on real files.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/file_util.h"
#include "modules/manifest.h"
#include "modules/signing.h"
#include "trust_fixture.h"

namespace cryfttee::testing {
namespace {

struct CtlRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

std::string Ctl() {
  const char* build = std::getenv("CRYFTTEE_BUILD_DIR");
  return std::string(build ? build : ".") + "/bin/cryftteectl";
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

CtlRun Exec(const std::string& args) {
  CtlRun r;
  std::string cmd = Quote(Ctl()) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

mode_t Mode(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

class CtlModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(Ctl())) GTEST_SKIP() << "LOUD SKIP: " << Ctl() << " not built";
  }
  TrustFixture fx_;
};

TEST_F(CtlModuleTest, KeygenWritesPrivateKey0600AndRefusesToOverwrite) {
  std::string dir = (fx_.root() / "keys").string();
  CtlRun first = Exec("module keygen --out " + Quote(dir));
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_EQ(Mode(dir + "/publisher.key"), 0600u);
  std::string pub = *ReadFileCapped(dir + "/publisher.pub", 1024);
  EXPECT_EQ(pub.size(), 65u);  // 64 hex + newline
  EXPECT_NE(first.out.find(pub.substr(0, 64)), std::string::npos);
  std::string key = *ReadFileCapped(dir + "/publisher.key", 4096);
  EXPECT_EQ(key.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);

  CtlRun again = Exec("module keygen --out " + Quote(dir));
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_NE(again.out.find("key_exists"), std::string::npos) << again.out;
  EXPECT_EQ(*ReadFileCapped(dir + "/publisher.key", 4096), key);
}

TEST_F(CtlModuleTest, SignThenVerifyThenTamper) {
  std::string keys = (fx_.root() / "keys").string();
  ASSERT_EQ(Exec("module keygen --out " + Quote(keys)).exit_code, 0);
  std::string pub = *ReadFileCapped(keys + "/publisher.pub", 1024);
  pub.pop_back();

  fx_.AddModule({.id = "a", .sign = false});
  fx_.AddModule({.id = "b", .default_for = {{"bls", true}}, .sign = false});
  // Trust the tool's key, not the fixture's.
  WriteText(fx_.trust_path(), "version = 1\n[[publishers]]\nid = \"test-pub\"\nkeys = [\"" + pub +
                                  "\"]\ncapabilities = [\"*\"]\n");

  CtlRun sign = Exec("module sign --key " + Quote(keys + "/publisher.key") + " --manifest " +
                     Quote(fx_.manifest_path()) + " --id a --id b");
  ASSERT_EQ(sign.exit_code, 0) << sign.out;
  auto manifest = modules::ParseManifest(*ReadFileCapped(fx_.manifest_path(), 1 << 20), "m");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  for (const auto& e : manifest->modules) {
    EXPECT_TRUE(modules::VerifyManifestEntrySignature(e, *HexDecode(pub))) << e.id;
    EXPECT_EQ(e.hash, *Sha256File((fx_.module_dir() / e.id / "module.wasm").string()));
  }
  EXPECT_TRUE(manifest->Find("b")->default_for.at("bls"));  // untouched

  CtlRun verify = Exec("module verify --manifest " + Quote(fx_.manifest_path()) + " --trust " +
                       Quote(fx_.trust_path()));
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find("trusted:    yes"), std::string::npos) << verify.out;

  std::filesystem::path wasm = fx_.module_dir() / "b" / "module.wasm";
  std::string bytes = *ReadFileCapped(wasm.string(), 1 << 20);
  bytes[bytes.size() / 2] ^= 0x40;
  WriteText(wasm, bytes);
  CtlRun tampered = Exec("--json module verify --manifest " + Quote(fx_.manifest_path()) +
                         " --trust " + Quote(fx_.trust_path()));
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out;
  auto doc = nlohmann::json::parse(tampered.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << tampered.out;
  EXPECT_FALSE(doc["all_trusted"].get<bool>());
  EXPECT_TRUE(doc["modules"][0]["trusted"]["ok"].get<bool>());
  EXPECT_FALSE(doc["modules"][1]["trusted"]["ok"].get<bool>());
  EXPECT_EQ(doc["modules"][1]["trusted"]["reasons"][0]["code"], "hash_mismatch");
}

TEST_F(CtlModuleTest, SignWritesElsewhereWithOut) {
  std::string keys = (fx_.root() / "keys").string();
  ASSERT_EQ(Exec("module keygen --out " + Quote(keys)).exit_code, 0);
  fx_.AddModule({.id = "a", .sign = false});
  std::string before = *ReadFileCapped(fx_.manifest_path(), 1 << 20);
  std::string out = (fx_.root() / "signed.json").string();
  CtlRun sign = Exec("module sign --key " + Quote(keys + "/publisher.key") + " --manifest " +
                     Quote(fx_.manifest_path()) + " --module-dir " + Quote(fx_.module_dir()) +
                     " --out " + Quote(out) + " --id a");
  ASSERT_EQ(sign.exit_code, 0) << sign.out;
  EXPECT_EQ(*ReadFileCapped(fx_.manifest_path(), 1 << 20), before);
  auto signed_manifest = modules::ParseManifest(*ReadFileCapped(out, 1 << 20), out);
  ASSERT_TRUE(signed_manifest.ok());
  EXPECT_FALSE(signed_manifest->modules[0].signature.empty());
}

TEST_F(CtlModuleTest, SignRefusesLooseKeyUnknownIdAndEscapingPaths) {
  std::string keys = (fx_.root() / "keys").string();
  ASSERT_EQ(Exec("module keygen --out " + Quote(keys)).exit_code, 0);
  std::string key = keys + "/publisher.key";
  fx_.AddModule({.id = "a", .sign = false});
  std::string base =
      "module sign --key " + Quote(key) + " --manifest " + Quote(fx_.manifest_path());

  CtlRun unknown = Exec(base + " --id nope");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("module_not_found"), std::string::npos) << unknown.out;

  std::filesystem::path wasm = fx_.module_dir() / "a" / "module.wasm";
  std::filesystem::rename(wasm, fx_.root() / "outside.wasm");
  std::filesystem::create_symlink(fx_.root() / "outside.wasm", wasm);
  CtlRun escape = Exec(base + " --id a");
  EXPECT_EQ(escape.exit_code, 1);
  EXPECT_NE(escape.out.find("path_escape"), std::string::npos) << escape.out;

  ::chmod(key.c_str(), 0644);
  CtlRun loose = Exec(base + " --id a");
  EXPECT_EQ(loose.exit_code, 1);
  EXPECT_NE(loose.out.find("key_permissions"), std::string::npos) << loose.out;

  CtlRun usage = Exec("module sign --manifest x");
  EXPECT_EQ(usage.exit_code, 2) << usage.out;
}

}  // namespace
}  // namespace cryfttee::testing
