#include "apps/cryftteectl/node_commands.h"

namespace cryfttee::ctl {

void RegisterNodeCommands(CLI::App& app, CtlContext& ctx) {
  RegisterLaunchCommand(app, ctx);
  RegisterInitNodeCommand(app, ctx);
}

}  // namespace cryfttee::ctl
