// kms identity | status | evidence: views of a daemon in KMS operator mode, over its API socket.
// `kms identity` prints this operator's peering-file entry (id, identity and encryption public
// keys, protocol address) as JSON: what a peering file lists for it (docs/threshold.md).
#include <iostream>

#include "apps/cryftteectl/commands.h"
#include "apps/cryftteectl/daemon_connection.h"

namespace cryfttee::ctl {
namespace {

int PrintJson(CtlContext& ctx, const std::string& target) {
  auto answer = CallDaemon(ctx, "GET", target);
  if (!answer.ok()) return ReportError(answer.status());
  answer->erase("success");
  std::cout << answer->dump(2) << "\n";
  return kExitOk;
}

}  // namespace

void RegisterKmsCommands(CLI::App& app, CtlContext& ctx) {
  auto* kms = app.add_subcommand("kms", "KMS operator mode: identity, status, evidence, devnet");
  kms->require_subcommand(1);
  kms->add_subcommand("identity", "print this operator's peering-file entry (JSON)")
      ->callback([&ctx] { ctx.exit_code = PrintJson(ctx, "/v1/kms/identity"); });
  kms->add_subcommand("status", "operator set, share version, last session, fraud records")
      ->callback([&ctx] { ctx.exit_code = PrintJson(ctx, "/v1/kms/status"); });
  kms->add_subcommand("evidence", "fraud evidence records (each verifiable offline)")
      ->callback([&ctx] { ctx.exit_code = PrintJson(ctx, "/v1/kms/evidence"); });
  RegisterKmsDevnetCommand(*kms, ctx);
}

}  // namespace cryfttee::ctl
