#include "apps/cryftteectl/commands.h"

namespace cryfttee::ctl {

// Command group not built yet; registered so main.cc can list every group.
void RegisterModuleCommands(CLI::App& /*app*/, CtlContext& /*ctx*/) {}

}  // namespace cryfttee::ctl
