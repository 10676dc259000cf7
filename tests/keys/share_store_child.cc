// Child for share_store_crash_test: stores versions 1, 2, 3, ... (content derived from the
// version) into argv[1] as fast as it can, printing each version once Store returned, until it
// is killed.
#include <cstdio>
#include <cstring>

#include "share_store_fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto store = cryfttee::keys::ShareStore::Open(argv[1], cryfttee::keys::testing::IdentityKey());
  if (!store.ok()) return 3;
  uint64_t next = store->List().empty() ? 1 : store->List().back().version + 1;
  std::printf("ready\n");
  std::fflush(stdout);
  for (;; ++next) {
    if (!store->Store(cryfttee::keys::testing::VersionFor(next)).ok()) return 4;
    std::printf("%llu\n", static_cast<unsigned long long>(next));
    std::fflush(stdout);
  }
}
