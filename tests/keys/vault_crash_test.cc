// Kills a key-generating process with SIGKILL at random moments, many times, and checks after
// each kill that every key file is valid or absent and that no key reported as created is lost.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "keys/vault.h"
#include "vault_fixture.h"

namespace cryfttee::keys {
namespace {

using testing::VaultTest;

// "<type>-" + 16 lower-case hex digits; anything else on the child's stdout is not a handle.
// (Written out instead of std::regex, which trips GCC 12 -Wmaybe-uninitialized under ASan.)
bool LooksLikeHandle(const std::string& line) {
  size_t dash = line.find('-');
  if (dash == std::string::npos) return false;
  std::string type = line.substr(0, dash);
  std::string hex = line.substr(dash + 1);
  if (type != "bls" && type != "secp256k1" && type != "p256") return false;
  return hex.size() == 16 && hex.find_first_not_of("0123456789abcdef") == std::string::npos;
}

struct ChildRun {
  std::vector<std::string> handles;  // complete lines only
  bool saw_ready = false;
};

// Starts the child, waits for "ready", lets it run for delay_us, SIGKILLs it, and returns the
// handles it reported.
ChildRun RunAndKill(const std::string& data_dir, int delay_us) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::execl(KEYGEN_CRASH_CHILD, KEYGEN_CRASH_CHILD, data_dir.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  auto read_some = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n <= 0) return false;
    out.append(buf, static_cast<size_t>(n));
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.find("ready\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    if (!read_some(100) && ::waitpid(pid, nullptr, WNOHANG) == pid) break;
  }
  ::usleep(static_cast<useconds_t>(delay_us));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  while (read_some(0)) {
  }
  ::close(fds[0]);

  ChildRun run;
  run.saw_ready = out.find("ready\n") != std::string::npos;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child ended on its own; output: " << out;
  size_t pos = 0;
  while (true) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line was never fully reported
    std::string line = out.substr(pos, nl - pos);
    if (LooksLikeHandle(line)) run.handles.push_back(line);
    pos = nl + 1;
  }
  return run;
}

TEST_F(VaultTest, SigkillDuringKeyGenerationNeverLosesOrCorruptsKeys) {
  std::string data_dir = dir_ + "/data";
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay(0, 40000);
  std::set<std::string> committed;
  constexpr int kRounds = 60;
  int kills_mid_run = 0;
  size_t max_keys = 0;
  for (int round = 0; round < kRounds; ++round) {
    ChildRun run = RunAndKill(data_dir, delay(rng));
    ASSERT_TRUE(run.saw_ready) << "round " << round;
    committed.insert(run.handles.begin(), run.handles.end());
    if (!run.handles.empty()) ++kills_mid_run;

    VaultOptions options;
    options.data_dir = data_dir;
    options.seal.use_environment = false;
    auto vault = KeyVault::Open(options);
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    // Every file is valid or absent: the only tolerated leftover is an unfinished temp file.
    for (const auto& p : (*vault)->load_problems()) {
      EXPECT_EQ(p.code, "leftover_temp_file")
          << "round " << round << ": " << p.file << ": " << p.message;
    }
    // No key that was reported as created is lost.
    for (const auto& handle : committed) {
      EXPECT_TRUE((*vault)->Get(handle).ok()) << "round " << round << " lost " << handle;
    }
    size_t key_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/keys")) {
      if (entry.path().extension() == ".key") ++key_files;
    }
    EXPECT_EQ(key_files, (*vault)->List().size());
    max_keys = (*vault)->List().size();
  }
  EXPECT_GE(committed.size(), 10u);
  EXPECT_GE(max_keys, committed.size());
  EXPECT_GE(kills_mid_run, 10);
  RecordProperty("committed_keys", static_cast<int>(committed.size()));
}

}  // namespace
}  // namespace cryfttee::keys
