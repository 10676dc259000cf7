#include "ops/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/file_util.h"

namespace cryfttee::ops {
namespace {

// How long a line may wait in the queue before the writer appends it.
constexpr std::chrono::milliseconds kWriterPeriod{10};

using Json = nlohmann::ordered_json;

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

int OpenAppend(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  // A file created earlier by hand (or under another umask) is narrowed: callers' identities and
  // what they signed are for the daemon's user only.
  if (fd >= 0) ::fchmod(fd, 0600);
  return fd;
}

}  // namespace

Result<FsyncPolicy> ParseFsyncPolicy(const std::string& text) {
  if (text == "always") return FsyncPolicy::kAlways;
  if (text == "interval") return FsyncPolicy::kInterval;
  if (text == "never") return FsyncPolicy::kNever;
  return Status::InvalidArgument("invalid_config",
                                 "fsync policy must be always, interval or never");
}

std::string FormatAuditLine(const AuditRecord& r) {
  Json caller;
  switch (r.caller.kind) {
    case AuditCaller::Kind::kUnix:
      caller = {{"uid", r.caller.uid},
                {"gid", r.caller.gid},
                {"pid", r.caller.pid},
                {"exe", OrNull(r.caller.exe)}};
      break;
    case AuditCaller::Kind::kTcp:
      caller = {{"address", OrNull(r.caller.address)}, {"subject", OrNull(r.caller.subject)}};
      break;
    case AuditCaller::Kind::kUnknown:
      caller = nullptr;
      break;
  }
  Json line = {
      {"time", FormatRfc3339Millis(r.time_unix_ms)},
      {"caller", std::move(caller)},
      {"route", r.route},
      {"module", OrNull(r.module)},
      {"key_handle", OrNull(r.key_handle)},
      {"key_type", OrNull(r.key_type)},
      {"message_sha256", OrNull(r.message_sha256)},
      {"outcome", r.outcome},
      // Microsecond resolution is plenty and keeps the line short.
      {"latency_ms", static_cast<double>(static_cast<int64_t>(r.latency_ms * 1000)) / 1000}};
  // A caller-supplied key_handle or module id may hold invalid UTF-8: replaced, never thrown.
  return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditLogOptions options) {
  // The default lives in the data directory, which in remote-enclave mode nothing else creates.
  std::string parent = std::filesystem::path(options.path).parent_path().string();
  if (!parent.empty()) {
    Status made = CreatePrivateDirectories(parent);
    if (!made.ok()) {
      return Status::FailedPrecondition("audit_log_unavailable",
                                        made.message() + " (set --audit-log)");
    }
  }
  int fd = OpenAppend(options.path);
  if (fd < 0) {
    return Status::FailedPrecondition("audit_log_unavailable",
                                      "cannot open audit log " + options.path + ": " +
                                          std::strerror(errno) + " (set --audit-log)");
  }
  struct stat st {};
  ::fstat(fd, &st);
  if (options.keep < 0) options.keep = 0;
  if (options.max_queued == 0) options.max_queued = 1;
  return std::unique_ptr<AuditLog>(
      new AuditLog(std::move(options), fd, static_cast<uint64_t>(st.st_size)));
}

AuditLog::AuditLog(AuditLogOptions options, int fd, uint64_t size)
    : options_(std::move(options)), fd_(fd), size_(size) {
  last_sync_ = std::chrono::steady_clock::now();
  writer_ = std::thread([this] { Run(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  writer_.join();
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::Write(const AuditRecord& record) {
  std::string line = FormatAuditLine(record);
  line += '\n';
  {
    std::unique_lock<std::mutex> lock(mu_);
    room_or_done_.wait(lock, [this] { return queue_.size() < options_.max_queued || stopping_; });
    queue_.push_back(std::move(line));
    ++queued_seq_;
    // The writer wakes on its own every kWriterPeriod: waking it per line costs the signing
    // thread a context switch each time (measured by bench/ops on 2 cores). Only a queue filling
    // up calls it early.
    // A parked writer (idle, nothing to sync) is woken once.
    if (!writer_parked_ && queue_.size() < options_.max_queued / 4) return;
    writer_parked_ = false;
  }
  wake_writer_.notify_one();
}

void AuditLog::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = queued_seq_;
  flush_requested_ = true;
  wake_writer_.notify_one();
  room_or_done_.wait(lock, [this, target] { return written_seq_ >= target || stopping_; });
}

void AuditLog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // With lines waiting to be synced under kInterval, wake in time to sync them.
    // Lines are picked up every kWriterPeriod, or at once for Flush(), shutdown or a queue a
    // quarter full.
    auto urgent = [this] {
      return stopping_ || flush_requested_ || queue_.size() >= options_.max_queued / 4;
    };
    auto deadline = std::chrono::steady_clock::now() + kWriterPeriod;
    if (dirty_ && options_.fsync == FsyncPolicy::kInterval) {
      deadline = std::min(deadline, last_sync_ + options_.fsync_interval);
    }
    if (queue_.empty() && !dirty_ && !stopping_) {
      // Idle: park until a line arrives, so an idle daemon does not wake 100 times a second.
      writer_parked_ = true;
      wake_writer_.wait(lock, [this, &urgent] { return !writer_parked_ || urgent(); });
      writer_parked_ = false;
    } else {
      wake_writer_.wait_until(lock, deadline, urgent);
    }
    flush_requested_ = false;
    std::deque<std::string> batch;
    batch.swap(queue_);
    bool stop = stopping_;
    lock.unlock();
    room_or_done_.notify_all();  // room in the queue again

    // Whole lines, in chunks that fit the file: a file is rotated between two lines, never
    // past max_bytes (unless one line alone is larger). A failed write keeps nothing for later:
    // the lines were formatted by callers that have long answered. Retrying once after a reopen
    // covers a file removed or rotated by hand.
    size_t lost = 0;
    std::string chunk;
    size_t chunk_lines = 0;
    auto write_chunk = [&] {
      if (!chunk.empty() && !Append(chunk)) lost += chunk_lines;
      chunk.clear();
      chunk_lines = 0;
    };
    for (const std::string& line : batch) {
      if (size_ + chunk.size() > 0 && size_ + chunk.size() + line.size() > options_.max_bytes) {
        write_chunk();
        Rotate();  // on failure the next Append reopens the path
      }
      chunk += line;
      ++chunk_lines;
    }
    write_chunk();
    if (lost > 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_error_log_ > std::chrono::minutes(1)) {
        last_error_log_ = now;
        spdlog::error("audit log {}: {} lines lost: {}", options_.path, lost, std::strerror(errno));
      }
    }
    Sync(/*force=*/stop);

    lock.lock();
    written_seq_ += batch.size();
    room_or_done_.notify_all();
    if (stop && queue_.empty()) return;
  }
}

bool AuditLog::Append(const std::string& bytes) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) fd_ = OpenAppend(options_.path);
    if (fd_ < 0) return false;
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    size_ += done;
    if (done == bytes.size()) {
      dirty_ = true;
      if (options_.fsync == FsyncPolicy::kAlways) Sync(true);
      return true;
    }
    ::close(fd_);
    fd_ = -1;
  }
  return false;
}

bool AuditLog::Rotate() {
  Sync(true);
  ::close(fd_);
  fd_ = -1;
  const std::string& p = options_.path;
  if (options_.keep == 0) {
    ::unlink(p.c_str());
  } else {
    ::unlink((p + "." + std::to_string(options_.keep)).c_str());
    for (int i = options_.keep - 1; i >= 1; --i) {
      ::rename((p + "." + std::to_string(i)).c_str(), (p + "." + std::to_string(i + 1)).c_str());
    }
    ::rename(p.c_str(), (p + ".1").c_str());
  }
  size_ = 0;
  fd_ = OpenAppend(p);
  return fd_ >= 0;
}

void AuditLog::Sync(bool force) {
  if (!dirty_ || fd_ < 0 || options_.fsync == FsyncPolicy::kNever) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_sync_ < options_.fsync_interval) return;
  ::fdatasync(fd_);
  dirty_ = false;
  last_sync_ = now;
}

}  // namespace cryfttee::ops
