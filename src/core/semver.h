// Semantic Versioning 2.0.0 (https://semver.org): strict parsing and precedence.
//
// Strict on purpose: a version gates which module code may load, so "1.2", "v1.2.3" or "01.2.3"
// are errors rather than guesses. Build metadata is kept for display but never affects order.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cryfttee {

class SemVer {
 public:
  // Code "invalid_semver"; the message says what is wrong with which part.
  static Result<SemVer> Parse(std::string_view text);

  uint64_t major() const { return major_; }
  uint64_t minor() const { return minor_; }
  uint64_t patch() const { return patch_; }
  const std::vector<std::string>& prerelease() const { return prerelease_; }
  const std::vector<std::string>& build() const { return build_; }

  // Precedence per semver §11: build metadata is ignored, so "1.0.0+a" == "1.0.0+b".
  std::strong_ordering operator<=>(const SemVer& other) const;
  bool operator==(const SemVer& other) const { return (*this <=> other) == 0; }

  std::string ToString() const;

 private:
  uint64_t major_ = 0;
  uint64_t minor_ = 0;
  uint64_t patch_ = 0;
  std::vector<std::string> prerelease_;
  std::vector<std::string> build_;
};

}  // namespace cryfttee
