// Wires the daemon's parts together from a validated Config and runs until a signal.
#pragma once

#include "apps/cryfttee/config.h"

namespace cryfttee::app {

// Returns the process exit code: 0 after a clean shutdown, 1 when start-up fails.
int RunDaemon(const Config& config, const std::map<std::string, std::string>& env);

}  // namespace cryfttee::app
