// The state directory: atomic files with mode 0600, missing files read as empty.
#include "client/node_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/daemon_process.h"

namespace cryfttee::client {
namespace {

TEST(NodeState, SaveLoadAndMode) {
  testing::TempDir tmp;
  NodeStateDir state(tmp.File("state"));
  ASSERT_TRUE(state.Ensure().ok());
  struct stat st {};
  ASSERT_EQ(::stat(state.dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto empty = state.Load();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->bls_pubkey.empty() && empty->tls_pubkey.empty() && empty->node_id.empty());

  // An older, world-readable file is replaced by a private one.
  std::ofstream(state.PathOf(kNodeIdFile)) << "old";
  ::chmod(state.PathOf(kNodeIdFile).c_str(), 0644);
  ASSERT_TRUE(state.Save(kBlsPubkeyFile, "0xabc").ok());
  ASSERT_TRUE(state.Save(kNodeIdFile, "NodeID-xyz").ok());
  for (const char* f : {kBlsPubkeyFile, kNodeIdFile}) {
    ASSERT_EQ(::stat(state.PathOf(f).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  auto loaded = state.Load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->bls_pubkey, "0xabc");
  EXPECT_EQ(loaded->node_id, "NodeID-xyz");
  // No temporary files left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(state.dir())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2);
}

TEST(NodeState, UnwritableDirectoryIsAnError) {
  testing::TempDir tmp;
  NodeStateDir state(tmp.File("missing/deeper"));
  EXPECT_FALSE(state.Ensure().ok());
  EXPECT_FALSE(state.Save(kTlsPubkeyFile, "0x1").ok());
}

}  // namespace
}  // namespace cryfttee::client
