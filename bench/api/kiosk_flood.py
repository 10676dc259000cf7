#!/usr/bin/env python3
"""Busy kiosk flood against the node's API latency (docs/performance.md, "The kiosk on its own
thread"): starts the daemon from BUILD_DIR with a kiosk on a free port, opens FLOOD kiosk
connections that request a module-backed page (the signer's status panel) in a closed loop, and
meanwhile sends a heartbeat every 5 ms on one API connection over the Unix socket for SECONDS.
Prints the kiosk's throughput and the heartbeat's latency percentiles. Timings are never judged;
the script fails only when the daemon does not start or a request is not answered 200.

Usage: bench/api/kiosk_flood.py BUILD_DIR [FLOOD (8)] [SECONDS (4)]
BUILD_DIR holds bin/cryfttee, modules/ and config/ (a dev build tree, or symlinks to one).
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

PANEL = "/v1/modules/bls_tls_signer_v1/status-panel"


def read_answer(sock, buf):
    """Reads one Content-Length framed answer; returns (status line, bytes left over)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the daemon closed the connection")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(rest) < length:
        rest += sock.recv(65536)
    return head.split(b"\r\n", 1)[0].decode(), rest[length:]


def start_daemon(build, tmp):
    sock = os.path.join(tmp, "d.sock")
    log_path = os.path.join(tmp, "log")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYFTTEE_")}
    with open(log_path, "w") as log:
        daemon = subprocess.Popen(
            [os.path.join(build, "bin", "cryfttee"), "--uds-path", sock,
             "--data-dir", os.path.join(tmp, "data"),
             "--module-dir", os.path.join(build, "modules"),
             "--trust-config", os.path.join(build, "config", "trust.toml"),
             "--kiosk-addr", "127.0.0.1:0", "--log-level", "info"],
            stdout=log, stderr=log, env=env)
    for _ in range(300):
        with open(log_path) as f:
            m = re.search(r"kiosk UI: http://127\.0\.0\.1:(\d+)/", f.read())
        if m and os.path.exists(sock):
            return daemon, sock, int(m.group(1))
        time.sleep(0.05)
    daemon.kill()
    with open(log_path) as f:
        sys.exit("kiosk_flood: the daemon did not start:\n" + f.read())


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    flood_conns = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    tmp = tempfile.mkdtemp(prefix="cft-kf-")
    daemon, sock, port = start_daemon(build, tmp)
    stop = threading.Event()
    served = []  # (requests, last status line) per flood connection

    def flood():
        conn = socket.create_connection(("127.0.0.1", port))
        req = f"GET {PANEL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        buf, count, status = b"", 0, ""
        while not stop.is_set():
            conn.sendall(req)
            status, buf = read_answer(conn, buf)
            count += 1
        served.append((count, status))

    try:
        threads = [threading.Thread(target=flood) for _ in range(flood_conns)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        api = socket.socket(socket.AF_UNIX)
        api.connect(sock)
        body = b'{"node_id":"NodeID-kiosk-flood","cryftgo_version":"bench"}'
        req = (b"POST /v1/runtime/heartbeat HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        buf, lat = b"", []
        end = time.time() + seconds
        while time.time() < end:
            t0 = time.perf_counter()
            api.sendall(req)
            status, buf = read_answer(api, buf)
            lat.append((time.perf_counter() - t0) * 1e6)
            if " 200 " not in status:
                sys.exit(f"kiosk_flood: heartbeat answered {status}")
            time.sleep(0.005)
    finally:
        stop.set()
        for t in threads:
            t.join()
        daemon.terminate()
        daemon.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    if any(" 200 " not in s for _, s in served):
        sys.exit(f"kiosk_flood: a kiosk request failed: {served}")
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))]
    print(f"{build}: {flood_conns} kiosk connections, {sum(c for c, _ in served) / (seconds + 0.5):.0f}"
          f" kiosk req/s | node heartbeat n={len(lat)} p50={pct(0.5):.0f} p90={pct(0.9):.0f}"
          f" p99={pct(0.99):.0f} max={lat[-1]:.0f} us")


if __name__ == "__main__":
    main()
