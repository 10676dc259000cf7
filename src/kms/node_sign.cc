// The public half of node signing: peers' partials verified on arrival, then combined.
#include "kms/node_sign.h"

#include <spdlog/spdlog.h>

#include "crypto/threshold/partial.h"
#include "kms/authenticated_message.h"
#include "kms/protocol_messages.h"

namespace cryfttee::kms {
namespace {

using threshold::G1Group;
using threshold::G2Group;
using S = threshold::NodeScheme;

constexpr std::chrono::milliseconds kCallTimeout{2000};

// The peer's partial when `answer` is its authenticated, well-formed, valid answer to `request`.
std::optional<threshold::PartialSignature<S>> CheckAnswer(
    const NodeSignPlan& plan, const NodeSignPlan::PartialRequest& request,
    const std::vector<G1Group::Point>& verification, const S::SigGroup::Point& h,
    std::string_view answer) {
  const std::string& id = request.peer.id;
  auto m = DecodeMessage(answer);
  if (!m.ok() || m->header.type != "partial" || m->header.from != id ||
      !Authenticate(*m, plan.operators, plan.self_id, Bls12381Identity()).ok())
    return std::nullopt;
  auto body = DecodePartialBody(m->body);
  if (!body.ok() || body->version != plan.version || body->index != request.index)
    return std::nullopt;
  auto point = G2Group::Decode(body->partial);
  if (!point.ok()) return std::nullopt;
  threshold::PartialSignature<S> p{request.index, *point};
  if (!threshold::VerifyPartial<S>(verification, h, p)) {
    spdlog::warn("kms node sign: invalid partial from {}", id);
    return std::nullopt;
  }
  return p;
}

}  // namespace

Result<Bytes> CombineNodeSign(const NodeSignPlan& plan, ByteSpan message, std::string_view dst,
                              Transport& transport) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::vector<G1Group::Point> verification,
                            threshold::DecodePoints<G1Group>(plan.verification_g1));
  if (verification.empty() || plan.t < 2)
    return Status::Internal("internal", "node-sign plan without a verification vector");
  CRYFTTEE_ASSIGN_OR_RETURN(auto h, S::HashToSig(message, dst));
  CRYFTTEE_ASSIGN_OR_RETURN(auto own, G2Group::Decode(plan.own_partial));
  std::vector<threshold::PartialSignature<S>> partials;
  partials.push_back({plan.own_index, own});
  for (const auto& request : plan.requests) {
    if (partials.size() >= plan.t) break;
    auto answer = transport.Call(request.peer, kRouteNodePartial, request.wire, kCallTimeout);
    if (!answer.ok()) {
      spdlog::warn("kms node sign: {} did not answer: {}", request.peer.id,
                   answer.status().ToString());
      continue;
    }
    if (auto p = CheckAnswer(plan, request, verification, h, *answer)) partials.push_back(*p);
  }
  if (partials.size() < plan.t)
    return Status::Unavailable(
        "threshold_unavailable",
        std::to_string(partials.size()) + " valid partials, need " + std::to_string(plan.t));
  // Every peer's partial was verified on arrival: recombine without checking them again, then
  // check the result once under the group key (which also catches a bad own partial).
  CRYFTTEE_ASSIGN_OR_RETURN(auto combined, threshold::Interpolate<S>(partials));
  if (!S::PairingCheck(verification[0], h, combined))
    return Status::Internal("internal", "combined signature does not verify");
  auto enc = G2Group::Encode(combined);
  return Bytes(enc.begin(), enc.end());
}

}  // namespace cryfttee::kms
