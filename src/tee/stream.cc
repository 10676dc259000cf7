#include "tee/stream.h"

#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/clock.h"

namespace cryfttee::tee {
namespace {

Status Unavailable(const Address& a, const std::string& why) {
  return Status::Unavailable("enclave_unavailable",
                             "enclave at " + a.ToString() + " is not reachable: " + why);
}

Status IoError(const std::string& what) {
  return Status::Internal("io_error", what + ": " + std::strerror(errno));
}

void SetTimeouts(int fd, std::chrono::milliseconds timeout) {
  struct timeval tv {};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t size = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

SockAddr ToSockAddr(const Address& a) {
  SockAddr out;
  if (a.kind == Address::Kind::kUnix) {
    auto* un = reinterpret_cast<sockaddr_un*>(&out.storage);
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path, a.path.data(), a.path.size());
    out.size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + a.path.size() + 1);
  } else {
    auto* vm = reinterpret_cast<sockaddr_vm*>(&out.storage);
    vm->svm_family = AF_VSOCK;
    vm->svm_cid = a.cid;
    vm->svm_port = a.port;
    out.size = sizeof(sockaddr_vm);
  }
  return out;
}

int Family(const Address& a) { return a.kind == Address::Kind::kUnix ? AF_UNIX : AF_VSOCK; }

// Full read, or "enclave_unavailable" on EOF/timeout/reset.
Status ReadAll(int fd, uint8_t* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::recv(fd, data + done, size - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    std::string why = n == 0 ? "the peer closed the connection"
                      : (errno == EAGAIN || errno == EWOULDBLOCK)
                          ? "timed out waiting for the peer"
                          : std::string(std::strerror(errno));
    return Status::Unavailable("enclave_unavailable", "enclave connection: " + why);
  }
  return Status::Ok();
}

}  // namespace

Result<UniqueFd> ConnectTo(const Address& address, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds io_timeout) {
  UniqueFd fd(::socket(Family(address), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return Unavailable(address, std::string("socket: ") + std::strerror(errno));
  SockAddr sa = ToSockAddr(address);
  if (::connect(fd.get(), sa.get(), sa.size) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      return Unavailable(address, std::strerror(errno));
    }
    pollfd p{fd.get(), POLLOUT, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r <= 0) return Unavailable(address, "connect timed out");
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return Unavailable(address, std::strerror(err));
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  SetTimeouts(fd.get(), io_timeout);
  return fd;
}

Result<UniqueFd> ListenOn(const Address& address) {
  if (address.kind == Address::Kind::kUnix) {
    struct stat st {};
    if (::lstat(address.path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return Status::InvalidArgument("invalid_enclave_addr",
                                       address.path + " exists and is not a socket");
      }
      // Someone answering means a live enclave: never take its socket.
      auto probe =
          ConnectTo(address, std::chrono::milliseconds(500), std::chrono::milliseconds(500));
      if (probe.ok()) {
        return Status::Error(StatusCategory::kAlreadyExists, "address_in_use",
                             "an enclave already listens on " + address.path);
      }
      if (::unlink(address.path.c_str()) != 0 && errno != ENOENT) {
        return IoError("removing stale socket " + address.path);
      }
    }
  }
  UniqueFd fd(::socket(Family(address), SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return IoError("socket for " + address.ToString());
  SockAddr sa = ToSockAddr(address);
  mode_t old_mask = 0;
  if (address.kind == Address::Kind::kUnix) old_mask = ::umask(0117);  // 0660
  int bound = ::bind(fd.get(), sa.get(), sa.size);
  int bind_errno = errno;
  if (address.kind == Address::Kind::kUnix) ::umask(old_mask);
  if (bound != 0) {
    errno = bind_errno;
    if (errno == EADDRINUSE) {
      return Status::Error(StatusCategory::kAlreadyExists, "address_in_use",
                           address.ToString() + " is in use");
    }
    return IoError("bind " + address.ToString());
  }
  if (::listen(fd.get(), 64) != 0) return IoError("listen " + address.ToString());
  return fd;
}

Result<PeerIdentity> PeerOf(int fd, Address::Kind kind) {
  PeerIdentity id;
  if (kind == Address::Kind::kUnix) {
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      return IoError("SO_PEERCRED");
    }
    id.has_uid = true;
    id.uid = cred.uid;
    id.pid = cred.pid;
    return id;
  }
  sockaddr_vm vm{};
  socklen_t len = sizeof(vm);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&vm), &len) != 0) {
    return IoError("getpeername");
  }
  id.has_cid = true;
  id.cid = vm.svm_cid;
  return id;
}

Status WriteFrame(int fd, const wire::Header& header, ByteSpan payload) {
  auto head = wire::EncodeHeader(header);
  iovec iov[2] = {{head.data(), head.size()},
                  {const_cast<uint8_t*>(payload.data()), payload.size()}};
  size_t total = head.size() + payload.size();
  size_t done = 0;
  while (done < total) {
    msghdr msg{};
    // Skip what was already written.
    iovec rest[2];
    int count = 0;
    size_t skip = done;
    for (const iovec& v : iov) {
      if (skip >= v.iov_len) {
        skip -= v.iov_len;
        continue;
      }
      rest[count++] = {static_cast<uint8_t*>(v.iov_base) + skip, v.iov_len - skip};
      skip = 0;
    }
    msg.msg_iov = rest;
    msg.msg_iovlen = static_cast<size_t>(count);
    ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable("enclave_unavailable",
                                 std::string("enclave connection: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

namespace {

// Waits until `fd` is readable (data, EOF or error) or the monotonic `deadline_ms` (-1: never).
Status WaitReadable(int fd, int64_t deadline_ms) {
  for (;;) {
    int wait = -1;
    if (deadline_ms >= 0) {
      wait = static_cast<int>(std::max<int64_t>(0, deadline_ms - MonotonicMillis()));
    }
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, wait);
    if (r > 0) return Status::Ok();
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      return Status::Unavailable("enclave_unavailable",
                                 "enclave connection: timed out waiting for the peer");
    }
    return IoError("poll");
  }
}

Status ReadAllBefore(int fd, uint8_t* data, size_t size, int64_t deadline_ms) {
  size_t done = 0;
  while (done < size) {
    CRYFTTEE_RETURN_IF_ERROR(WaitReadable(fd, deadline_ms));
    ssize_t n = ::recv(fd, data + done, size - done, MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    std::string why = n == 0 ? "the peer closed the connection" : std::strerror(errno);
    return Status::Unavailable("enclave_unavailable", "enclave connection: " + why);
  }
  return Status::Ok();
}

}  // namespace

Result<Frame> ReadFrameWithin(int fd, std::chrono::milliseconds first_byte,
                              std::chrono::milliseconds whole) {
  CRYFTTEE_RETURN_IF_ERROR(
      WaitReadable(fd, first_byte.count() < 0 ? -1 : MonotonicMillis() + first_byte.count()));
  const int64_t deadline = MonotonicMillis() + whole.count();
  uint8_t head[wire::kHeaderSize];
  CRYFTTEE_RETURN_IF_ERROR(ReadAllBefore(fd, head, sizeof(head), deadline));
  CRYFTTEE_ASSIGN_OR_RETURN(wire::Header header, wire::DecodeHeader(ByteSpan(head, sizeof(head))));
  Frame frame;
  frame.header = header;
  frame.payload.resize(header.payload_size);
  CRYFTTEE_RETURN_IF_ERROR(ReadAllBefore(fd, frame.payload.data(), frame.payload.size(), deadline));
  return frame;
}

Result<Frame> ReadFrame(int fd) {
  uint8_t head[wire::kHeaderSize];
  CRYFTTEE_RETURN_IF_ERROR(ReadAll(fd, head, sizeof(head)));
  CRYFTTEE_ASSIGN_OR_RETURN(wire::Header header, wire::DecodeHeader(ByteSpan(head, sizeof(head))));
  Frame frame;
  frame.header = header;
  frame.payload.resize(header.payload_size);
  CRYFTTEE_RETURN_IF_ERROR(ReadAll(fd, frame.payload.data(), frame.payload.size()));
  return frame;
}

bool IsIdleAndOpen(int fd) {
  pollfd p{fd, POLLIN, 0};
  int r = ::poll(&p, 1, 0);
  // Readable with nothing pending means EOF or an error; anything pending is out of turn.
  return r == 0;
}

}  // namespace cryfttee::tee
