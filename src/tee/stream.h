// Sockets and whole frames for the enclave protocol (wire.h): connect, listen (taking over a
// stale Unix socket file), peer identity, and frame read/write with deadlines.
//
// Codes: "enclave_unavailable" (connect refused, no socket, the peer closed or a deadline
// passed), "address_in_use" (a live enclave already listens on the path),
// "invalid_enclave_addr", "io_error", and DecodeHeader's codes for a bad frame.
//
// Thread-compatible: one thread per descriptor at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "core/bytes.h"
#include "core/status.h"
#include "core/unique_fd.h"
#include "tee/address.h"
#include "tee/wire.h"

namespace cryfttee::tee {

// Connects within `timeout` and sets `io_timeout` as the socket's send and receive timeout.
Result<UniqueFd> ConnectTo(const Address& address, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds io_timeout);

// Binds and listens. A Unix socket file that nobody answers on (left by a killed enclave) is
// replaced; a live one is never taken; a path that is not a socket is refused. The file gets
// mode 0660.
Result<UniqueFd> ListenOn(const Address& address);

// Who is on the other end of an accepted connection.
struct PeerIdentity {
  bool has_uid = false;
  uid_t uid = 0;  // Unix: SO_PEERCRED
  pid_t pid = 0;
  bool has_cid = false;
  uint32_t cid = 0;  // vsock: the peer's context ID
};
Result<PeerIdentity> PeerOf(int fd, Address::Kind kind);

struct Frame {
  wire::Header header;
  Bytes payload;
};

// Writes header and payload in one go.
Status WriteFrame(int fd, const wire::Header& header, ByteSpan payload);
// Reads one frame; the header is checked (wire::DecodeHeader) before the payload is read, so an
// oversized length costs nothing. "enclave_unavailable" when the peer closed before a header.
Result<Frame> ReadFrame(int fd);
// The server's read: waits up to `first_byte` for a frame to begin (negative: forever), then the
// whole frame must arrive within `whole` of its first byte. A peer that starts a frame and stalls
// would otherwise hold its connection, and the slot it takes, forever.
Result<Frame> ReadFrameWithin(int fd, std::chrono::milliseconds first_byte,
                              std::chrono::milliseconds whole);

// True when the connection has nothing to read and has not been closed by the peer: a pooled
// idle connection that is safe to reuse.
bool IsIdleAndOpen(int fd);

}  // namespace cryfttee::tee
