// The enclave side of the wire protocol: accepts the parent's connections and answers each
// request from a tee::Client that holds the keys (an InProcessClient over the enclave's vault).
//
// Who may connect: on a Unix socket only a peer whose SO_PEERCRED uid is `parent_uid`; on vsock
// only a peer whose CID is `parent_cid`. Anyone else is logged and disconnected before a byte
// is read. Each connection follows wire::ServerSession (hello first, increasing ids); any
// protocol error is answered once with its code and the connection is closed. Every decoded
// request is answered, with the key side's result or its error.
//
// One thread per connection, at most `max_connections` at once (the parent pools a handful).
// Run() blocks until Stop(), which may be called from any thread (a signal watcher): it closes
// the listener, shuts every connection down and waits for their threads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <set>

#include "core/mutex.h"
#include "core/unique_fd.h"
#include "tee/address.h"
#include "tee/client.h"
#include "tee/extension.h"
#include "tee/wire_messages.h"

namespace cryfttee::tee {

struct EnclaveServerOptions {
  Address listen;
  uid_t parent_uid = 0;
  uint32_t parent_cid = 3;  // the parent instance of a Nitro enclave
  int max_connections = 64;
  // A new connection must greet within this, and every frame must arrive whole within this of
  // its first byte; else the connection is closed. Idle time between the frames of a greeted
  // connection is not bounded: the parent keeps its pooled connections open.
  std::chrono::milliseconds frame_timeout{10'000};
  // Answers the kKms* ops (the KMS engine, issue 15); null: they fail with "kms_not_enabled".
  std::shared_ptr<ExtensionHandler> extension;
};

class EnclaveServer {
 public:
  // Binds the address (ListenOn: takes over a stale socket file, never a live one).
  static Result<std::unique_ptr<EnclaveServer>> Listen(EnclaveServerOptions options,
                                                       std::shared_ptr<Client> keys);
  ~EnclaveServer();

  void Run();
  void Stop();

 private:
  EnclaveServer(EnclaveServerOptions options, std::shared_ptr<Client> keys, UniqueFd listener,
                UniqueFd wake);
  bool Admit(int fd);
  void Serve(int fd);

  const EnclaveServerOptions options_;
  const std::shared_ptr<Client> keys_;
  UniqueFd listener_;
  UniqueFd wake_;  // eventfd: Stop() wakes the accept loop

  Mutex mu_;
  std::set<int> active_ GUARDED_BY(mu_);  // connections being served
  bool stopping_ GUARDED_BY(mu_) = false;
};

// Answers one decoded request from `keys`, or a kKms* one from `extension` (the dispatch Serve
// uses; exposed for tests and the fuzzer). Returns the answer payload: the op's encoding, or
// EncodeError.
Bytes AnswerRequest(Client& keys, const wire::Request& request,
                    ExtensionHandler* extension = nullptr);

}  // namespace cryfttee::tee
