// What a module call costs: the CallJson round trip (pool checkout, alloc, copy in, call, bounds
// checks, copy out, two frees), metered loop throughput, load time and re-instantiation.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>

#include "modules/engine.h"
#include "modules/host_functions_base.h"

namespace cryfttee::modules {
namespace {

Bytes Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::shared_ptr<LoadedModule> Load(const std::string& path) {
  auto m = LoadModule("bench", Read(path), Limits{},
                      BaseHostFunctionsFor({kGrantLog, kGrantClock, kGrantRandom}));
  if (!m.ok()) {
    spdlog::error("cannot load {}: {}", path, m.status().ToString());
    std::abort();
  }
  return *m;
}

const std::string kHostile = std::string(ENGINE_WASM_DIR) + "/hostile.wasm";

void BM_EchoRoundTrip(benchmark::State& state) {
  auto m = Load(kHostile);
  const std::string request(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    Result<std::string> r = m->CallJson("echo", request);
    if (!r.ok()) state.SkipWithError("call failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_EchoRoundTrip)->Arg(16)->Arg(1024)->Arg(64 * 1024);

// 100 loop iterations per request byte: per-iteration cost of metered guest code.
void BM_MeteredLoop(benchmark::State& state) {
  auto m = Load(kHostile);
  const std::string request(100, 'x');  // 10,000 iterations
  for (auto _ : state) benchmark::DoNotOptimize(m->CallJson("spin_n", request));
  state.SetItemsProcessed(state.iterations() * 10'000);
}
BENCHMARK(BM_MeteredLoop);

// A trap plus the re-instantiation and collection it causes on the next call.
void BM_TrapThenCall(benchmark::State& state) {
  auto m = Load(kHostile);
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->CallJson("trap_unreachable", ""));
    benchmark::DoNotOptimize(m->CallJson("echo", "x"));
  }
}
BENCHMARK(BM_TrapThenCall);

#ifdef DEBUG_V1_WASM
void BM_DebugEcho(benchmark::State& state) {
  auto m = Load(DEBUG_V1_WASM);
  const std::string request = R"({"message":"hello, module"})";
  for (auto _ : state) benchmark::DoNotOptimize(m->CallJson("debug_echo", request));
}
BENCHMARK(BM_DebugEcho);

void BM_DebugStatusPanel(benchmark::State& state) {
  auto m = Load(DEBUG_V1_WASM);
  for (auto _ : state) benchmark::DoNotOptimize(m->CallJson("get_status_panel", "{}"));
}
BENCHMARK(BM_DebugStatusPanel);

// Validate, screen, meter, re-encode, decode, instantiate and probe the ABI version.
void BM_LoadDebugModule(benchmark::State& state) {
  const Bytes wasm = Read(DEBUG_V1_WASM);
  const auto grants = BaseHostFunctionsFor({kGrantLog, kGrantClock, kGrantRandom});
  for (auto _ : state) benchmark::DoNotOptimize(LoadModule("bench", wasm, Limits{}, grants));
}
BENCHMARK(BM_LoadDebugModule)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace cryfttee::modules

BENCHMARK_MAIN();
