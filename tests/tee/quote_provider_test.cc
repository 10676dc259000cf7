// QuoteProvider (tee/quote_provider.h). This machine is no TEE guest, so only "none" produces
// an answer; the TDX, SEV-SNP and Nitro providers are checked for their absent-device and
// refused-device errors, and the report-data binding for its definition and its position in
// each evidence format. No quote here is claimed to be verified.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/sha256.h"
#include "tee/quote_provider.h"

namespace cryfttee::tee {
namespace {

class QuoteProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cft-quote-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(QuoteProviderTest, NoneAnswersWithoutEvidence) {
  auto p = MakeQuoteProvider("none");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->name(), "none");
  auto q = (*p)->GetQuote(Bytes(64, 1));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->empty());
  EXPECT_EQ((*p)->GetQuote(Bytes(63)).status().code(), "invalid_report_data");
}

TEST_F(QuoteProviderTest, AbsentDevicesSaySo) {
  for (const char* name : {"tdx", "sev-snp", "nitro"}) {
    std::string device = dir_ + "/no-such-device";
    auto p = MakeQuoteProvider(name, device);
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_EQ((*p)->name(), name);
    auto q = (*p)->GetQuote(Bytes(64, 2));
    EXPECT_EQ(q.status().code(), "quote_device_absent") << name;
    EXPECT_NE(q.status().message().find(device), std::string::npos);
    EXPECT_EQ((*p)->GetQuote(Bytes(65)).status().code(), "invalid_report_data");
  }
  // The standard devices do not exist on this machine either (it is not a TEE guest).
  for (std::string_view dev : {kTdxDevice, kSevSnpDevice, kNitroDevice}) {
    if (std::filesystem::exists(dev)) GTEST_SKIP() << dev << " exists: a TEE guest";
  }
  auto auto_provider = MakeQuoteProvider("auto");
  ASSERT_TRUE(auto_provider.ok());
  EXPECT_EQ((*auto_provider)->name(), "none");
  EXPECT_EQ((*MakeQuoteProvider("tdx"))->GetQuote(Bytes(64)).status().code(),
            "quote_device_absent");
}

TEST_F(QuoteProviderTest, ADeviceThatRefusesTheRequestIsAFailure) {
  // A file where the device should be: open works, the ioctl does not (ENOTTY).
  std::string fake = dir_ + "/fake-device";
  std::ofstream(fake) << "not a device";
  for (const char* name : {"tdx", "sev-snp", "nitro"}) {
    auto q = (*MakeQuoteProvider(name, fake))->GetQuote(Bytes(64, 3));
    EXPECT_EQ(q.status().code(), "quote_failed") << name;
  }
}

TEST_F(QuoteProviderTest, UnknownProviderIsRefused) {
  EXPECT_EQ(MakeQuoteProvider("sgx").status().code(), "unknown_quote_provider");
  EXPECT_EQ(MakeQuoteProvider("").status().code(), "unknown_quote_provider");
}

TEST_F(QuoteProviderTest, ReportDataBindsTheNonceBinding) {
  std::string binding = "sha256:" + std::string(64, 'a');
  Bytes rd = ReportDataFor(binding);
  ASSERT_EQ(rd.size(), 64u);
  // Definition: SHA-256("cryfttee-report-data-v1:" || binding), then 32 zero bytes.
  Sha256Digest expect = Sha256(AsBytes("cryfttee-report-data-v1:" + binding));
  EXPECT_TRUE(std::equal(expect.begin(), expect.end(), rd.begin()));
  EXPECT_EQ(Bytes(rd.begin() + 32, rd.end()), Bytes(32, 0));
  EXPECT_NE(ReportDataFor("sha256:" + std::string(64, 'b')), rd);
}

TEST_F(QuoteProviderTest, ReportDataIsReadFromItsPlaceInEachFormat) {
  Bytes rd = ReportDataFor("sha256:" + std::string(64, 'c'));
  // TDREPORT: REPORTMACSTRUCT.reportdata at byte 128 of 1024.
  Bytes tdreport(1024, 0xEE);
  std::copy(rd.begin(), rd.end(), tdreport.begin() + 128);
  EXPECT_EQ(*ReportDataOf("tdx", tdreport), rd);
  // SEV-SNP ATTESTATION_REPORT: REPORT_DATA at 0x50 of 1184.
  Bytes snp(1184, 0x11);
  std::copy(rd.begin(), rd.end(), snp.begin() + 0x50);
  EXPECT_EQ(*ReportDataOf("sev-snp", snp), rd);
  // Moving the bytes breaks the binding: the offset matters.
  Bytes shifted(1184, 0x11);
  std::copy(rd.begin(), rd.end(), shifted.begin() + 0x51);
  EXPECT_NE(*ReportDataOf("sev-snp", shifted), rd);
  EXPECT_EQ(ReportDataOf("tdx", Bytes(1023)).status().code(), "invalid_quote");
  EXPECT_EQ(ReportDataOf("sev-snp", Bytes(100)).status().code(), "invalid_quote");
  EXPECT_EQ(ReportDataOf("nitro", Bytes(4000)).status().code(), "report_data_unavailable");
  EXPECT_EQ(ReportDataOf("none", Bytes()).status().code(), "report_data_unavailable");
}

}  // namespace
}  // namespace cryfttee::tee
