// Helper for vault_crash_test: opens the vault at argv[1] (machine-secret sealing) and
// generates keys forever, printing "ready" once and then each handle after Generate returned,
// i.e. after its file is durable. The test SIGKILLs it at random moments.
#include <cstdio>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "keys/vault.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <data dir>\n", argv[0]);
    return 2;
  }
  // stdout carries the protocol; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_logger_st("child"));
  cryfttee::keys::VaultOptions options;
  options.data_dir = argv[1];
  options.seal.use_environment = false;
  auto vault = cryfttee::keys::KeyVault::Open(options);
  if (!vault.ok()) {
    std::fprintf(stderr, "open: %s\n", vault.status().ToString().c_str());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  const cryfttee::keys::KeyType kTypes[] = {cryfttee::keys::KeyType::kSecp256k1,
                                            cryfttee::keys::KeyType::kP256,
                                            cryfttee::keys::KeyType::kBls};
  for (unsigned i = 0;; ++i) {
    auto key = (*vault)->Generate(kTypes[i % 3], "crash-" + std::to_string(i));
    if (!key.ok()) {
      std::fprintf(stderr, "generate: %s\n", key.status().ToString().c_str());
      return 1;
    }
    std::printf("%s\n", key->handle.c_str());
    std::fflush(stdout);
  }
}
