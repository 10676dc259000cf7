#include "client/node_init.h"

#include "client/attestation_check.h"
#include "client/node_state.h"
#include "crypto/node_id.h"
#include "crypto/x509.h"

namespace cryfttee::client {
namespace {

void Log(const NodeInitOptions& o, const std::string& line) {
  if (o.log) o.log(line);
}

// The daemon's public keys for one type: the seed's list, or, from a daemon that only reports
// the default key, that one.
std::vector<std::string> Available(const std::vector<std::string>& list, const KeyInfo& key) {
  if (!list.empty()) return list;
  if (key.available && !key.public_key.empty()) return {key.public_key};
  return {};
}

// The handle of an existing key: from the status's default key, else from the key list (a
// daemon without GET /v1/staking/keys leaves it empty, and signing then names the public key).
std::string HandleFor(CryftteeClient& client, const KeyInfo& key, const std::string& public_key) {
  if (key.available && NormalizePublicKey(key.public_key) == public_key) return key.key_handle;
  auto list = client.ListKeys();
  if (!list.ok()) return "";
  for (const KeyListEntry& e : *list) {
    if (NormalizePublicKey(e.public_key) == public_key) return e.key_handle;
  }
  return "";
}

// The certificate the daemon stored with a TLS key at registration, "" when it has none.
std::string StoredCertificate(CryftteeClient& client, const KeyInfo& key,
                              const std::string& public_key) {
  if (key.available && NormalizePublicKey(key.public_key) == public_key) return key.certificate;
  auto list = client.ListKeys();
  if (!list.ok()) return "";
  for (const KeyListEntry& e : *list) {
    if (NormalizePublicKey(e.public_key) == public_key) return e.certificate;
  }
  return "";
}

Status DecisionError(const char* kind, const KeyDecision& d, const std::vector<std::string>& have) {
  std::string listed;
  for (const std::string& k : have) listed += (listed.empty() ? "" : ", ") + k;
  if (d.action == KeyAction::kErrorKeyLost) {
    return Status::FailedPrecondition(
        "key_lost", std::string(kind) + " key lost: the node saved " + d.public_key +
                        " but cryfttee holds no " + kind +
                        " key. Restore the key into cryfttee; generating a new one would change "
                        "the node's identity");
  }
  return Status::FailedPrecondition(
      "key_mismatch", std::string(kind) + " key mismatch: the node saved " + d.public_key +
                          " but cryfttee holds only [" + listed +
                          "]. This could indicate key loss or tampering; refusing to continue");
}

// NodeID of a PEM certificate, after checking that the certificate is for `public_key`.
Result<std::string> NodeIdOfCertificate(const std::string& pem, const std::string& public_key) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes der, crypto::CertificateDerFromPem(pem));
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::CertificateInfo info, crypto::ParseCertificate(der));
  if (!info.key_supported || NormalizePublicKey(HexEncode(info.public_key)) != public_key) {
    return Status::FailedPrecondition("certificate_key_mismatch",
                                      "the TLS certificate is not for key " + public_key);
  }
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::NodeId id, crypto::NodeIdFromCertificateDer(der));
  return crypto::FormatNodeId(id);
}

}  // namespace

Result<NodeIdentity> InitializeNode(CryftteeClient& client, const NodeInitOptions& options) {
  NodeIdentity identity;
  NodeStateDir state(options.state_dir);

  // 1. Attestation, with a fresh nonce so the answer cannot be a replay.
  CRYFTTEE_ASSIGN_OR_RETURN(std::string nonce, NewAttestationNonce());
  CRYFTTEE_ASSIGN_OR_RETURN(identity.attestation, client.GetAttestation(nonce));
  CRYFTTEE_RETURN_IF_ERROR(CheckAttestation(identity.attestation, {options.expected_hash, nonce}));
  Log(options, "attestation " + std::string(options.expected_hash.empty() ? "read" : "verified") +
                   ": cryfttee " + identity.attestation.cryfttee_version + ", binary " +
                   identity.attestation.core_binary_hash + " (" +
                   identity.attestation.binary_hash_source + ")");

  // 2. Signer module.
  CRYFTTEE_ASSIGN_OR_RETURN(StakingStatus status, client.WaitForSigner(options.signer_timeout));
  const ModuleStatus* signer = status.SignerModule();
  identity.signer_module_id = signer->id;
  Log(options, "signer module ready: " + signer->id + " " + signer->version);

  // 3. Decide both key types before touching anything.
  CRYFTTEE_ASSIGN_OR_RETURN(SavedIdentity saved, state.Load());
  std::vector<std::string> bls_have = Available(status.bls_pubkeys, status.bls_key);
  std::vector<std::string> tls_have = Available(status.tls_pubkeys, status.tls_key);
  KeyDecision bls = DecideKeyAction(bls_have, saved.bls_pubkey);
  KeyDecision tls = DecideKeyAction(tls_have, saved.tls_pubkey);
  Log(options, "keys in cryfttee: " + std::to_string(bls_have.size()) + " BLS, " +
                   std::to_string(tls_have.size()) + " TLS; decision: BLS " +
                   KeyActionName(bls.action) + ", TLS " + KeyActionName(tls.action));
  for (auto [kind, d, have] :
       {std::tuple{"BLS", bls, bls_have}, std::tuple{"TLS", tls, tls_have}}) {
    if (d.action == KeyAction::kErrorKeyLost || d.action == KeyAction::kErrorKeyMismatch) {
      return DecisionError(kind, d, have);
    }
  }
  CRYFTTEE_RETURN_IF_ERROR(state.Ensure());

  // 4. BLS.
  identity.bls.action = bls.action;
  if (bls.action == KeyAction::kGenerate) {
    CRYFTTEE_ASSIGN_OR_RETURN(RegisterResult r, client.RegisterBls(BlsRegisterRequest{}));
    identity.bls.public_key = NormalizePublicKey(r.public_key);
    identity.bls.key_handle = r.key_handle;
    Log(options, "generated BLS key " + identity.bls.public_key);
  } else {
    identity.bls.public_key = bls.public_key;
    identity.bls.key_handle = HandleFor(client, status.bls_key, bls.public_key);
    Log(options, std::string(bls.action == KeyAction::kAdoptFirst ? "adopted" : "using existing") +
                     " BLS key " + bls.public_key);
  }
  if (bls.action != KeyAction::kUseSaved) {
    CRYFTTEE_RETURN_IF_ERROR(state.Save(kBlsPubkeyFile, identity.bls.public_key));
  }

  // 5. TLS and the node ID.
  identity.tls.action = tls.action;
  if (tls.action == KeyAction::kGenerate) {
    TlsRegisterRequest req;
    req.key_type = options.tls_key_type;
    CRYFTTEE_ASSIGN_OR_RETURN(RegisterResult r, client.RegisterTls(req));
    identity.tls.public_key = NormalizePublicKey(r.public_key);
    identity.tls.key_handle = r.key_handle;
    identity.certificate_pem = r.certificate;
    if (!r.certificate.empty()) {
      CRYFTTEE_ASSIGN_OR_RETURN(identity.node_id,
                                NodeIdOfCertificate(r.certificate, identity.tls.public_key));
      identity.node_id_source = "certificate";
      if (!r.node_id.empty() && r.node_id != identity.node_id) {
        return Status::FailedPrecondition("node_id_mismatch",
                                          "the daemon reports node ID " + r.node_id +
                                              " but its certificate gives " + identity.node_id);
      }
    }
    Log(options, "generated TLS key " + identity.tls.public_key + ", node ID " + identity.node_id);
  } else {
    identity.tls.public_key = tls.public_key;
    identity.tls.key_handle = HandleFor(client, status.tls_key, tls.public_key);
    if (tls.action == KeyAction::kUseSaved) {
      // The saved certificate proves the saved node ID; without one, trust the saved ID.
      if (!saved.tls_certificate_pem.empty()) {
        CRYFTTEE_ASSIGN_OR_RETURN(
            identity.node_id,
            NodeIdOfCertificate(saved.tls_certificate_pem + "\n", tls.public_key));
        identity.certificate_pem = saved.tls_certificate_pem + "\n";
        identity.node_id_source = "certificate";
      } else if (!saved.node_id.empty()) {
        identity.node_id = saved.node_id;
        identity.node_id_source = "saved";
      }
    }
    // An adopted key (or a saved one without identity files) takes the certificate the daemon
    // stored with it at registration; the NodeID is computed here from it, as for a new key.
    if (identity.node_id.empty()) {
      std::string cert = StoredCertificate(client, status.tls_key, tls.public_key);
      if (!cert.empty()) {
        CRYFTTEE_ASSIGN_OR_RETURN(identity.node_id, NodeIdOfCertificate(cert, tls.public_key));
        identity.certificate_pem = cert;
        identity.node_id_source = "certificate";
      }
    }
    Log(options, std::string(tls.action == KeyAction::kAdoptFirst ? "adopted" : "using existing") +
                     " TLS key " + tls.public_key +
                     (identity.node_id.empty() ? ", node ID unknown (no certificate for this key)"
                                               : ", node ID " + identity.node_id));
  }
  if (tls.action != KeyAction::kUseSaved) {
    CRYFTTEE_RETURN_IF_ERROR(state.Save(kTlsPubkeyFile, identity.tls.public_key));
    // An adopted key replaces whatever identity files an earlier key left behind.
    CRYFTTEE_RETURN_IF_ERROR(state.Save(kTlsCertificateFile, identity.certificate_pem));
    CRYFTTEE_RETURN_IF_ERROR(state.Save(kNodeIdFile, identity.node_id));
  }
  Log(options, "node identity saved in " + options.state_dir);
  return identity;
}

}  // namespace cryfttee::client
