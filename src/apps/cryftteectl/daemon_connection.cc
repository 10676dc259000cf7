#include "apps/cryftteectl/daemon_connection.h"

#include <iostream>

namespace cryfttee::ctl {

client::TransportOptions TransportFor(const CtlContext& ctx) {
  client::TransportOptions o;
  o.transport = ctx.transport;
  o.socket_path = ctx.socket_path;
  o.http_addr = !ctx.http_addr.empty()     ? ctx.http_addr
                : ctx.transport == "https" ? "127.0.0.1:8443"
                                           : "127.0.0.1:8787";
  o.ca_file = ctx.ca_file;
  o.client_cert = ctx.client_cert;
  o.client_key = ctx.client_key;
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(ctx.timeout_seconds * 1000));
  return o;
}

client::ClientOptions ClientOptionsFor(const CtlContext& ctx) {
  client::ClientOptions o;
  o.transport = TransportFor(ctx);
  o.retry = ctx.retry ? client::RetryPolicy::Seed() : client::RetryPolicy::None();
  o.retry.on_retry = [](int attempt, std::chrono::milliseconds delay, const Status& why) {
    std::cerr << "cryftteectl: attempt " << attempt << " failed (" << why.code()
              << "), retrying in " << delay.count() << " ms\n";
  };
  return o;
}

Result<nlohmann::json> CallDaemon(const CtlContext& ctx, const std::string& method,
                                  const std::string& target, const nlohmann::json* body) {
  client::CryftteeClient client(ClientOptionsFor(ctx));
  return client.Call(method, target, body);
}

int ReportError(const Status& status) {
  std::cerr << "cryftteectl: " << status.code() << ": " << status.message() << "\n";
  return kExitError;
}

}  // namespace cryfttee::ctl
