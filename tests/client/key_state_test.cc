// Every row of the seed's key-state table, plus the normalisation that makes "0xABC" and "abc"
// the same key.
#include "client/key_state.h"

#include <gtest/gtest.h>

namespace cryfttee::client {
namespace {

const std::string kA = "0x" + std::string(96, 'a');
const std::string kB = "0x" + std::string(96, 'b');

TEST(KeyState, NoneNoneGenerates) {
  KeyDecision d = DecideKeyAction({}, "");
  EXPECT_EQ(d.action, KeyAction::kGenerate);
  EXPECT_EQ(d.public_key, "");
}

TEST(KeyState, NoneSavedIsKeyLost) {
  KeyDecision d = DecideKeyAction({}, kA);
  EXPECT_EQ(d.action, KeyAction::kErrorKeyLost);
  EXPECT_EQ(d.public_key, kA);
}

TEST(KeyState, KeysNoneSavedAdoptsTheFirst) {
  KeyDecision d = DecideKeyAction({kB, kA}, "");
  EXPECT_EQ(d.action, KeyAction::kAdoptFirst);
  EXPECT_EQ(d.public_key, kB);
}

TEST(KeyState, SavedKeyPresentIsUsedEvenWhenNotFirst) {
  KeyDecision d = DecideKeyAction({kB, kA}, kA);
  EXPECT_EQ(d.action, KeyAction::kUseSaved);
  EXPECT_EQ(d.public_key, kA);
}

TEST(KeyState, SavedKeyAbsentAmongOthersIsMismatch) {
  KeyDecision d = DecideKeyAction({kB}, kA);
  EXPECT_EQ(d.action, KeyAction::kErrorKeyMismatch);
  EXPECT_EQ(d.public_key, kA);
}

TEST(KeyState, ComparisonIgnoresCasePrefixAndWhitespace) {
  std::string upper_no_prefix = std::string(96, 'A');
  EXPECT_EQ(DecideKeyAction({kA}, upper_no_prefix + "\n").action, KeyAction::kUseSaved);
  EXPECT_EQ(DecideKeyAction({"0X" + upper_no_prefix}, kA).action, KeyAction::kUseSaved);
  // Whitespace-only saved files and empty entries count as absent.
  EXPECT_EQ(DecideKeyAction({""}, " \n").action, KeyAction::kGenerate);
}

TEST(KeyState, ActionNamesAreStable) {
  EXPECT_STREQ(KeyActionName(KeyAction::kGenerate), "generate");
  EXPECT_STREQ(KeyActionName(KeyAction::kErrorKeyLost), "key_lost");
  EXPECT_STREQ(KeyActionName(KeyAction::kAdoptFirst), "adopt");
  EXPECT_STREQ(KeyActionName(KeyAction::kUseSaved), "use");
  EXPECT_STREQ(KeyActionName(KeyAction::kErrorKeyMismatch), "key_mismatch");
}

}  // namespace
}  // namespace cryfttee::client
