// Locating and parsing the shared test vectors ($CRYFTTEE_SHARED_DIR/vectors). The vectors are
// never copied into the repository; a test that cannot find them skips loudly.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"

namespace cryfttee::bls::testing {

// $CRYFTTEE_SHARED_DIR/vectors, or nullopt when the variable is unset or the folder is missing.
std::optional<std::filesystem::path> VectorsDir();

// Every *.json file directly in `dir`, sorted by name. Empty when the folder does not exist.
std::vector<std::filesystem::path> JsonFilesIn(const std::filesystem::path& dir);

// Parses one file; throws on unreadable or malformed JSON so the test fails with the file name.
nlohmann::json LoadJson(const std::filesystem::path& file);

// Hex with or without "0x"; throws std::runtime_error on bad hex (a broken vector, not a bug
// under test), so the test fails loudly instead of silently comparing against nothing.
Bytes MustHex(std::string_view text);

}  // namespace cryfttee::bls::testing

// Skips the current test with a loud message when the shared vectors are absent.
#define CRYFTTEE_REQUIRE_VECTORS(var)                                                          \
  auto var##_opt = ::cryfttee::bls::testing::VectorsDir();                                     \
  if (!var##_opt) {                                                                            \
    GTEST_SKIP() << "\n*** SKIPPED: shared vectors not found. Set CRYFTTEE_SHARED_DIR to the " \
                    "folder holding vectors/ (ctest sets it). ***";                            \
  }                                                                                            \
  const std::filesystem::path var = *var##_opt
