// Access to the shared read-only vectors (env CRYFTTEE_SHARED_DIR, set by ctest).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace cryfttee::testing {

inline std::string SharedDir() {
  const char* dir = std::getenv("CRYFTTEE_SHARED_DIR");
  return dir == nullptr ? "" : dir;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cryfttee::testing

// Skips the test loudly when the shared vectors are not available.
#define CRYFTTEE_REQUIRE_SHARED_DIR()                                                         \
  do {                                                                                        \
    if (::cryfttee::testing::SharedDir().empty()) {                                           \
      GTEST_SKIP() << "!!! CRYFTTEE_SHARED_DIR is not set: shared test vectors unavailable, " \
                      "vector test SKIPPED !!!";                                              \
    }                                                                                         \
  } while (0)
