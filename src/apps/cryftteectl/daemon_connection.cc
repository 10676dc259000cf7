#include "apps/cryftteectl/daemon_connection.h"

#include <iostream>

namespace cryfttee::ctl {

client::TransportOptions TransportFor(const CtlContext& ctx) {
  client::TransportOptions o;
  o.transport = ctx.transport;
  o.socket_path = ctx.socket_path;
  o.http_addr = !ctx.http_addr.empty() ? ctx.http_addr
                : ctx.transport == "https" ? "127.0.0.1:8443"
                                           : "127.0.0.1:8787";
  o.ca_file = ctx.ca_file;
  o.client_cert = ctx.client_cert;
  o.client_key = ctx.client_key;
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(ctx.timeout_seconds * 1000));
  return o;
}

Result<nlohmann::json> CallDaemon(const CtlContext& ctx, const std::string& method,
                                  const std::string& target, const nlohmann::json* body) {
  client::Transport transport(TransportFor(ctx));
  auto resp = transport.Request(method, target, body ? body->dump() : "");
  if (!resp.ok()) return resp.status();
  auto json = nlohmann::json::parse(resp->body, nullptr, false);
  if (json.is_discarded()) {
    return Status::Error(StatusCategory::kUpstream, "bad_response",
                         "daemon answered HTTP " + std::to_string(resp->status) + " with non-JSON");
  }
  if (resp->status < 200 || resp->status >= 300) {
    std::string code = json.value("code", "http_" + std::to_string(resp->status));
    std::string message = json.value("error", "HTTP " + std::to_string(resp->status));
    return Status::Error(StatusCategory::kUpstream, code, message);
  }
  return json;
}

int ReportError(const Status& status) {
  std::cerr << "cryftteectl: " << status.code() << ": " << status.message() << "\n";
  return kExitError;
}

}  // namespace cryfttee::ctl
