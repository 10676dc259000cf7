// Turns the global flags into a client transport, and prints daemon answers. Shared by every
// command group that talks to the daemon.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apps/cryftteectl/commands.h"
#include "client/cryfttee_client.h"
#include "client/transport.h"
#include "core/status.h"

namespace cryfttee::ctl {

client::TransportOptions TransportFor(const CtlContext& ctx);
// Transport plus the retry policy: the seed's with --retry (each retry reported on stderr),
// else a single attempt.
client::ClientOptions ClientOptionsFor(const CtlContext& ctx);

// Performs a request and parses the JSON answer. A non-2xx answer becomes a Status carrying the
// daemon's error code and message (client::CryftteeClient::Call).
Result<nlohmann::json> CallDaemon(const CtlContext& ctx, const std::string& method,
                                  const std::string& target, const nlohmann::json* body = nullptr);

// Prints an error to stderr ("cryftteectl: <code>: <message>") and returns kExitError.
int ReportError(const Status& status);

}  // namespace cryfttee::ctl
