// QuoteProvider: where attestation evidence for the key side comes from.
//
//   none     no TEE: the answer says so and carries no quote (every machine; the default)
//   tdx      Intel TDX: the TDREPORT from /dev/tdx_guest (TDX_CMD_GET_REPORT0). Turning it into
//            a remotely verifiable quote needs the host's quoting service; not done here.
//   sev-snp  AMD SEV-SNP: the attestation report from /dev/sev-guest (SNP_GET_REPORT, VMPL 0)
//   nitro    AWS Nitro Enclaves: the COSE_Sign1 attestation document from /dev/nsm
//   auto     the first of tdx, sev-snp, nitro whose device exists, else none
//
// Every provider binds the attestation answer through its 64 bytes of report data
// (ReportDataFor: SHA-256 of the answer's nonce_binding, then 32 zero bytes), which the TEE
// signs into its evidence; ReportDataOf reads them back out of TDX and SEV-SNP evidence so a
// verifier (and our tests) can check the binding. Nothing here verifies a quote's signature
// chain: a relying party does that with the vendor's tools.
//
// Codes: "quote_device_absent" (the provider's device does not exist: not in such a TEE),
// "quote_failed" (the device refused), "invalid_report_data", "unknown_quote_provider",
// "report_data_unavailable" (ReportDataOf on a format it does not parse).
//
// Thread-safe: GetQuote opens the device per call.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::tee {

class QuoteProvider {
 public:
  virtual ~QuoteProvider() = default;
  virtual std::string_view name() const = 0;
  // Evidence over exactly 64 bytes of report data; empty for "none".
  virtual Result<Bytes> GetQuote(ByteSpan report_data) = 0;
};

inline constexpr std::string_view kTdxDevice = "/dev/tdx_guest";
inline constexpr std::string_view kSevSnpDevice = "/dev/sev-guest";
inline constexpr std::string_view kNitroDevice = "/dev/nsm";

// `name`: none | tdx | sev-snp | nitro | auto. `device` overrides the provider's device path
// (tests); empty = the standard one. A named provider whose device is absent is still built:
// the absence is reported by GetQuote, so attestation says why there is no quote.
Result<std::unique_ptr<QuoteProvider>> MakeQuoteProvider(std::string_view name,
                                                         const std::string& device = "");

// The 64 bytes of report data that bind an attestation answer (its "sha256:<hex>" binding).
Bytes ReportDataFor(std::string_view nonce_binding);

// The report data inside a provider's evidence: TDREPORT (offset 128) and the SEV-SNP report
// (offset 0x50). Codes "report_data_unavailable", "invalid_quote" (too short).
Result<Bytes> ReportDataOf(std::string_view provider, ByteSpan evidence);

}  // namespace cryfttee::tee
