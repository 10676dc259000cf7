// kms::Transport over HTTP: how this operator's Node reaches its peers' protocol APIs.
//
// Send (fire and forget) never blocks the caller (the engine and the scheduler call it): the
// message goes into the peer's bounded queue (kMaxQueuedPerPeer; when full the OLDEST message
// is dropped and counted, since a session that fell that far behind is lost anyway) and a
// delivery thread per peer POSTs it to <peer.address><route>. A failure the peer may recover
// from (connect refused, reset, timeout, 429, 5xx) is retried with exponential backoff
// (first_backoff, doubling, capped at max_backoff) until `delivery_deadline` after the Send;
// an answer of 4xx is final (the peer read the message and refused it: logged, not retried).
// A retried message the peer had in fact received answers 401 replayed_message: also final.
//
// Call (request/answer, node-signing partials) runs on the caller's thread with its own
// timeout and is never retried (the engine asks another operator instead).
//
// Peers are keyed by address; one net::HttpClient per origin (net/ keeps every outbound
// connection; its origin allow-list is exactly that peer).
//
// Threading: Send and Call may be called from any thread. The destructor stops the delivery
// threads (messages still queued are dropped) and aborts calls in flight.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kms/engine.h"

namespace cryfttee::net {
class HttpClient;
}

namespace cryfttee::kms {

struct HttpTransportOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds attempt_timeout{5000};     // one POST of a Send
  std::chrono::milliseconds delivery_deadline{60000};  // give up on a Send after this
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  size_t max_response_bytes = 1 << 20;
};

struct HttpTransportStats {
  uint64_t delivered = 0;
  uint64_t refused = 0;  // final 4xx
  uint64_t expired = 0;  // gave up after the deadline
  uint64_t dropped = 0;  // queue overflow
  uint64_t retries = 0;
};

class HttpTransport final : public Transport {
 public:
  static constexpr size_t kMaxQueuedPerPeer = 512;

  explicit HttpTransport(HttpTransportOptions options = {});
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  void Send(const OperatorSetPeer& peer, std::string_view route, std::string wire) override;
  Result<std::string> Call(const OperatorSetPeer& peer, std::string_view route, std::string wire,
                           std::chrono::milliseconds timeout) override;

  HttpTransportStats Stats() const;

 private:
  struct Item {
    std::string route;
    std::string wire;
    std::chrono::steady_clock::time_point deadline;
  };
  struct PeerQueue {
    std::string id;  // for logs
    std::shared_ptr<net::HttpClient> client;
    std::deque<Item> items;
    std::thread worker;
  };

  Result<std::shared_ptr<net::HttpClient>> NewClient(const std::string& address) const;
  void Deliver(PeerQueue* queue);  // the delivery thread of one peer
  bool DeliverOne(PeerQueue* queue, const Item& item);

  const HttpTransportOptions options_;
  // std types: the condition variable needs them. Everything below mu_ is guarded by it.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, std::unique_ptr<PeerQueue>> queues_;         // by peer address
  std::map<std::string, std::shared_ptr<net::HttpClient>> callers_;  // by peer address
  std::atomic<uint64_t> delivered_{0}, refused_{0}, expired_{0}, dropped_{0}, retries_{0};
};

}  // namespace cryfttee::kms
