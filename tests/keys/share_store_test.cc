// Share store: round trip, exact lookups at version boundaries, prune, wrong key vs corrupt
// file, and 50 SIGKILLs of a writing process with nothing lost or corrupt.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "share_store_fixture.h"

namespace cryfttee::keys {
namespace {

namespace fs = std::filesystem;
using testing::IdentityKey;
using testing::Same;
using testing::VersionFor;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/share-store-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(ShareStoreTest, LookupsAreExactAtVersionBoundaries) {
  TempDir d;
  auto s = ShareStore::Open(d.path + "/shares", IdentityKey());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Active().status().code(), "not_found");
  for (uint64_t v : {1000u, 2000u, 3000u}) ASSERT_TRUE(s->Store(VersionFor(v)).ok());
  EXPECT_EQ(s->Store(VersionFor(2000)).code(), "already_exists");
  EXPECT_TRUE(Same(*s->Active(), VersionFor(3000)));
  EXPECT_EQ(s->AtTime(999).status().code(), "not_found");
  EXPECT_TRUE(Same(*s->AtTime(1000), VersionFor(1000)));
  EXPECT_TRUE(Same(*s->AtTime(1999), VersionFor(1000)));
  EXPECT_TRUE(Same(*s->AtTime(2000), VersionFor(2000)));
  EXPECT_TRUE(Same(*s->AtTime(2999), VersionFor(2000)));
  EXPECT_TRUE(Same(*s->AtTime(1u << 31), VersionFor(3000)));
  // Reopening rebuilds the same index.
  auto again = ShareStore::Open(d.path + "/shares", IdentityKey());
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->List().size(), 3u);
  EXPECT_EQ(again->List()[1].version, 2000u);
  // Prune: 1000 was superseded at 2000; with 30 days retention it stays until 2000 + 30 d.
  const uint64_t day = 24 * 3600;
  EXPECT_EQ(*again->Prune(2000 + 30 * day - 1), 0u);
  EXPECT_EQ(*again->Prune(2000 + 30 * day), 1u);
  EXPECT_EQ(again->AtTime(1500).status().code(), "not_found");
  EXPECT_EQ(*again->Prune(uint64_t(1) << 40), 1u);  // never the active one
  EXPECT_TRUE(Same(*again->Active(), VersionFor(3000)));
}

TEST(ShareStoreTest, WrongKeyAndCorruptFileAreToldApart) {
  TempDir d;
  {
    auto s = ShareStore::Open(d.path, IdentityKey(1));
    ASSERT_TRUE(s->Store(VersionFor(5)).ok());
  }
  auto wrong = ShareStore::Open(d.path, IdentityKey(2));
  ASSERT_TRUE(wrong.ok());  // the index needs no key
  EXPECT_EQ(wrong->Active().status().code(), "wrong_key");
  // Flip one ciphertext byte, then one AAD (group key) byte.
  std::string file = d.path + "/share-00000000000000000005.bin";
  for (size_t offset : {size_t(fs::file_size(file) - 20), size_t(20)}) {
    {
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(offset);
      char c;
      f.read(&c, 1);
      c ^= 1;
      f.seekp(offset);
      f.write(&c, 1);
    }
    auto s = ShareStore::Open(d.path, IdentityKey(1));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->Active().status().code(), "corrupt_share_file") << "offset " << offset;
  }
  // A truncated header fails the open and names the file.
  fs::resize_file(file, 10);
  auto s = ShareStore::Open(d.path, IdentityKey(1));
  EXPECT_EQ(s.status().code(), "corrupt_share_file");
  EXPECT_NE(s.status().message().find("share-00000000000000000005.bin"), std::string::npos);
}

// Starts the writer, lets it run for delay_us after "ready", SIGKILLs it; returns the versions
// it reported stored.
std::set<uint64_t> RunAndKill(const std::string& dir, int delay_us) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::execl(SHARE_STORE_CHILD, SHARE_STORE_CHILD, dir.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  auto read_some = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    out.append(buf, size_t(n));
    return true;
  };
  while (out.find("ready\n") == std::string::npos && read_some(5000)) {
  }
  ::usleep(delay_us);
  ::kill(pid, SIGKILL);
  while (read_some(100)) {
  }
  ::waitpid(pid, nullptr, 0);
  ::close(fds[0]);
  std::set<uint64_t> stored;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = out.substr(start, nl - start);
    if (line != "ready") stored.insert(std::stoull(line));
  }
  return stored;
}

TEST(ShareStoreTest, FiftySigkillsDuringWritesLoseAndCorruptNothing) {
  TempDir d;
  std::mt19937 rng(std::random_device{}());
  std::set<uint64_t> reported;
  for (int kill = 0; kill < 50; ++kill) {
    auto got = RunAndKill(d.path, int(rng() % 60000));
    reported.insert(got.begin(), got.end());
    auto s = ShareStore::Open(d.path, IdentityKey());
    ASSERT_TRUE(s.ok()) << "after kill " << kill << ": " << s.status().message();
    std::set<uint64_t> present;
    for (const auto& info : s->List()) {
      present.insert(info.version);
      auto v = s->AtTime(info.version);
      ASSERT_TRUE(v.ok()) << "version " << info.version << ": " << v.status().message();
      ASSERT_TRUE(Same(*v, VersionFor(info.version))) << "version " << info.version;
    }
    for (uint64_t v : reported) ASSERT_TRUE(present.count(v)) << "lost version " << v;
  }
  EXPECT_GT(reported.size(), 20u) << "the writer barely ran; the test proves little";
}

}  // namespace
}  // namespace cryfttee::keys
