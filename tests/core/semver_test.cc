#include "core/semver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cryfttee {
namespace {

SemVer V(const char* text) {
  auto r = SemVer::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : SemVer();
}

TEST(SemVer, ParsesAllParts) {
  SemVer v = V("1.22.333-alpha.7.x-y+build.5.sha-1");
  EXPECT_EQ(v.major(), 1u);
  EXPECT_EQ(v.minor(), 22u);
  EXPECT_EQ(v.patch(), 333u);
  EXPECT_EQ(v.prerelease(), (std::vector<std::string>{"alpha", "7", "x-y"}));
  EXPECT_EQ(v.build(), (std::vector<std::string>{"build", "5", "sha-1"}));
  EXPECT_EQ(v.ToString(), "1.22.333-alpha.7.x-y+build.5.sha-1");
}

TEST(SemVer, AcceptsLargestComponent) {
  EXPECT_EQ(V("18446744073709551615.0.0").major(), UINT64_MAX);
}

TEST(SemVer, RejectsMalformed) {
  for (const char* bad :
       {"",           "1",        "1.2",       "1.2.3.4",    "v1.2.3",
        "01.2.3",     "1.02.3",   "1.2.03",    "1.2.3-",     "1.2.3+",
        "1.2.3-a..b", "1.2.3-01", "1.2.3-a_b", "1.2.3+a..b", "1.2.3+a b",
        " 1.2.3",     "1.2.3 ",   "-1.2.3",    "1.-2.3",     "18446744073709551616.0.0",
        "1..3",       "a.b.c",    "1.2.3-+x"}) {
    auto r = SemVer::Parse(bad);
    EXPECT_FALSE(r.ok()) << "accepted \"" << bad << "\"";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), "invalid_semver");
    }
  }
}

TEST(SemVer, LeadingZeroAllowedInBuildAndAlnumPrerelease) {
  EXPECT_TRUE(SemVer::Parse("1.2.3+001").ok());
  EXPECT_TRUE(SemVer::Parse("1.2.3-0a").ok());
  EXPECT_TRUE(SemVer::Parse("1.2.3-0").ok());
}

// The ordering example from semver.org §11, each strictly less than the next.
TEST(SemVer, SpecPrecedenceChain) {
  const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                         "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                         "1.1.0",       "2.0.0",         "10.0.0"};
  const size_t n = sizeof(chain) / sizeof(chain[0]);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      auto c = V(chain[i]) <=> V(chain[j]);
      EXPECT_EQ(c < 0, i < j) << chain[i] << " vs " << chain[j];
      EXPECT_EQ(c == 0, i == j) << chain[i] << " vs " << chain[j];
      EXPECT_EQ(c > 0, i > j) << chain[i] << " vs " << chain[j];
    }
  }
}

TEST(SemVer, BuildMetadataIgnoredForPrecedence) {
  EXPECT_TRUE(V("1.0.0+a") == V("1.0.0+b"));
  EXPECT_TRUE(V("1.0.0-rc.1+x") == V("1.0.0-rc.1"));
  EXPECT_TRUE(V("1.0.0-rc.1+zzz") < V("1.0.0"));
}

TEST(SemVer, NumericPrereleaseComparedAsNumbersEvenWhenHuge) {
  EXPECT_TRUE(V("1.0.0-2") < V("1.0.0-10"));
  EXPECT_TRUE(V("1.0.0-99999999999999999999999") < V("1.0.0-100000000000000000000000"));
  EXPECT_TRUE(V("1.0.0-999") < V("1.0.0-a"));  // numeric sorts before alphanumeric
  EXPECT_TRUE(V("1.0.0-A") < V("1.0.0-a"));    // ASCII order
}

TEST(SemVer, ComponentsComparedNumericallyNotLexically) {
  EXPECT_TRUE(V("1.9.0") < V("1.10.0"));
  EXPECT_TRUE(V("0.0.9") < V("0.0.10"));
}

}  // namespace
}  // namespace cryfttee
