// Enclave addresses (tee/address.h): unix:PATH and vsock://CID:PORT, and every way to get them
// wrong. Parsing only: no test connects to any vsock CID (CID 2 is this host).
#include <gtest/gtest.h>

#include "tee/address.h"

namespace cryfttee::tee {
namespace {

TEST(EnclaveAddress, UnixPaths) {
  auto a = ParseAddress("unix:/run/cryfttee/enclave.sock");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Address::Kind::kUnix);
  EXPECT_EQ(a->path, "/run/cryfttee/enclave.sock");
  EXPECT_EQ(a->ToString(), "unix:/run/cryfttee/enclave.sock");
  EXPECT_TRUE(ParseAddress("unix:relative.sock").ok());
  EXPECT_TRUE(ParseAddress("unix:/" + std::string(106, 'a')).ok());  // 107 bytes: the limit
}

TEST(EnclaveAddress, VsockNumbers) {
  auto a = ParseAddress("vsock://16:5000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Address::Kind::kVsock);
  EXPECT_EQ(a->cid, 16u);
  EXPECT_EQ(a->port, 5000u);
  EXPECT_EQ(a->ToString(), "vsock://16:5000");
  auto any = ParseAddress("vsock://any:5000");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->cid, kVsockCidAny);
  EXPECT_EQ(any->ToString(), "vsock://any:5000");
  auto max = ParseAddress("vsock://4294967294:4294967294");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->cid, 4294967294u);
}

TEST(EnclaveAddress, ErrorsNameWhatIsWrong) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"", "must start with"},
      {"/tmp/enclave.sock", "must start with"},
      {"tcp://127.0.0.1:1", "must start with"},
      {"unix:", "empty"},
      {"vsock://", "expected vsock://CID:PORT"},
      {"vsock://16", "expected vsock://CID:PORT"},
      {"vsock://:5000", "CID"},
      {"vsock://16:", "PORT"},
      {"vsock://-1:5000", "CID"},
      {"vsock://+3:5000", "CID"},
      {"vsock://0x10:5000", "CID"},
      {"vsock://4294967296:5000", "CID"},
      {"vsock://99999999999:5000", "CID"},
      {"vsock://16:5000:1", "PORT"},
      {"vsock://16:65536x", "PORT"},
      {"vsock://16:4294967295", "wildcard"},
      {"vsock://16:4294967296", "PORT"},
      {"vsock:// 16:5000", "CID"},
  };
  for (const Case& c : cases) {
    auto a = ParseAddress(c.text);
    ASSERT_FALSE(a.ok()) << c.text;
    EXPECT_EQ(a.status().code(), "invalid_enclave_addr") << c.text;
    EXPECT_NE(a.status().message().find(c.says), std::string::npos)
        << c.text << ": " << a.status().message();
  }
  auto long_path = ParseAddress("unix:/" + std::string(107, 'a'));
  EXPECT_EQ(long_path.status().code(), "invalid_enclave_addr");
  EXPECT_EQ(ParseAddress(std::string("unix:/a\0b", 9)).status().code(), "invalid_enclave_addr");
}

}  // namespace
}  // namespace cryfttee::tee
