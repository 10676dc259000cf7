// The node-side flows as commands: `launch` (binary attestation and supervision) and
// `init-node` (node identity), registered by RegisterNodeCommands.
#pragma once

#include "apps/cryftteectl/commands.h"

namespace cryfttee::ctl {

void RegisterLaunchCommand(CLI::App& app, CtlContext& ctx);
void RegisterInitNodeCommand(CLI::App& app, CtlContext& ctx);

}  // namespace cryfttee::ctl
