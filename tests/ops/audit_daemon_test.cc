// The audit trail and the caller allow-list through the real daemon (src/ops/audit_log.h,
// src/api/caller_audit.h), and the suite-wide secret scan.
//
// AuditDaemon.*: one line per register, import, sign, reload and refusal with exactly the fixed
// fields, the caller this process is (uid, gid, pid, exe), SHA-256 of the message computed here
// with OpenSSL; size rotation; a caller outside --allowed-uids/--allowed-gids (a child process
// that drops to nobody) gets 403 caller_not_allowed and an audit line, an allowed one is served.
//
// SecretScan.*: registered as its own ctest entry that runs after every other test
// (tests/CMakeLists.txt). Every daemon the suite started left its logs and audit files in
// CRYFTTEE_TEST_LOG_DIR (tests/support/daemon_process.h) together with the secrets tests sent
// it; this test adds keys it generates at trace log level and reads back from the vault, then
// looks for every secret in hex, 0x-hex, upper-case hex, base64 and base64url in every file.
// A planted secret must be found (the negative control), so the scan can fail.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/bytes.h"
#include "crypto/eip2335.h"
#include "keys/vault.h"
#include "support/daemon_process.h"

namespace cryfttee::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
// Audit lines keep their field order: it is part of the format.
using Line = nlohmann::ordered_json;

DaemonOptions WithArgs(std::vector<std::string> args) {
  DaemonOptions o;
  o.args = std::move(args);
  return o;
}

const std::vector<std::string> kFields = {"time",           "caller",     "route",
                                          "module",         "key_handle", "key_type",
                                          "message_sha256", "outcome",    "latency_ms"};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// The writer thread appends shortly after the answer: wait for `n` lines (or time out).
std::vector<Line> WaitForLines(const std::string& path, size_t n) {
  std::vector<std::string> lines;
  for (int i = 0; i < 250; ++i) {
    lines = ReadLines(path);
    if (lines.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<Line> out;
  for (const auto& l : lines) out.push_back(Line::parse(l, nullptr, false));
  return out;
}

std::string Sha256Text(const Bytes& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  ::SHA256(data.data(), data.size(), md);
  return "sha256:" + HexEncode(ByteSpan(md, sizeof(md)));
}

// 32 random bytes below both curve orders (BLS r and secp256k1 n start 0x73.. and 0xff..).
Bytes RandomScalar() {
  Bytes b(32);
  EXPECT_EQ(RAND_bytes(b.data(), static_cast<int>(b.size())), 1);
  b[0] &= 0x3f;
  b[0] |= 0x01;
  return b;
}

std::string SelfExe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

void ExpectFixedFields(const Line& line) {
  ASSERT_TRUE(line.is_object()) << line;
  std::vector<std::string> keys;
  for (const auto& [k, v] : line.items()) keys.push_back(k);
  EXPECT_EQ(keys, kFields) << line;
  EXPECT_TRUE(line["time"].is_string()) << line;
  EXPECT_TRUE(line["latency_ms"].is_number() && line["latency_ms"].get<double>() >= 0) << line;
  EXPECT_TRUE(line["outcome"].is_string()) << line;
}

void ExpectCallerIsThisProcess(const Line& line) {
  const Line& c = line["caller"];
  ASSERT_TRUE(c.is_object()) << line;
  EXPECT_EQ(c.value("uid", -1), static_cast<int64_t>(::getuid())) << line;
  EXPECT_EQ(c.value("gid", -1), static_cast<int64_t>(::getgid())) << line;
  EXPECT_EQ(c.value("pid", -1), static_cast<int64_t>(::getpid())) << line;
  EXPECT_EQ(c.value("exe", ""), SelfExe()) << line;
}

TEST(AuditDaemon, OneLinePerActionWithTheFixedFields) {
  DaemonProcess d(WithArgs({"--audit-log-fsync", "always"}));
  ASSERT_TRUE(d.Start()) << d.Log();
  const std::string audit = d.data_dir() + "/audit.log";
  struct stat st {};
  ASSERT_EQ(::stat(audit.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Reads (status, attestation) are not audited: only the lines below may appear.
  ASSERT_EQ(d.Get("/v1/staking/status").status, 200);
  RawResponse gen = d.Post("/v1/staking/bls/register", R"({"mode":0})");
  ASSERT_EQ(gen.status, 200) << gen.body;
  const std::string handle = gen.Json().value("key_handle", "");
  Bytes secret = RandomScalar();
  RawResponse imp = d.Post("/v1/staking/bls/register",
                           Json{{"mode", 1}, {"key_material", Base64Encode(secret)}}.dump());
  ASSERT_EQ(imp.status, 200) << imp.body;
  RawResponse tls = d.Post("/v1/staking/tls/register", R"({"mode":0})");
  ASSERT_EQ(tls.status, 200) << tls.body;
  Bytes message = RandomScalar();
  RawResponse sig = d.Post("/v1/staking/bls/sign",
                           Json{{"key_handle", handle}, {"message", Base64Encode(message)}}.dump());
  ASSERT_EQ(sig.status, 200) << sig.body;
  Bytes digest = RandomScalar();
  RawResponse tsig = d.Post(
      "/v1/staking/tls/sign",
      Json{{"key_handle", tls.Json()["key_handle"]}, {"digest", "0x" + HexEncode(digest)}}.dump());
  ASSERT_EQ(tsig.status, 200) << tsig.body;
  EXPECT_EQ(d.Post("/v1/staking/bls/sign",
                   Json{{"key_handle", "bls-nonesuch"}, {"message", Base64Encode(message)}}.dump())
                .status,
            404);
  ASSERT_EQ(d.Post("/v1/admin/reload-modules", "").status, 200);

  std::vector<Line> lines = WaitForLines(audit, 7);
  ASSERT_EQ(lines.size(), 7u) << ReadLines(audit).size();
  for (const Line& l : lines) {
    ExpectFixedFields(l);
    ExpectCallerIsThisProcess(l);
  }
  const std::string module = "bls_tls_signer_v1";
  auto expect = [&](size_t i, const char* route, const Json& key_type, const Json& key_handle,
                    const Json& sha, const char* outcome) {
    SCOPED_TRACE(lines[i].dump());
    EXPECT_EQ(lines[i]["route"], route);
    EXPECT_EQ(lines[i]["key_type"].dump(), key_type.dump());
    EXPECT_EQ(lines[i]["key_handle"].dump(), key_handle.dump());
    EXPECT_EQ(lines[i]["message_sha256"].dump(), sha.dump());
    EXPECT_EQ(lines[i]["outcome"], outcome);
  };
  expect(0, "/v1/staking/bls/register", "bls", handle, nullptr, "ok");
  expect(1, "/v1/staking/bls/register", "bls", imp.Json()["key_handle"], nullptr, "ok");
  expect(2, "/v1/staking/tls/register", "tls", tls.Json()["key_handle"], nullptr, "ok");
  expect(3, "/v1/staking/bls/sign", "bls", handle, Sha256Text(message), "ok");
  expect(4, "/v1/staking/tls/sign", "tls", tls.Json()["key_handle"], Sha256Text(digest), "ok");
  expect(5, "/v1/staking/bls/sign", "bls", "bls-nonesuch", Sha256Text(message), "key_not_found");
  expect(6, "/v1/admin/reload-modules", nullptr, nullptr, nullptr, "ok");
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(lines[i]["module"], module) << lines[i];

  // The imported secret is nowhere in the audit file (the suite-wide scan checks every log).
  std::ifstream in(audit);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.find(HexEncode(secret)), std::string::npos);
  EXPECT_EQ(text.find(Base64Encode(secret)), std::string::npos);
}

TEST(AuditDaemon, RotatesBySizeAndKeepsTheNewestFiles) {
  DaemonProcess d(WithArgs(
      {"--audit-log-max-bytes", "4096", "--audit-log-keep", "2", "--audit-log-fsync", "never"}));
  ASSERT_TRUE(d.Start()) << d.Log();
  RawResponse gen = d.Post("/v1/staking/bls/register", R"({"mode":0})");
  ASSERT_EQ(gen.status, 200) << gen.body;
  Json sign = {{"key_handle", gen.Json()["key_handle"]}, {"message", "Y3J5ZnQ="}};
  // ~330 bytes a line: 60 lines are ~20 KB, five rotations of a 4 KiB file.
  for (int i = 0; i < 60; ++i) ASSERT_EQ(d.Post("/v1/staking/bls/sign", sign.dump()).status, 200);
  ASSERT_EQ(d.Stop(), 0);  // drains the queue
  const std::string audit = d.data_dir() + "/audit.log";
  size_t total = 0;
  for (const std::string& p : {audit, audit + ".1", audit + ".2"}) {
    SCOPED_TRACE(p);
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_LE(st.st_size, 4096);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    for (const std::string& line : ReadLines(p)) {
      ExpectFixedFields(Line::parse(line, nullptr, false));
      ++total;
    }
  }
  EXPECT_FALSE(fs::exists(audit + ".3"));
  // The newest lines survive: at least two full files' worth, at most all 61.
  EXPECT_GE(total, 2 * (4096 / 400));
  EXPECT_LT(total, 61u);
}

// A request from a child process running as `uid`/`gid` (no supplementary groups), like
// `setpriv --reuid=nobody --regid=nogroup --clear-groups`; -1 when the child could not run.
RawResponse RequestAs(uid_t uid, gid_t gid, const std::string& socket, const std::string& target,
                      const std::string& body) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(3);
    RawResponse r = UnixRequest(socket, "POST", target, body);
    std::string out = std::to_string(r.status) + "\n" + r.body;
    [[maybe_unused]] ssize_t n = ::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  RawResponse r;
  size_t nl = out.find('\n');
  if (nl == std::string::npos) return r;
  r.status = std::stoi(out.substr(0, nl));
  r.body = out.substr(nl + 1);
  return r;
}

TEST(AuditDaemon, AllowListRefusesOtherUsersWith403AndAuditsIt) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "SKIPPED LOUDLY: connecting as another user needs root (CI runs as root)";
  }
  passwd* nobody = ::getpwnam("nobody");
  group* nogroup = ::getgrnam("nogroup");
  ASSERT_TRUE(nobody && nogroup) << "no nobody/nogroup on this machine";
  const uid_t nobody_uid = nobody->pw_uid;
  const gid_t nogroup_gid = nogroup->gr_gid;

  for (const bool by_group : {false, true}) {
    SCOPED_TRACE(by_group ? "nogroup allowed by name" : "root only");
    std::vector<std::string> args = {"--allowed-uids", "root"};
    if (by_group) args.insert(args.end(), {"--allowed-gids", "nogroup"});
    DaemonProcess d(WithArgs(args));
    ASSERT_TRUE(d.Start()) << d.Log();
    // The socket's directory and mode must let nobody connect: the allow-list, not the file
    // mode, is what is tested.
    ::chmod(d.dir().path().c_str(), 0755);
    ::chmod(d.socket_path().c_str(), 0666);
    const std::string body = R"({"mode":0})";

    RawResponse other =
        RequestAs(nobody_uid, nogroup_gid, d.socket_path(), "/v1/staking/bls/register", body);
    if (by_group) {
      EXPECT_EQ(other.status, 200) << other.body;
    } else {
      EXPECT_EQ(other.status, 403) << other.body;
      Json j = Json::parse(other.body, nullptr, false);
      EXPECT_EQ(j.value("code", ""), "caller_not_allowed") << other.body;
      EXPECT_EQ(j.value("success", true), false) << other.body;
    }
    EXPECT_EQ(d.Post("/v1/staking/bls/register", body).status, 200);  // root: allowed

    auto lines = WaitForLines(d.data_dir() + "/audit.log", 2);
    ASSERT_EQ(lines.size(), 2u);
    ExpectFixedFields(lines[0]);
    EXPECT_EQ(lines[0]["caller"].value("uid", -1), static_cast<int64_t>(nobody_uid)) << lines[0];
    EXPECT_EQ(lines[0]["caller"].value("gid", -1), static_cast<int64_t>(nogroup_gid)) << lines[0];
    EXPECT_EQ(lines[0]["route"], "/v1/staking/bls/register");
    EXPECT_EQ(lines[0]["outcome"], by_group ? "ok" : "caller_not_allowed") << lines[0];
    EXPECT_EQ(lines[1]["outcome"], "ok") << lines[1];
    EXPECT_EQ(lines[1]["caller"].value("uid", -1), 0) << lines[1];
  }
}

TEST(AuditDaemon, UnknownAllowListNameStopsTheDaemon) {
  DaemonOptions options = WithArgs({"--allowed-uids", "no-such-user-cryfttee"});
  DaemonProcess d(options);
  ASSERT_TRUE(d.Spawn());
  EXPECT_EQ(d.Wait(10'000), 1) << d.Log();
  EXPECT_NE(d.Log().find("no-such-user-cryfttee"), std::string::npos) << d.Log();
}

// ---- The secret scan ---------------------------------------------------------------------

std::string Base64Url(const Bytes& b) {
  std::string s = Base64Encode(b);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

struct Needle {
  std::string what;  // for the report: where the secret came from and in which form
  std::string text;
};

void AddForms(const std::string& origin, const Bytes& secret, std::vector<Needle>* out) {
  if (secret.size() < 16) return;
  std::string hex = HexEncode(secret);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string b64 = Base64Encode(secret);
  // Padding aside, so a secret embedded in a longer base64 text is still found by its prefix.
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  out->push_back({origin + " (hex)", hex});
  out->push_back({origin + " (HEX)", upper});
  out->push_back({origin + " (base64)", b64.substr(0, b64.size() - 1)});
  out->push_back({origin + " (base64url)", Base64Url(secret).substr(0, b64.size() - 1)});
}

// What tests recorded sending (tests/support: known-secrets.txt).
void AddRecordedSecrets(const std::string& dir, std::vector<Needle>* out) {
  for (const std::string& line : ReadLines(dir + "/known-secrets.txt")) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string field = line.substr(0, tab), value = line.substr(tab + 1);
    if (field == "password") {
      if (value.size() >= 8) out->push_back({"a test's keystore password", value});
      continue;
    }
    std::string text = value.rfind("0x", 0) == 0 ? value.substr(2) : value;
    auto bytes = HexDecode(text);
    if (!bytes.ok()) bytes = Base64Decode(value);
    if (bytes.ok()) AddForms("a test's key_material", *bytes, out);
  }
}

// Every (file, needle) hit among the files of `dir` whose name holds ".log".
std::vector<std::string> Scan(const std::string& dir, const std::vector<Needle>& needles,
                              size_t* files) {
  std::vector<std::string> hits;
  *files = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() ||
        entry.path().filename().string().find(".log") == std::string::npos) {
      continue;
    }
    ++*files;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    for (const Needle& n : needles) {
      if (text.find(n.text) != std::string::npos) {
        hits.push_back(entry.path().string() + ": " + n.what);
      }
    }
  }
  return hits;
}

// Keys generated inside a daemon at trace log level, read back from its vault afterwards.
std::vector<Bytes> GenerateKeysInADaemon() {
  std::vector<Bytes> secrets;
  DaemonOptions options = WithArgs({"--log-level", "trace"});
  options.keys = DaemonOptions::Keys::kNever;
  auto d = std::make_unique<DaemonProcess>(options);
  EXPECT_TRUE(d->Start()) << d->Log();
  std::vector<std::string> handles;
  for (int i = 0; i < 3; ++i) {
    RawResponse r = d->Post("/v1/staking/bls/register", R"({"mode":0})");
    EXPECT_EQ(r.status, 200) << r.body;
    handles.push_back(r.Json().value("key_handle", ""));
    Json sign = {{"key_handle", handles.back()}, {"message", "Y3J5ZnQ="}};
    EXPECT_EQ(d->Post("/v1/staking/bls/sign", sign.dump()).status, 200);
  }
  Bytes imported = RandomScalar();
  RawResponse imp = d->Post("/v1/staking/bls/register",
                            Json{{"mode", 1}, {"key_material", "0x" + HexEncode(imported)}}.dump());
  EXPECT_EQ(imp.status, 200) << imp.body;
  RawResponse tls =
      d->Post("/v1/staking/tls/register",
              Json{{"mode", 1}, {"key_material", Base64Encode(RandomScalar())}}.dump());
  EXPECT_EQ(tls.status, 200) << tls.body;
  EXPECT_EQ(d->Stop(), 0);

  keys::VaultOptions vault_options;
  vault_options.data_dir = d->data_dir();
  auto vault = keys::KeyVault::Open(vault_options);
  EXPECT_TRUE(vault.ok()) << vault.status().message();
  if (vault.ok()) {
    crypto::Eip2335EncryptOptions fast;
    fast.kdf = crypto::Eip2335Kdf::kPbkdf2;
    fast.pbkdf2_iterations = 1;
    for (const std::string& h : handles) {
      auto keystore = (*vault)->ExportEip2335(h, "scan-export", fast);
      EXPECT_TRUE(keystore.ok()) << keystore.status().message();
      if (!keystore.ok()) continue;
      auto opened = crypto::Eip2335Decrypt(*keystore, "scan-export");
      EXPECT_TRUE(opened.ok());
      if (opened.ok())
        secrets.emplace_back(opened->secret.span().begin(), opened->secret.span().end());
    }
  }
  d.reset();  // its logs join the test-log directory now
  return secrets;
}

TEST(SecretScan, NoLogOrAuditLineOfTheSuiteHoldsASecret) {
  const std::string dir = TestLogDir();
  if (dir.empty()) GTEST_SKIP() << "CRYFTTEE_TEST_LOG_DIR is not set (run through ctest)";
  std::vector<Needle> needles;
  std::vector<Bytes> generated = GenerateKeysInADaemon();
  EXPECT_EQ(generated.size(), 3u);
  for (const Bytes& s : generated) AddForms("a key generated by the daemon", s, &needles);
  AddRecordedSecrets(dir, &needles);  // includes this test's own imports

  // Negative control first: the same scan over a planted file must find the secret.
  {
    TempDir planted;
    ASSERT_FALSE(generated.empty());
    std::ofstream(planted.File("planted.log"))
        << "{\"msg\":\"oops\",\"k\":\"" << Base64Encode(generated[0]) << "\"}\n";
    size_t files = 0;
    EXPECT_FALSE(Scan(planted.path(), needles, &files).empty()) << "the scan cannot fail";
  }

  size_t files = 0;
  std::vector<std::string> hits = Scan(dir, needles, &files);
  EXPECT_GE(files, 2u) << "no daemon logs were kept in " << dir;
  std::cout << "secret scan: " << needles.size() << " secret forms over " << files
            << " log and audit files in " << dir << "\n";
  for (const std::string& hit : hits) ADD_FAILURE() << "secret found: " << hit;
  // Clean only after a clean scan: a failure keeps its evidence.
  if (hits.empty() && !::testing::Test::HasFailure()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove(entry.path(), ec);
  }
}

}  // namespace
}  // namespace cryfttee::testing
