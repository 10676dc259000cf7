#include "tee/quote_provider.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/sha256.h"
#include "core/unique_fd.h"

namespace cryfttee::tee {
namespace {

constexpr size_t kReportData = 64;
constexpr std::string_view kReportDataPrefix = "cryfttee-report-data-v1:";

// Kernel ABI structures, spelled out so the build does not depend on the kernel headers'
// version (TDX guest support arrived in Linux 6.2; bookworm ships 6.1 headers).
struct TdxReportRequest {  // include/uapi/linux/tdx-guest.h
  uint8_t reportdata[64];
  uint8_t tdreport[1024];
};
constexpr unsigned long kTdxGetReport0 = _IOWR('T', 1, TdxReportRequest);
constexpr size_t kTdReportDataOffset = 128;  // REPORTMACSTRUCT.reportdata

struct SnpReportRequest {  // include/uapi/linux/sev-guest.h
  uint8_t user_data[64];
  uint32_t vmpl;
  uint8_t reserved[28];
};
struct SnpReportResponse {
  uint8_t data[4000];
};
struct SnpGuestRequest {
  uint8_t msg_version;
  uint64_t req_data;
  uint64_t resp_data;
  uint64_t exitinfo2;
};
constexpr unsigned long kSnpGetReport = _IOWR('S', 0x0, SnpGuestRequest);
constexpr size_t kSnpResponseHeader = 32;  // status, report_size, reserved[24]
constexpr size_t kSnpReportSize = 1184;
constexpr size_t kSnpReportDataOffset = 0x50;

struct NsmMessage {  // the NSM driver's ioctl argument
  struct iovec request;
  struct iovec response;
};
constexpr unsigned long kNsmRequest = _IOWR(0x0A, 0, NsmMessage);
constexpr size_t kNsmMaxResponse = 0x3000;

Status Absent(std::string_view provider, const std::string& device) {
  return Status::Unavailable("quote_device_absent",
                             std::string(provider) + " quote: " + device +
                                 " does not exist (this machine is not such a TEE guest)");
}

Status Failed(std::string_view provider, const std::string& what) {
  return Status::Unavailable("quote_failed", std::string(provider) + " quote: " + what);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status CheckReportData(ByteSpan report_data) {
  if (report_data.size() != kReportData) {
    return Status::InvalidArgument("invalid_report_data", "report data is exactly 64 bytes");
  }
  return Status::Ok();
}

Result<UniqueFd> OpenDevice(std::string_view provider, const std::string& device) {
  if (!Exists(device)) return Absent(provider, device);
  UniqueFd fd(::open(device.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return Failed(provider, "open " + device + ": " + std::strerror(errno));
  return fd;
}

class NoneProvider final : public QuoteProvider {
 public:
  std::string_view name() const override { return "none"; }
  Result<Bytes> GetQuote(ByteSpan report_data) override {
    CRYFTTEE_RETURN_IF_ERROR(CheckReportData(report_data));
    return Bytes();
  }
};

class TdxProvider final : public QuoteProvider {
 public:
  explicit TdxProvider(std::string device) : device_(std::move(device)) {}
  std::string_view name() const override { return "tdx"; }
  Result<Bytes> GetQuote(ByteSpan report_data) override {
    CRYFTTEE_RETURN_IF_ERROR(CheckReportData(report_data));
    CRYFTTEE_ASSIGN_OR_RETURN(UniqueFd fd, OpenDevice(name(), device_));
    TdxReportRequest req{};
    std::memcpy(req.reportdata, report_data.data(), kReportData);
    if (::ioctl(fd.get(), kTdxGetReport0, &req) != 0) {
      return Failed(name(), std::string("TDX_CMD_GET_REPORT0: ") + std::strerror(errno));
    }
    return Bytes(req.tdreport, req.tdreport + sizeof(req.tdreport));
  }

 private:
  std::string device_;
};

class SevSnpProvider final : public QuoteProvider {
 public:
  explicit SevSnpProvider(std::string device) : device_(std::move(device)) {}
  std::string_view name() const override { return "sev-snp"; }
  Result<Bytes> GetQuote(ByteSpan report_data) override {
    CRYFTTEE_RETURN_IF_ERROR(CheckReportData(report_data));
    CRYFTTEE_ASSIGN_OR_RETURN(UniqueFd fd, OpenDevice(name(), device_));
    SnpReportRequest req{};
    std::memcpy(req.user_data, report_data.data(), kReportData);
    SnpReportResponse resp{};
    SnpGuestRequest guest{};
    guest.msg_version = 1;
    guest.req_data = reinterpret_cast<uint64_t>(&req);
    guest.resp_data = reinterpret_cast<uint64_t>(&resp);
    if (::ioctl(fd.get(), kSnpGetReport, &guest) != 0) {
      return Failed(name(), std::string("SNP_GET_REPORT: ") + std::strerror(errno));
    }
    uint32_t status = 0, size = 0;
    std::memcpy(&status, resp.data, 4);
    std::memcpy(&size, resp.data + 4, 4);
    if (status != 0 || size < kSnpReportSize || size > sizeof(resp.data) - kSnpResponseHeader) {
      return Failed(name(), "firmware status " + std::to_string(status));
    }
    return Bytes(resp.data + kSnpResponseHeader, resp.data + kSnpResponseHeader + size);
  }

 private:
  std::string device_;
};

// The NSM request {"Attestation": {"user_data": <64 bytes>, "nonce": null, "public_key": null}}
// in CBOR, and the document out of {"Attestation": {"document": <bytes>}}.
Bytes NsmAttestationRequest(ByteSpan user_data) {
  auto text = [](Bytes& out, std::string_view s) {
    out.push_back(static_cast<uint8_t>(0x60 | s.size()));  // every key here is < 24 bytes
    out.insert(out.end(), s.begin(), s.end());
  };
  Bytes out = {0xA1};
  text(out, "Attestation");
  out.push_back(0xA3);
  text(out, "user_data");
  out.push_back(0x58);  // bytes, one-byte length
  out.push_back(static_cast<uint8_t>(user_data.size()));
  out.insert(out.end(), user_data.begin(), user_data.end());
  text(out, "nonce");
  out.push_back(0xF6);
  text(out, "public_key");
  out.push_back(0xF6);
  return out;
}

Result<Bytes> NsmDocument(ByteSpan resp) {
  static const Bytes kPrefix = [] {
    Bytes p = {0xA1, 0x60 | 11};
    for (char c : std::string_view("Attestation")) p.push_back(static_cast<uint8_t>(c));
    p.push_back(0xA1);
    p.push_back(0x60 | 8);
    for (char c : std::string_view("document")) p.push_back(static_cast<uint8_t>(c));
    return p;
  }();
  if (resp.size() < kPrefix.size() + 3 ||
      !std::equal(kPrefix.begin(), kPrefix.end(), resp.begin())) {
    return Failed("nitro", "the NSM answered something other than an attestation document");
  }
  size_t pos = kPrefix.size();
  uint8_t head = resp[pos++];
  size_t len = 0;
  if (head == 0x59) {
    len = (static_cast<size_t>(resp[pos]) << 8) | resp[pos + 1];
    pos += 2;
  } else if (head == 0x58) {
    len = resp[pos++];
  } else {
    return Failed("nitro", "unexpected document encoding");
  }
  if (resp.size() - pos != len) return Failed("nitro", "document length mismatch");
  return Bytes(resp.begin() + static_cast<std::ptrdiff_t>(pos), resp.end());
}

class NitroProvider final : public QuoteProvider {
 public:
  explicit NitroProvider(std::string device) : device_(std::move(device)) {}
  std::string_view name() const override { return "nitro"; }
  Result<Bytes> GetQuote(ByteSpan report_data) override {
    CRYFTTEE_RETURN_IF_ERROR(CheckReportData(report_data));
    CRYFTTEE_ASSIGN_OR_RETURN(UniqueFd fd, OpenDevice(name(), device_));
    Bytes request = NsmAttestationRequest(report_data);
    Bytes response(kNsmMaxResponse);
    NsmMessage msg{};
    msg.request = {request.data(), request.size()};
    msg.response = {response.data(), response.size()};
    if (::ioctl(fd.get(), kNsmRequest, &msg) != 0) {
      return Failed(name(), std::string("NSM request: ") + std::strerror(errno));
    }
    response.resize(std::min(msg.response.iov_len, response.size()));
    return NsmDocument(response);
  }

 private:
  std::string device_;
};

}  // namespace

Result<std::unique_ptr<QuoteProvider>> MakeQuoteProvider(std::string_view name,
                                                         const std::string& device) {
  auto pick = [&](std::string_view standard) {
    return device.empty() ? std::string(standard) : device;
  };
  if (name == "none") return std::unique_ptr<QuoteProvider>(new NoneProvider());
  if (name == "tdx") return std::unique_ptr<QuoteProvider>(new TdxProvider(pick(kTdxDevice)));
  if (name == "sev-snp") {
    return std::unique_ptr<QuoteProvider>(new SevSnpProvider(pick(kSevSnpDevice)));
  }
  if (name == "nitro") {
    return std::unique_ptr<QuoteProvider>(new NitroProvider(pick(kNitroDevice)));
  }
  if (name == "auto") {
    if (Exists(std::string(kTdxDevice))) return MakeQuoteProvider("tdx");
    if (Exists(std::string(kSevSnpDevice))) return MakeQuoteProvider("sev-snp");
    if (Exists(std::string(kNitroDevice))) return MakeQuoteProvider("nitro");
    return MakeQuoteProvider("none");
  }
  return Status::InvalidArgument(
      "unknown_quote_provider",
      "quote provider \"" + std::string(name) + "\" is not none, tdx, sev-snp, nitro or auto");
}

Bytes ReportDataFor(std::string_view nonce_binding) {
  std::string text = std::string(kReportDataPrefix) + std::string(nonce_binding);
  Sha256Digest digest = Sha256(AsBytes(text));
  Bytes out(digest.begin(), digest.end());
  out.resize(kReportData, 0);
  return out;
}

Result<Bytes> ReportDataOf(std::string_view provider, ByteSpan evidence) {
  size_t offset = 0;
  size_t min_size = 0;
  if (provider == "tdx") {
    offset = kTdReportDataOffset;
    min_size = 1024;
  } else if (provider == "sev-snp") {
    offset = kSnpReportDataOffset;
    min_size = kSnpReportSize;
  } else {
    return Status::InvalidArgument(
        "report_data_unavailable",
        "report data is not read out of " + std::string(provider) + " evidence here");
  }
  if (evidence.size() < min_size) {
    return Status::InvalidArgument("invalid_quote", std::string(provider) + " evidence of " +
                                                        std::to_string(evidence.size()) +
                                                        " bytes is too short");
  }
  return Bytes(evidence.begin() + static_cast<std::ptrdiff_t>(offset),
               evidence.begin() + static_cast<std::ptrdiff_t>(offset + kReportData));
}

}  // namespace cryfttee::tee
