// The KMS operator set: who takes part in DKG and reshare, and how to reach and authenticate
// them. The seed's contract is `GetOperators() -> []OperatorSetPeer`; a chain-contract fetcher is
// later work, so the source is an interface with a file-based implementation that is re-read at
// every interval (operators are added or removed without restarts).
//
// Peering file (JSON):
//   {"operators": [{"id": "op1",
//                   "identity_public_key": "0x<48-byte BLS12-381 G1>",
//                   "encryption_public_key": "0x<32-byte X25519>",
//                   "address": "http://127.0.0.1:9401"}, ...]}
// Every operator is validated: id syntax, unique ids and keys, keys that parse, an http(s) URL.
// Failure codes: "invalid_peering" (the file's content), "io_error" (reading it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::kms {

struct OperatorSetPeer {
  std::string id;
  Bytes identity_public_key;    // verifies this operator's protocol messages
  Bytes encryption_public_key;  // X25519: shares sent to this operator are sealed to it
  std::string address;          // base URL of its protocol API

  bool operator==(const OperatorSetPeer&) const = default;
};

class PeeringSource {
 public:
  virtual ~PeeringSource() = default;
  virtual Result<std::vector<OperatorSetPeer>> GetOperators() = 0;
};

// Parses a peering document (see above); `source` names it in errors.
Result<std::vector<OperatorSetPeer>> ParseOperatorSet(std::string_view json_text,
                                                      const std::string& source);

// Reads `path` afresh on every call.
std::unique_ptr<PeeringSource> NewFilePeeringSource(std::string path);

// Operator ids: [A-Za-z0-9._-]{1,64}. Inline: the message codec uses it and is linked on its own
// (by its fuzzer) without the rest of kms/.
inline bool IsValidOperatorId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// The peer with `id`, or nullptr.
const OperatorSetPeer* FindPeer(const std::vector<OperatorSetPeer>& peers, std::string_view id);

}  // namespace cryfttee::kms
