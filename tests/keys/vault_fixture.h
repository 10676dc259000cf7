// Test fixture: a fresh private data directory and helpers to open vaults on it.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "keys/vault.h"

namespace cryfttee::keys::testing {

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cryfttee-vault-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ::unsetenv("CRYFTTEE_SEAL_PASSWORD");
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes a 0600 password file and returns its path.
  std::string PasswordFile(const std::string& password, mode_t mode = 0600) {
    std::string path = dir_ + "/seal-password-" + std::to_string(++files_);
    std::ofstream(path) << password << "\n";
    ::chmod(path.c_str(), mode);
    return path;
  }

  VaultOptions Options(const std::string& password = "correct horse battery staple") {
    VaultOptions o;
    o.data_dir = dir_ + "/data";
    o.seal.use_environment = false;
    // Cheap scrypt keeps the suite fast; production default is n = 2^15.
    o.seal.password_kdf = {1024, 8, 1};
    if (!password.empty()) o.seal.password_file = PasswordFile(password);
    return o;
  }

  std::unique_ptr<KeyVault> MustOpen(const VaultOptions& options) {
    auto vault = KeyVault::Open(options);
    EXPECT_TRUE(vault.ok()) << vault.status().ToString();
    return vault.ok() ? std::move(vault).value() : nullptr;
  }

  std::string KeyPath(const std::string& handle) { return dir_ + "/data/keys/" + handle + ".key"; }

  std::string dir_;
  int files_ = 0;
};

}  // namespace cryfttee::keys::testing
