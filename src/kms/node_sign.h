// The public half of node signing (kms/engine.h): given the engine's NodeSignPlan, ask the peers
// for their partials, verify each against the verification vector, Lagrange-combine t of them
// and check the result under the group key. It touches no secret, so it runs wherever the
// transport is: in-process beside kms::Node, or in the parent of an enclave engine.
//
// Codes: "threshold_unavailable" (503) when fewer than t valid partials arrive, "internal" when
// the combined signature does not verify (cannot happen with verified partials).
// Thread-safe (no state); Transport::Call is called once per peer, in member order, until t.
#pragma once

#include "kms/engine.h"

namespace cryfttee::kms {

Result<Bytes> CombineNodeSign(const NodeSignPlan& plan, ByteSpan message, std::string_view dst,
                              Transport& transport);

}  // namespace cryfttee::kms
