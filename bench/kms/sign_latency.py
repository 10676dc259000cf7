"""Measures POST /v1/staking/bls/sign on operator op1 of a running devnet (bench/kms/run.sh):
the KMS group key's handle against a vault BLS key registered on the same daemon, alternating so
both see the same machine load. Prints mean and median latency and the ratio. With a third
argument "compare" (op1's engine is in an enclave), the threshold sign through op2 (engine in
process) is timed in the same rounds and compared too."""
import http.client
import json
import os
import socket
import statistics
import sys
import time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def call(conn, method, target, body=None):
    conn.request(method, target, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"{}")
    return resp.status, data


def main():
    net, signs = sys.argv[1], int(sys.argv[2])
    compare = len(sys.argv) > 3 and sys.argv[3] == "compare"
    deadline = time.time() + 90
    while not os.path.exists(f"{net}/devnet.json"):
        if time.time() > deadline:
            sys.exit("devnet did not start; see " + net + "/devnet.out")
        time.sleep(0.2)
    sock = json.load(open(f"{net}/devnet.json"))["operators"][0]["api_socket"]
    conn = UnixConnection(sock)
    group = None
    while group is None:
        if time.time() > deadline:
            sys.exit("no group key in time")
        _, status = call(conn, "GET", "/v1/kms/status")
        group = status.get("group_key")
        time.sleep(0.2)
    code, reg = call(conn, "POST", "/v1/staking/bls/register", {})
    if code != 200:
        sys.exit(f"register failed: {reg}")
    handles = {"threshold": group["key_handle"], "plain": reg["key_handle"]}
    times = {"threshold": [], "plain": []}
    conns = {"threshold": conn, "plain": conn}
    if compare:
        other = json.load(open(f"{net}/devnet.json"))["operators"][1]["api_socket"]
        handles["in_process"] = group["key_handle"]
        times["in_process"] = []
        conns["in_process"] = UnixConnection(other)
    for i in range(signs + 2):
        for kind, handle in handles.items():
            t0 = time.perf_counter()
            code, ans = call(conns[kind], "POST", "/v1/staking/bls/sign",
                             {"key_handle": handle, "message": "aGVsbG8="})
            dt = time.perf_counter() - t0
            if code != 200:
                sys.exit(f"{kind} sign failed: {ans}")
            if i >= 2:  # two warm-up rounds
                times[kind].append(dt * 1000)
    t, p = times["threshold"], times["plain"]
    print(f"operators {len(json.load(open(f'{net}/devnet.json'))['operators'])}, "
          f"t={group['t']}, {signs} signs each")
    for kind in ("plain", "threshold"):
        v = times[kind]
        print(f"{kind:10s} mean {statistics.mean(v):8.2f} ms  median {statistics.median(v):8.2f} ms")
    print(f"ratio threshold/plain: mean {statistics.mean(t) / statistics.mean(p):.1f}x, "
          f"median {statistics.median(t) / statistics.median(p):.1f}x")
    if compare:
        q = times["in_process"]
        print(f"{'in_process':10s} mean {statistics.mean(q):8.2f} ms  median "
              f"{statistics.median(q):8.2f} ms  (threshold sign through op2, engine in process)")
        print(f"ratio enclave/in-process threshold sign: mean {statistics.mean(t) / statistics.mean(q):.2f}x, "
              f"median {statistics.median(t) / statistics.median(q):.2f}x")


if __name__ == "__main__":
    main()
