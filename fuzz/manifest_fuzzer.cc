// libFuzzer target for the manifest, module.json and trust.toml parsers: any input must produce a
// value or a Status, never a crash, hang or exception escaping. The input is split at the first
// NUL: the part before is fed to the JSON parsers, the part after to the TOML parser, so one
// corpus exercises both.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "modules/manifest.h"
#include "modules/module_descriptor.h"
#include "modules/signing.h"
#include "modules/trust_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cryfttee::modules;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view json = input.substr(0, nul);
  std::string_view toml = nul == std::string_view::npos ? input : input.substr(nul + 1);

  auto manifest = ParseManifest(json, "fuzz/manifest.json");
  if (manifest.ok()) {
    for (const ManifestEntry& e : manifest->modules) {
      // Anything the parser accepts must be signable text and editable in place.
      std::string message = CanonicalSigningMessage(e);
      if (message.rfind(kSignatureDomain, 0) != 0) __builtin_trap();
      auto edited = SetManifestEntrySignature(
          json, "fuzz/manifest.json", e.id,
          "sha256:0000000000000000000000000000000000000000000000000000000000000000", "AA==");
      if (!edited.ok() || !ParseManifest(*edited, "edited").ok()) __builtin_trap();
    }
  }
  (void)ParseModuleDescriptor(json, "fuzz/module.json");
  auto trust = ParseTrustPolicy(toml, "fuzz/trust.toml");
  if (trust.ok()) {
    for (const Publisher& p : trust->publishers) {
      if (p.keys.empty() || trust->Find(p.id) == nullptr) __builtin_trap();
    }
  }
  return 0;
}
