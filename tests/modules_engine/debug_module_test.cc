// The bundled debug_v1 module (modules/debug_v1), built with clang --target=wasm32 and the SDK.
#include "engine_test_util.h"

namespace cryfttee::modules::test {
namespace {

TEST(DebugModule, Placeholder) {
#ifndef DEBUG_V1_WASM
  GTEST_SKIP() << "debug_v1 was not built (CRYFTTEE_BUILD_MODULES=OFF)";
#endif
}

}  // namespace
}  // namespace cryfttee::modules::test
