#include <cstdlib>
#include <iostream>

#include "apps/cryftteectl/commands.h"

namespace {
std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace cryfttee::ctl;
  CtlContext ctx;
  ctx.transport = EnvOr("CRYFTTEE_API_TRANSPORT", ctx.transport);
  ctx.socket_path = EnvOr("CRYFTTEE_UDS_PATH", ctx.socket_path);
  ctx.http_addr = EnvOr("CRYFTTEE_HTTP_ADDR", "");

  CLI::App app("cryftteectl: operate and integrate with the cryfttee signing sidecar");
  app.set_version_flag("--version", std::string("cryftteectl ") + CRYFTTEE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--socket", ctx.socket_path, "daemon Unix socket (env CRYFTTEE_UDS_PATH)");
  app.add_option("--transport", ctx.transport, "uds | http | https (env CRYFTTEE_API_TRANSPORT)")
      ->check(CLI::IsMember({"uds", "http", "https"}));
  app.add_option("--http-addr", ctx.http_addr, "daemon host:port (env CRYFTTEE_HTTP_ADDR)");
  app.add_option("--ca-file", ctx.ca_file, "https: CA certificate to verify the daemon");
  app.add_option("--client-cert", ctx.client_cert, "https: client certificate");
  app.add_option("--client-key", ctx.client_key, "https: client private key");
  app.add_option("--timeout", ctx.timeout_seconds, "seconds allowed per request")
      ->check(CLI::PositiveNumber);
  app.add_flag("--retry", ctx.retry,
               "retry while the daemon is unreachable or answers 503 (100 ms doubling to 5 s, "
               "10 attempts)");
  app.add_flag("--json", ctx.json, "print JSON instead of human-readable text");

  RegisterRuntimeCommands(app, ctx);
  RegisterBlsCommands(app, ctx);
  RegisterModuleCommands(app, ctx);
  RegisterKeyCommands(app, ctx);
  RegisterNodeCommands(app, ctx);
  RegisterThresholdCommands(app, ctx);
  RegisterKmsCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return ctx.exit_code;
}
