#include <unistd.h>

#include <cstdio>

#include "apps/cryfttee/config.h"
#include "apps/cryfttee/daemon.h"

int main(int argc, char** argv, char** envp) {
  using namespace cryfttee::app;
  auto env = EnvironmentMap(envp);
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  std::string exe_path = n > 0 ? std::string(exe, static_cast<size_t>(n)) : argv[0];

  LoadOutcome outcome;
  auto config = LoadConfig(argc, argv, env, DefaultShareDir(exe_path), &outcome);
  if (outcome.exit_requested) {
    std::fputs(outcome.message.c_str(), outcome.exit_code == 0 ? stdout : stderr);
    return outcome.exit_code;
  }
  if (!config.ok()) {
    std::fprintf(stderr, "cryfttee: %s\n", config.status().message().c_str());
    return 2;
  }
  cryfttee::Status valid = ValidateConfig(&*config);
  if (!valid.ok()) {
    std::fprintf(stderr, "cryfttee: %s\n", valid.message().c_str());
    return 2;
  }
  return RunDaemon(*config, env);
}
