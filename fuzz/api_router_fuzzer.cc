// libFuzzer target for the signing API behind the HTTP parser: the router and every handler,
// with a real key vault, the bundled signed modules in the WASM engine, attestation and the
// connection tracker, exactly as the daemon wires them. Input: method, path, a few headers and a
// body, separated by NUL bytes (so the corpus can aim at each route). Any input must give an
// HTTP answer with a JSON body and never crash, hang, leak or overflow the stack (the
// 60,000-deep nested body sat here, behind the parser, where the older targets did not reach).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/module_handlers.h"
#include "api/router.h"
#include "api/runtime_handlers.h"
#include "api/staking_handlers.h"
#include "api/status_handlers.h"
#include "keys/vault.h"
#include "modules/host_functions_keyvault.h"
#include "runtime/module_registry.h"
#include "tee/in_process_client.h"

namespace {

using namespace cryfttee;

struct World {
  std::string dir;
  runtime::ConnectionTracker tracker{"uds", "/fuzz.sock", 15000};
  std::shared_ptr<keys::KeyVault> vault;
  std::unique_ptr<runtime::ModuleRegistry> registry;
  std::unique_ptr<runtime::SignerBackends> backends;
  api::ApiContext ctx;
  api::Router router;

  World() {
    char tmpl[] = "/tmp/cryfttee-fuzz-XXXXXX";
    dir = ::mkdtemp(tmpl);
    ::setenv("CRYFTTEE_SEAL_PASSWORD", "fuzz seal password", 1);
    keys::VaultOptions vo;
    vo.data_dir = dir + "/data";
    vault = std::move(keys::KeyVault::Open(vo)).value();
    runtime::RegistryConfig rc;
    rc.module_dir = CRYFTTEE_FUZZ_MODULE_DIR;
    rc.trust_path = CRYFTTEE_FUZZ_TRUST_FILE;
    std::shared_ptr<tee::Client> v = tee::MakeInProcessClient(vault);
    rc.host_functions = [v] {
      std::vector<modules::HostFunction> all = modules::BaseHostFunctions();
      for (auto& f : modules::KeyVaultHostFunctions(v)) all.push_back(std::move(f));
      return all;
    };
    registry = std::make_unique<runtime::ModuleRegistry>(rc);
    (void)registry->Reload();  // without modules the handlers' error paths are fuzzed instead
    ctx.connection = &tracker;
    ctx.binary = runtime::BinaryIdentityTask::Ready(
        runtime::BinaryIdentity{"sha256:" + std::string(64, '0'), "parent"});
    ctx.registry = registry.get();
    ctx.keys = v;
    backends = std::make_unique<runtime::SignerBackends>(registry.get(), v, nullptr);
    ctx.backends = backends.get();
    api::AddRuntimeRoutes(router, ctx);
    api::AddStatusRoutes(router, ctx);
    api::AddStakingRoutes(router, ctx);
    api::AddPanelRoutes(router, ctx);
    api::AddModuleRoutes(router, ctx);
    // One key of each kind, so sign requests reach the signing code.
    router.Dispatch({"POST", "/v1/staking/bls/register", {}, {}, {}, "{}", "api", nullptr});
    router.Dispatch({"POST", "/v1/staking/tls/register", {}, {}, {}, "{}", "api", nullptr});
  }
  ~World() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::string_view Next(std::string_view* in) {
  size_t nul = in->find('\0');
  std::string_view part = in->substr(0, nul);
  in->remove_prefix(nul == std::string_view::npos ? in->size() : nul + 1);
  return part;
}

}  // namespace

// Inputs that create keys grow the vault, and every route that lists keys then costs more (a
// campaign's rate fell from ≈ 2,000/s to a fifth of that at 256 keys, in the key-list scans):
// past this many keys the world is rebuilt (≈ 0.3 s, every few ten thousand inputs).
constexpr size_t kMaxKeysPerWorld = 32;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();  // rebuilt only when its vault has grown too large
  std::string_view in(reinterpret_cast<const char*>(data), size);
  api::HttpRequest req;
  req.method = std::string(Next(&in));
  req.path = std::string(Next(&in));
  std::string_view headers = Next(&in);
  while (!headers.empty()) {
    size_t nl = headers.find('\n');
    std::string_view line = headers.substr(0, nl);
    headers.remove_prefix(nl == std::string_view::npos ? headers.size() : nl + 1);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      req.headers[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 1));
    }
  }
  req.body = std::string(in);
  req.listener = "api";
  // Reload rebuilds every module: allowed, but not on every input.
  if (req.path.find("reload") != std::string::npos) return 0;
  api::HttpResponse resp = world->router.Dispatch(req);
  if (resp.status < 200 || resp.status > 599) __builtin_trap();
  if (resp.content_type == "application/json" &&
      nlohmann::json::parse(resp.body, nullptr, false).is_discarded()) {
    __builtin_trap();
  }
  if (req.method == "POST" && world->vault->List().size() > kMaxKeysPerWorld) {
    delete world;
    world = new World();
  }
  return 0;
}
