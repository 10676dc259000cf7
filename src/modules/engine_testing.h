// Introspection hooks for tests of the engine's resource bounds. Not for production code paths.
#pragma once

#include <cstddef>

#include "modules/engine.h"

namespace cryfttee::modules::testing {

// The largest object count of any engine store in the module's instance pool (0 for a
// LoadedModule that is not the wabt engine's). Tests assert it stays bounded across traps.
size_t MaxStoreObjectCount(const LoadedModule& module);

// How many idle instances the module's pool holds.
size_t PooledInstanceCount(const LoadedModule& module);

}  // namespace cryfttee::modules::testing
