// AvalancheGo node identity: NodeID = RIPEMD-160(SHA-256(certificate DER)), written
// "NodeID-" + cb58(20 bytes) (avalanchego ids/node_id.go NodeIDFromCert).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

using NodeId = std::array<uint8_t, 20>;
inline constexpr std::string_view kNodeIdPrefix = "NodeID-";

// RIPEMD-160 from OpenSSL (default provider since 3.0.7, else the legacy provider, loaded on
// first use). Code "ripemd160_unavailable" if neither provides it.
Result<std::array<uint8_t, 20>> Ripemd160(ByteSpan data);

Result<NodeId> NodeIdFromCertificateDer(ByteSpan certificate_der);
std::string FormatNodeId(const NodeId& id);
// Requires the prefix and exactly 20 payload bytes. Code "invalid_node_id".
Result<NodeId> ParseNodeId(std::string_view text);

}  // namespace cryfttee::crypto
