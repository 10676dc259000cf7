#include "client/key_state.h"

#include "client/api_types.h"

namespace cryfttee::client {

KeyDecision DecideKeyAction(const std::vector<std::string>& available, const std::string& saved) {
  std::string want = NormalizePublicKey(saved);
  std::vector<std::string> have;
  for (const std::string& k : available) {
    std::string n = NormalizePublicKey(k);
    if (!n.empty()) have.push_back(n);
  }
  if (have.empty()) {
    return want.empty() ? KeyDecision{KeyAction::kGenerate, ""}
                        : KeyDecision{KeyAction::kErrorKeyLost, want};
  }
  if (want.empty()) return {KeyAction::kAdoptFirst, have.front()};
  for (const std::string& k : have) {
    if (k == want) return {KeyAction::kUseSaved, want};
  }
  return {KeyAction::kErrorKeyMismatch, want};
}

const char* KeyActionName(KeyAction action) {
  switch (action) {
    case KeyAction::kGenerate:
      return "generate";
    case KeyAction::kErrorKeyLost:
      return "key_lost";
    case KeyAction::kAdoptFirst:
      return "adopt";
    case KeyAction::kUseSaved:
      return "use";
    case KeyAction::kErrorKeyMismatch:
      return "key_mismatch";
  }
  return "unknown";
}

}  // namespace cryfttee::client
