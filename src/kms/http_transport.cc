#include "kms/http_transport.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "net/http_client.h"

namespace cryfttee::kms {
namespace {

// A refusal worth retrying: the peer is overloaded or restarting, not disagreeing.
bool RetryableStatus(int status) { return status == 429 || status >= 500; }

std::string ErrorCodeOf(const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("code") && parsed["code"].is_string()) {
    return parsed["code"].get<std::string>();
  }
  return "";
}

}  // namespace

HttpTransport::HttpTransport(HttpTransportOptions options) : options_(options) {}

HttpTransport::~HttpTransport() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [address, queue] : queues_) {
      queue->client->Stop();  // an attempt in flight ends now
      workers.push_back(std::move(queue->worker));
    }
    for (auto& [address, client] : callers_) client->Stop();
  }
  cv_.notify_all();
  for (auto& w : workers) {
    if (w.joinable()) w.join();
  }
}

Result<std::shared_ptr<net::HttpClient>> HttpTransport::NewClient(
    const std::string& address) const {
  net::HttpClientOptions o;
  o.url = address;
  o.connect_timeout = options_.connect_timeout;
  o.total_timeout = std::max(options_.attempt_timeout, std::chrono::milliseconds(60'000));
  o.max_response_bytes = options_.max_response_bytes;
  o.max_attempts = 1;  // retries are ours (Send) or the engine's (Call)
  CRYFTTEE_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpClient> client, net::HttpClient::Create(o));
  return std::shared_ptr<net::HttpClient>(std::move(client));
}

void HttpTransport::Send(const OperatorSetPeer& peer, std::string_view route, std::string wire) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return;
  auto it = queues_.find(peer.address);
  if (it == queues_.end()) {
    auto client = NewClient(peer.address);
    if (!client.ok()) {
      // The peering file was validated, so this is an address net/ cannot use (e.g. a CA).
      spdlog::warn("kms: cannot reach {} at {}: {}", peer.id, peer.address,
                   client.status().message());
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto queue = std::make_unique<PeerQueue>();
    queue->id = peer.id;
    queue->client = std::move(client).value();
    PeerQueue* raw = queue.get();
    queue->worker = std::thread([this, raw] { Deliver(raw); });
    it = queues_.emplace(peer.address, std::move(queue)).first;
  }
  PeerQueue& queue = *it->second;
  if (queue.items.size() >= kMaxQueuedPerPeer) {
    queue.items.pop_front();
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  queue.items.push_back(Item{std::string(route), std::move(wire),
                             std::chrono::steady_clock::now() + options_.delivery_deadline});
  lock.unlock();
  cv_.notify_all();
}

void HttpTransport::Deliver(PeerQueue* queue) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue->items.empty(); });
    if (stopping_) return;
    Item item = std::move(queue->items.front());
    queue->items.pop_front();
    lock.unlock();
    DeliverOne(queue, item);
    lock.lock();
  }
}

// One message, with retries; returns false only when the transport is stopping.
bool HttpTransport::DeliverOne(PeerQueue* queue, const Item& item) {
  auto backoff = options_.first_backoff;
  for (int attempt = 1;; ++attempt) {
    net::OutboundRequest req;
    req.method = "POST";
    req.target = item.route;
    req.headers = {{"Content-Type", "application/json"}};
    req.body = item.wire;
    req.idempotent = false;
    req.total_timeout = options_.attempt_timeout;
    auto resp = queue->client->Send(req);
    if (resp.ok() && resp->status < 300) {
      delivered_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    if (resp.ok() && !RetryableStatus(resp->status)) {
      std::string code = ErrorCodeOf(resp->body);
      if (code == "replayed_message" && attempt > 1) {
        delivered_.fetch_add(1, std::memory_order_relaxed);  // an earlier attempt got through
      } else {
        refused_.fetch_add(1, std::memory_order_relaxed);
        spdlog::info("kms: {} refused {} (HTTP {} {})", queue->id, item.route, resp->status,
                     code.empty() ? "no code" : code);
      }
      return true;
    }
    if (!resp.ok() && resp.status().code() == "http_stopped") return false;
    auto now = std::chrono::steady_clock::now();
    if (now + backoff >= item.deadline) {
      expired_.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("kms: gave up delivering {} to {} after {} attempts: {}", item.route, queue->id,
                   attempt,
                   resp.ok() ? "HTTP " + std::to_string(resp->status) : resp.status().message());
      return true;
    }
    retries_.fetch_add(1, std::memory_order_relaxed);
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, backoff, [&] { return stopping_; })) return false;
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

Result<std::string> HttpTransport::Call(const OperatorSetPeer& peer, std::string_view route,
                                        std::string wire, std::chrono::milliseconds timeout) {
  std::shared_ptr<net::HttpClient> client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("http_stopped", "the transport is stopping");
    auto it = callers_.find(peer.address);
    if (it == callers_.end()) {
      CRYFTTEE_ASSIGN_OR_RETURN(auto created, NewClient(peer.address));
      it = callers_.emplace(peer.address, std::move(created)).first;
    }
    client = it->second;
  }
  net::OutboundRequest req;
  req.method = "POST";
  req.target = std::string(route);
  req.headers = {{"Content-Type", "application/json"}};
  req.body = std::move(wire);
  req.idempotent = false;
  req.total_timeout = timeout;
  CRYFTTEE_ASSIGN_OR_RETURN(net::OutboundResponse resp, client->Send(req));
  if (resp.status != 200) {
    std::string code = ErrorCodeOf(resp.body);
    return Status::Error(
        StatusCategory::kUpstream, code.empty() ? "peer_refused" : code,
        peer.id + " answered HTTP " + std::to_string(resp.status) + " to " + std::string(route));
  }
  return std::move(resp.body);
}

HttpTransportStats HttpTransport::Stats() const {
  return {delivered_.load(), refused_.load(), expired_.load(), dropped_.load(), retries_.load()};
}

}  // namespace cryfttee::kms
