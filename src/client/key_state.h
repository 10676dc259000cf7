// The seed's key-state table (binary-attestation.md "Key States Reference"): given the public
// keys the daemon holds for one key type and the one the node saved on an earlier run, what to
// do. Pure, so every row is unit-tested.
//
//   keys in cryfttee | saved pubkey | action
//   none             | none         | generate
//   none             | yes          | error: key lost
//   yes              | none         | adopt the first
//   yes              | matches      | use it
//   yes              | no match     | error: key mismatch
#pragma once

#include <string>
#include <vector>

namespace cryfttee::client {

enum class KeyAction { kGenerate, kErrorKeyLost, kAdoptFirst, kUseSaved, kErrorKeyMismatch };

struct KeyDecision {
  KeyAction action;
  std::string public_key;  // adopt/use: the key to use (normalised "0x…" lower case)
};

// Keys compare after NormalizePublicKey (case and "0x" do not matter).
KeyDecision DecideKeyAction(const std::vector<std::string>& available, const std::string& saved);

const char* KeyActionName(
    KeyAction action);  // "generate", "key_lost", "adopt", "use", "key_mismatch"

}  // namespace cryfttee::client
