#include "core/semver.h"

#include <algorithm>

namespace cryfttee {
namespace {

Status Invalid(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("invalid_semver",
                                 "\"" + std::string(text) + "\" is not a semantic version: " + why);
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsIdentifierChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// A numeric identifier: digits, no leading zero (except "0" itself), fits in 64 bits.
bool ParseNumber(std::string_view s, uint64_t* out) {
  if (!IsDigits(s) || (s.size() > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : s) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i];
  }
  return out;
}

// Semver §11.4: numeric identifiers compare numerically and sort before alphanumeric ones.
std::strong_ordering CompareIdentifier(const std::string& a, const std::string& b) {
  bool a_num = IsDigits(a), b_num = IsDigits(b);
  if (a_num && b_num) {
    // No leading zeros, so a longer numeral is a larger number; this also avoids overflow.
    if (a.size() != b.size()) return a.size() <=> b.size();
    return a.compare(b) <=> 0;
  }
  if (a_num != b_num) return a_num ? std::strong_ordering::less : std::strong_ordering::greater;
  return a.compare(b) <=> 0;
}

}  // namespace

Result<SemVer> SemVer::Parse(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  std::string_view rest = text;
  SemVer v;

  size_t plus = rest.find('+');
  if (plus != std::string_view::npos) {
    for (std::string_view id : Split(rest.substr(plus + 1), '.')) {
      if (id.empty() || !std::all_of(id.begin(), id.end(), IsIdentifierChar)) {
        return Invalid(text, "build metadata identifiers must be non-empty [0-9A-Za-z-]");
      }
      v.build_.emplace_back(id);
    }
    rest = rest.substr(0, plus);
  }

  size_t dash = rest.find('-');
  if (dash != std::string_view::npos) {
    for (std::string_view id : Split(rest.substr(dash + 1), '.')) {
      if (id.empty() || !std::all_of(id.begin(), id.end(), IsIdentifierChar)) {
        return Invalid(text, "pre-release identifiers must be non-empty [0-9A-Za-z-]");
      }
      if (IsDigits(id) && id.size() > 1 && id[0] == '0') {
        return Invalid(
            text, "numeric pre-release identifier \"" + std::string(id) + "\" has a leading zero");
      }
      v.prerelease_.emplace_back(id);
    }
    rest = rest.substr(0, dash);
  }

  std::vector<std::string_view> core = Split(rest, '.');
  if (core.size() != 3) return Invalid(text, "expected MAJOR.MINOR.PATCH");
  static constexpr const char* kNames[] = {"major", "minor", "patch"};
  uint64_t* fields[] = {&v.major_, &v.minor_, &v.patch_};
  for (size_t i = 0; i < 3; ++i) {
    if (!ParseNumber(core[i], fields[i])) {
      return Invalid(
          text, std::string(kNames[i]) + " must be a non-negative integer without leading zeros");
    }
  }
  return v;
}

std::strong_ordering SemVer::operator<=>(const SemVer& other) const {
  if (auto c = major_ <=> other.major_; c != 0) return c;
  if (auto c = minor_ <=> other.minor_; c != 0) return c;
  if (auto c = patch_ <=> other.patch_; c != 0) return c;
  // A pre-release sorts before the release it precedes.
  if (prerelease_.empty() || other.prerelease_.empty()) {
    return prerelease_.empty() <=> other.prerelease_.empty();
  }
  size_t n = std::min(prerelease_.size(), other.prerelease_.size());
  for (size_t i = 0; i < n; ++i) {
    if (auto c = CompareIdentifier(prerelease_[i], other.prerelease_[i]); c != 0) return c;
  }
  return prerelease_.size() <=> other.prerelease_.size();
}

std::string SemVer::ToString() const {
  std::string out =
      std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  if (!prerelease_.empty()) out += "-" + Join(prerelease_);
  if (!build_.empty()) out += "+" + Join(build_);
  return out;
}

}  // namespace cryfttee
