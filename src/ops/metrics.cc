#include "ops/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <exception>
#include <iterator>

#include "core/clock.h"

namespace cryfttee::ops {
namespace {

// Signing takes tens of microseconds (Ed25519, BLS in a module) to a few milliseconds (a cold
// instance): buckets from 50 us to 1 s, the tail where an operator needs resolution.
const prometheus::Histogram::BucketBoundaries& SigningBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};
  return kBuckets;
}

// Gauges computed when scraped; one family per distinct name, in first-seen order.
class LiveCollectable : public prometheus::Collectable {
 public:
  explicit LiveCollectable(LiveSource* source) : source_(source) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    if (!*source_) return out;
    for (const LiveValue& v : (*source_)()) {
      prometheus::MetricFamily* family = nullptr;
      for (auto& f : out) {
        if (f.name == v.name) family = &f;
      }
      if (!family) {
        out.push_back({v.name, v.help, prometheus::MetricType::Gauge, {}});
        family = &out.back();
      }
      prometheus::ClientMetric m;
      for (const auto& [k, val] : v.labels) m.label.push_back({k, val});
      m.gauge.value = v.value;
      family->metric.push_back(std::move(m));
    }
    return out;
  }

 private:
  LiveSource* source_;  // owned by Families; set before the exposer starts
};

}  // namespace

struct Metrics::Families {
  prometheus::Family<prometheus::Counter>* http_requests;
  prometheus::Family<prometheus::Histogram>* signing_duration;
  prometheus::Family<prometheus::Histogram>* bls_signing_duration;  // Web3Signer's name
  prometheus::Counter* bls_malformed;                               // Web3Signer's name
  LiveSource live_source;
};

Metrics::Metrics(const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()), families_(new Families{}) {
  auto& r = *registry_;
  families_->http_requests = &prometheus::BuildCounter()
                                  .Name("cryfttee_http_requests_total")
                                  .Help("API requests by route pattern and HTTP status")
                                  .Register(r);
  families_->signing_duration = &prometheus::BuildHistogram()
                                     .Name("cryfttee_signing_duration_seconds")
                                     .Help("Time to produce a signature, by key type and module")
                                     .Register(r);
  families_->bls_signing_duration =
      &prometheus::BuildHistogram()
           .Name("signing_bls_signing_duration")
           .Help("Duration of a BLS signing operation in seconds (Web3Signer's name)")
           .Register(r);
  families_->bls_malformed =
      &prometheus::BuildCounter()
           .Name("http_bls_malformed_request_count_total")
           .Help("BLS signing requests refused as malformed (Web3Signer's name)")
           .Register(r)
           .Add({});
  prometheus::BuildGauge()
      .Name("cryfttee_build_info")
      .Help("Always 1; the version is a label")
      .Register(r)
      .Add({{"version", version}})
      .Set(1);
  live_ = std::make_shared<LiveCollectable>(&families_->live_source);
}

Metrics::~Metrics() = default;

void Metrics::ObserveRequest(const std::string& route, int status) {
  families_->http_requests->Add({{"route", route}, {"status", std::to_string(status)}}).Increment();
  history_.RecordRequest(NowUnixMillis(), status);
}

void Metrics::ObserveSigning(const std::string& key_type, const std::string& module,
                             double seconds) {
  families_->signing_duration->Add({{"key_type", key_type}, {"module", module}}, SigningBuckets())
      .Observe(seconds);
  if (key_type == "bls") {
    families_->bls_signing_duration->Add({}, SigningBuckets()).Observe(seconds);
  }
  history_.RecordSigning(NowUnixMillis(), key_type, seconds);
}

void Metrics::ObserveMalformedBlsRequest() { families_->bls_malformed->Increment(); }

void Metrics::SetLiveSource(LiveSource source) { families_->live_source = std::move(source); }

std::vector<std::shared_ptr<prometheus::Collectable>> Metrics::Collectables() const {
  return {registry_, live_};
}

std::string Metrics::RenderText() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& c : Collectables()) {
    auto collected = c->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace cryfttee::ops
