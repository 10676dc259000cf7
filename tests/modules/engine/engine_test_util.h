// Shared helpers for the engine tests: reading the wat2wasm outputs and small limits that keep
// hostile cases fast.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "modules/engine.h"
#include "modules/host_functions_base.h"

namespace cryfttee::modules::test {

inline Bytes ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline Bytes TestWasm(const std::string& name) {
  return ReadFileBytes(std::string(ENGINE_TEST_WASM_DIR) + "/" + name + ".wasm");
}

// Small enough that a runaway module stops within milliseconds.
inline Limits SmallLimits() {
  Limits l;
  l.fuel_per_call = 200'000;
  l.max_memory_pages = 32;
  l.max_locals_per_function = 4096;
  l.max_output_bytes = 64 * 1024;
  l.max_request_bytes = 96 * 1024;
  l.wall_time_ms = 2000;
  l.degraded_after_failures = 3;
  return l;
}

inline std::vector<HostFunction> AllBaseGrants() {
  return BaseHostFunctionsFor({kGrantLog, kGrantClock, kGrantRandom});
}

inline std::shared_ptr<LoadedModule> MustLoad(const std::string& name,
                                              const Limits& limits = SmallLimits()) {
  Result<std::shared_ptr<LoadedModule>> m =
      LoadModule(name, TestWasm(name), limits, AllBaseGrants());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? m.value() : nullptr;
}

// Asserts that a call failed with `code`, and returns the message for further checks.
inline std::string ExpectCode(const Result<std::string>& r, const std::string& code) {
  EXPECT_FALSE(r.ok()) << "expected " << code << ", got success: " << (r.ok() ? *r : "");
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  return r.status().message();
}

}  // namespace cryfttee::modules::test
