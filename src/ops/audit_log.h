// The audit trail: one JSON line per register, sign, import, export, reload and policy refusal,
// appended to a file that only the daemon's user can read (docs/operations.md, "Audit log").
//
// Purpose: answer "who signed what, when, with which key and module, and how did it end" after
// the fact. A line has exactly these fields, in this order (other tools parse them):
//   time            RFC 3339 UTC with milliseconds, when the request was answered
//   caller          Unix socket: {uid, gid, pid, exe} (SO_PEERCRED, /proc/PID/exe);
//                   TCP/TLS: {address, subject} (subject = client certificate, or null)
//   route           the matched route pattern ("/v1/staking/bls/sign", "SignerService/Sign", ...)
//   module          the module that answered, or null
//   key_handle      the key named or produced, or null
//   key_type        "bls" | "tls" | null
//   message_sha256  "sha256:<hex>" of the bytes the caller asked to have signed, or null
//   outcome         "ok" or the stable error code of the answer
//   latency_ms      from the request's arrival at the handler to its answer
// Nothing else: never a secret, a password, key material or the message itself. Callers build
// the record; this class only serializes and stores it.
//
// Durability: the file is opened O_APPEND|O_CREAT|O_CLOEXEC with mode 0600 (an existing file is
// narrowed to 0600). When a write would take it past `max_bytes` it is rotated: audit.log ->
// audit.log.1 -> ... -> audit.log.<keep>, the oldest dropped. `fsync`: kAlways fsyncs after
// every batch the writer takes off the queue, kInterval at most once per `fsync_interval`,
// kNever leaves it to the kernel. Requests never wait for the disk: Write() formats the line on
// the caller's thread and queues it; one writer thread appends what is queued every 10 ms (not
// woken per line: that cost the signing thread a context switch per request). The queue is bounded
// (`max_queued` lines); when the disk cannot keep up, Write() waits for room rather than drop a
// line (an audit trail with silent holes is worse than a slower signer).
//
// Failure: Open() returns "audit_log_unavailable" when the file cannot be opened. A later write
// or rotation error (disk full, directory removed) is logged at most once a minute with the
// number of lines lost; the writer reopens the file for the next batch.
//
// Threading: Write() is thread-safe and cheap; the destructor drains the queue, fsyncs and joins
// the writer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"

namespace cryfttee::ops {

enum class FsyncPolicy { kAlways, kInterval, kNever };

// "always" | "interval" | "never"; code "invalid_config" otherwise.
Result<FsyncPolicy> ParseFsyncPolicy(const std::string& text);

struct AuditCaller {
  enum class Kind { kUnknown, kUnix, kTcp } kind = Kind::kUnknown;
  // kUnix (SO_PEERCRED); exe is "" when /proc/PID/exe could not be read (written as null).
  uint32_t uid = 0;
  uint32_t gid = 0;
  int32_t pid = 0;
  std::string exe;
  // kTcp: "host:port" and the client certificate's subject ("" = none, written as null).
  std::string address;
  std::string subject;
};

struct AuditRecord {
  int64_t time_unix_ms = 0;
  AuditCaller caller;
  std::string route;
  std::string module;          // "" -> null
  std::string key_handle;      // "" -> null
  std::string key_type;        // "" -> null
  std::string message_sha256;  // "" -> null
  std::string outcome;         // "ok" or a stable code
  double latency_ms = 0;
};

// The line for `record`, without the trailing newline.
std::string FormatAuditLine(const AuditRecord& record);

struct AuditLogOptions {
  std::string path;
  uint64_t max_bytes = 64ull << 20;  // rotate before the file grows past this
  int keep = 5;                      // rotated files kept: path.1 .. path.<keep>
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  std::chrono::milliseconds fsync_interval{1000};
  size_t max_queued = 8192;
};

class AuditLog {
 public:
  static Result<std::unique_ptr<AuditLog>> Open(AuditLogOptions options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void Write(const AuditRecord& record);
  // Blocks until every line queued before the call has been handed to the kernel (and synced
  // as the policy says).
  void Flush();
  const std::string& path() const { return options_.path; }

 private:
  AuditLog(AuditLogOptions options, int fd, uint64_t size);
  void Run();
  bool Append(const std::string& batch);  // writer thread only
  bool Rotate();                          // writer thread only
  void Sync(bool force);                  // writer thread only

  const AuditLogOptions options_;
  std::mutex mu_;
  std::condition_variable wake_writer_;
  std::condition_variable room_or_done_;
  std::deque<std::string> queue_;  // guarded by mu_
  uint64_t queued_seq_ = 0;        // guarded by mu_: lines ever queued
  uint64_t written_seq_ = 0;       // guarded by mu_: lines written (and synced per policy)
  bool stopping_ = false;          // guarded by mu_
  bool flush_requested_ = false;   // guarded by mu_
  bool writer_parked_ = false;     // guarded by mu_: the writer sleeps until woken
  // Writer thread only:
  int fd_ = -1;
  uint64_t size_ = 0;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_sync_;
  std::chrono::steady_clock::time_point last_error_log_;
  std::thread writer_;
};

}  // namespace cryfttee::ops
