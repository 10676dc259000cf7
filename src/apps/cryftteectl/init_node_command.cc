// cryftteectl init-node: the seed's node identity initialisation (client::InitializeNode), with
// the identity printed for people or as JSON, and exit codes that tell the operator which
// failure happened: 3 attestation mismatch, 4 key lost, 5 key mismatch, 1 anything else.
#include <iostream>
#include <memory>

#include "apps/cryftteectl/daemon_connection.h"
#include "apps/cryftteectl/node_commands.h"
#include "client/node_init.h"

namespace cryfttee::ctl {
namespace {

struct InitArgs {
  std::string state_dir;
  std::string expect_hash;
  double wait_timeout = 30;
  std::string tls_key_type;
  bool no_retry = false;
};

int ExitCodeFor(const Status& s) {
  if (s.code() == "key_lost") return kExitKeyLost;
  if (s.code() == "key_mismatch") return kExitKeyMismatch;
  if (s.code() == "binary_hash_mismatch" || s.code() == "nonce_mismatch")
    return kExitAttestationMismatch;
  return kExitError;
}

nlohmann::json KeyJson(const client::KeyOutcome& k) {
  return {{"action", client::KeyActionName(k.action)},
          {"public_key", k.public_key},
          {"key_handle", k.key_handle}};
}

int InitNode(CtlContext& ctx, const InitArgs& a) {
  client::ClientOptions options = ClientOptionsFor(ctx);
  // The node waits for its sidecar: retry is on unless asked otherwise.
  if (!a.no_retry) {
    auto report = options.retry.on_retry;
    options.retry = client::RetryPolicy::Seed();
    options.retry.on_retry = report;
  }
  client::CryftteeClient api(options);
  client::NodeInitOptions init;
  init.state_dir = a.state_dir;
  init.expected_hash = a.expect_hash;
  init.signer_timeout = std::chrono::milliseconds(static_cast<int64_t>(a.wait_timeout * 1000));
  init.tls_key_type = a.tls_key_type;
  init.log = [](const std::string& line) { std::cerr << "init-node: " << line << "\n"; };

  auto identity = client::InitializeNode(api, init);
  if (!identity.ok()) {
    std::cerr << "cryftteectl: init-node: " << identity.status().code() << ": "
              << identity.status().message() << "\n";
    return ExitCodeFor(identity.status());
  }
  const client::NodeIdentity& id = *identity;
  if (ctx.json) {
    nlohmann::json out = {
        {"node_id", id.node_id},
        {"node_id_source", id.node_id_source},
        {"bls", KeyJson(id.bls)},
        {"tls", KeyJson(id.tls)},
        {"signer_module_id", id.signer_module_id},
        {"state_dir", a.state_dir},
        {"attestation",
         {{"core_binary_hash", id.attestation.core_binary_hash},
          {"binary_hash_source", id.attestation.binary_hash_source},
          {"manifest_hash", id.attestation.manifest_hash},
          {"cryfttee_version", id.attestation.cryfttee_version},
          {"verified", !a.expect_hash.empty()}}},
    };
    if (!id.certificate_pem.empty()) out["tls"]["certificate"] = id.certificate_pem;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "Node ID:   " << (id.node_id.empty() ? "(unknown)" : id.node_id) << "\n"
              << "BLS key:   " << id.bls.public_key << " (" << client::KeyActionName(id.bls.action)
              << ")\n"
              << "TLS key:   " << id.tls.public_key << " (" << client::KeyActionName(id.tls.action)
              << ")\n"
              << "signer:    " << id.signer_module_id << "\n"
              << "cryfttee:  " << id.attestation.cryfttee_version << ", binary "
              << id.attestation.core_binary_hash << " ("
              << (a.expect_hash.empty() ? "not pinned" : "verified") << ")\n"
              << "state:     " << a.state_dir << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterInitNodeCommand(CLI::App& app, CtlContext& ctx) {
  auto a = std::make_shared<InitArgs>();
  auto* cmd = app.add_subcommand(
      "init-node",
      "initialise the node identity: wait for the signer, decide per key (generate, adopt, use, "
      "or fail on a lost or mismatched key), save the public keys and node ID");
  cmd->add_option("--state-dir", a->state_dir, "where bls_pubkey, tls_pubkey and node_id live")
      ->required();
  cmd->add_option("--expect-hash", a->expect_hash,
                  "verify attestation first: core_binary_hash must equal this");
  cmd->add_option("--wait-timeout", a->wait_timeout,
                  "seconds to wait for a loaded signer module with bls_sign (default 30)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--tls-key-type", a->tls_key_type, "when generating: secp256k1 (default) or p256")
      ->check(CLI::IsMember({"secp256k1", "p256"}));
  cmd->add_flag("--no-retry", a->no_retry, "fail at once if the daemon is not reachable");
  cmd->callback([&ctx, a] { ctx.exit_code = InitNode(ctx, *a); });
}

}  // namespace cryfttee::ctl
