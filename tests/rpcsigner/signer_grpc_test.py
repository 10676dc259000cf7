#!/usr/bin/env python3
"""The gRPC signer through the real daemon, with an independent client.

The client is Debian's python3-grpcio with stubs generated here, at test time, from our
proto/signer.proto (grpc_tools.protoc into the build tree), i.e. the same wire AvalancheGo's Go
client speaks. Signatures are checked by node with @chainsafe/blst (SIG ciphersuite) and
@noble/curves (POP ciphersuite) through tests/js/verify_bls.mjs, and each one must FAIL under
the other ciphersuite.

One daemon data directory, six starts (and three refused ones):
  1. no signer: AvalancheGo's public signer1 key is imported over the HTTP API
  2. --rpcsigner-addr on a non-loopback address without TLS, and on an empty vault: both refused
  3. unix socket: cold start to PublicKey, Sign/PoP checks, sizes, 64 streams, hostile frames
  4. restart on TCP 127.0.0.1:0 with the same key: same public key, signatures still verify
  5. TLS on loopback with client certificates (openssl-made CA): served with a client
     certificate, refused without one and in plaintext
  6. a manifest with no BLS signing module: PublicKey still answers, Sign gets UNAVAILABLE

Environment: CRYFTTEE_BUILD_DIR, CRYFTTEE_SOURCE_DIR, CRYFTTEE_SHARED_DIR (set by ctest).
"""
import base64
import concurrent.futures
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = os.environ["CRYFTTEE_BUILD_DIR"]
SOURCE = os.environ["CRYFTTEE_SOURCE_DIR"]
SHARED = os.environ["CRYFTTEE_SHARED_DIR"]
MIB = 1 << 20


def generate_stubs():
    """signer_pb2 / signer_pb2_grpc from our .proto, into the build tree."""
    from grpc_tools import protoc

    out = os.path.join(BUILD, "tests", "rpcsigner", "python_stubs")
    os.makedirs(out, exist_ok=True)
    rc = protoc.main(["protoc", "-I" + os.path.join(SOURCE, "proto"), "--python_out=" + out,
                      "--grpc_python_out=" + out, os.path.join(SOURCE, "proto", "signer.proto")])
    if rc != 0:
        raise RuntimeError("grpc_tools.protoc failed on proto/signer.proto")
    sys.path.insert(0, out)


generate_stubs()
import grpc  # noqa: E402
import signer_pb2  # noqa: E402
import signer_pb2_grpc  # noqa: E402


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.unix_path)


class Daemon:
    """One cryfttee process on a private API socket; its log goes to a file in `workdir`."""

    def __init__(self, workdir, data_dir, extra_args, name):
        self.api_socket = os.path.join(workdir, name + "-api.sock")
        self.log_path = os.path.join(workdir, name + ".log")
        args = [os.path.join(BUILD, "bin", "cryfttee"), "--data-dir", data_dir,
                "--uds-path", self.api_socket, "--kiosk-addr", "off", "--log-level", "info",
                "--shutdown-grace-seconds", "5",
                "--trust-config", os.path.join(BUILD, "config", "trust.toml")] + extra_args
        if "--module-dir" not in extra_args:
            args += ["--module-dir", os.path.join(BUILD, "modules")]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRYFTTEE_")}
        if os.environ.get("CRYFTTEE_TEST_ENCLAVE") == "1":
            # Remote mode (the second CI configuration): the keys live in a cryfttee-enclave,
            # one per data directory, kept across daemon restarts like a systemd unit's.
            args += ["--enclave-addr", shared_enclave(workdir, data_dir, env).address]
        self.started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)

    def log(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def wait_api(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("daemon exited %d:\n%s" % (self.proc.returncode, self.log()))
            try:
                self.request("GET", "/v1/runtime/attestation")
                return
            except OSError:
                time.sleep(0.02)
        raise AssertionError("API did not answer within %d s:\n%s" % (timeout, self.log()))

    def request(self, method, path, body=None):
        conn = UnixHTTPConnection(self.api_socket)
        try:
            data = None if body is None else json.dumps(body)
            headers = {} if body is None else {"Content-Type": "application/json"}
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"{}")
        finally:
            conn.close()

    def stop(self):
        return stop_process(self.proc)


def stop_process(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


ENCLAVES = {}


def shared_enclave(workdir, data_dir, env):
    if data_dir not in ENCLAVES:
        ENCLAVES[data_dir] = Enclave(workdir, data_dir, "enclave-%d" % len(ENCLAVES), env)
    return ENCLAVES[data_dir]


class Enclave:
    """A cryfttee-enclave on a Unix socket in `workdir`, owning the vault in `data_dir`."""

    def __init__(self, workdir, data_dir, name, env):
        socket_path = os.path.join(workdir, name + ".sock")
        self.address = "unix:" + socket_path
        log_path = os.path.join(workdir, name + ".log")
        args = [os.path.join(BUILD, "bin", "cryfttee-enclave"), "--listen", self.address,
                "--data-dir", data_dir]
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with open(log_path, "r", errors="replace") as f:
                text = f.read()
            if "cryfttee-enclave ready" in text:
                return
            if self.proc.poll() is not None:
                raise AssertionError("enclave exited %d:\n%s" % (self.proc.returncode, text))
            time.sleep(0.02)
        raise AssertionError("enclave not ready within 15 s")


def verify(cases):
    """Runs tests/js/verify_bls.mjs: one boolean per {scheme, pk, msg, sig} (hex)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(cases, f)
        path = f.name
    try:
        out = subprocess.run(["node", os.path.join(SOURCE, "tests", "js", "verify_bls.mjs"), path],
                             cwd=SOURCE, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError("verify_bls.mjs failed: " + out.stderr)
        return json.loads(out.stdout)
    finally:
        os.unlink(path)


def both_suites(pk, msg, sig):
    """The same signature checked under SIG (blst) and POP (noble)."""
    return [{"scheme": s, "pk": pk.hex(), "msg": msg.hex(), "sig": sig.hex()} for s in ("sig", "pop")]


class SignerGrpcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="cryfttee-rpcsigner-")
        cls.data_dir = os.path.join(cls.work, "data")
        with open(os.path.join(SHARED, "vectors", "avalanche", "bls_local_signers.json")) as f:
            cls.signer1 = json.load(f)["signers"][0]
        cls.signer1_pk = bytes.fromhex(cls.signer1["public_key_compressed"][2:])
        cls.daemons = []

    @classmethod
    def tearDownClass(cls):
        for d in cls.daemons:
            d.stop()
        for e in ENCLAVES.values():
            stop_process(e.proc)
        shutil.rmtree(cls.work, ignore_errors=True)

    def start(self, name, extra_args):
        d = Daemon(self.work, self.data_dir, extra_args, name)
        self.daemons.append(d)
        return d

    def test_all(self):
        # Start-up refusals first, on an empty vault: they must not need a key to be decided.
        self.check_refusals()
        # 1. Import AvalancheGo's signer1 key (a public test key) over the HTTP API.
        d = self.start("import", [])
        d.wait_api()
        status, body = d.request("POST", "/v1/staking/bls/register",
                                 {"mode": 1, "key_material": self.signer1["secret_key_base64"]})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["public_key"], self.signer1["public_key_compressed"])
        self.assertEqual(d.stop(), 0)

        # 3. The unix socket: AvalancheGo's 5-second window counts from a cold start.
        sock = os.path.join(self.work, "signer.sock")
        d = self.start("uds", ["--rpcsigner-addr", "unix://" + sock,
                               "--metrics-addr", "127.0.0.1:0"])
        channel = grpc.insecure_channel("unix://" + sock)
        stub = signer_pb2_grpc.SignerStub(channel)
        pk = stub.PublicKey(signer_pb2.PublicKeyRequest(), timeout=5, wait_for_ready=True).public_key
        elapsed = time.monotonic() - d.started
        print("PublicKey answered %.2f s after the daemon was started" % elapsed)
        self.assertLess(elapsed, 5.0)
        self.assertEqual(pk, self.signer1_pk)
        self.assertEqual(os.stat(sock).st_mode & 0o777, 0o660)
        d.wait_api()
        self.check_signatures(stub)
        self.check_limits(stub)
        self.check_concurrency(stub)
        self.check_hostile_clients(stub, sock)
        self.check_reports(d, "unix://" + sock)
        channel.close()
        self.assertEqual(d.stop(), 0)
        self.assertFalse(os.path.exists(sock), "the signer socket is removed at exit")

        # 4. Restart on TCP with the same key.
        d = self.start("tcp", ["--rpcsigner-addr", "127.0.0.1:0"])
        d.wait_api()
        _, status = d.request("GET", "/v1/staking/status")
        endpoint = status["rpcsigner"]["endpoint"]
        self.assertRegex(endpoint, r"^127\.0\.0\.1:[1-9][0-9]*$")
        with grpc.insecure_channel(endpoint) as tcp:
            stub = signer_pb2_grpc.SignerStub(tcp)
            self.assertEqual(stub.PublicKey(signer_pb2.PublicKeyRequest(), timeout=5).public_key,
                             self.signer1_pk)
            msg = b"after restart"
            sig = stub.Sign(signer_pb2.SignRequest(message=msg), timeout=10).signature
            self.assertEqual(verify(both_suites(self.signer1_pk, msg, sig)), [True, False])
        self.assertEqual(d.stop(), 0)
        self.check_audit("signer.Signer/Sign", msg, r"^ipv4:127\.0\.0\.1:[0-9]+$", None)

        # 5. TLS with client certificates (what a non-loopback address requires), on loopback.
        self.check_tls()

        # 6. No module signs BLS (the manifest has only debug_v1): the key is still served, and
        # a signature request gets UNAVAILABLE with the dispatch's code, not a crash or a hang.
        self.check_no_signer_module()

    def make_pki(self):
        """A CA, a server certificate for 127.0.0.1 and a client certificate, by openssl."""
        pki = os.path.join(self.work, "pki")
        os.makedirs(pki)
        path = lambda name: os.path.join(pki, name)  # noqa: E731

        def openssl(*args):
            subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=30)

        def key(name):
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", path(name + ".key"))

        key("ca")
        openssl("req", "-x509", "-new", "-key", path("ca.key"), "-subj", "/CN=test signer CA",
                "-days", "1", "-out", path("ca.crt"))
        for name, ext in (("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
                          ("client", "extendedKeyUsage=clientAuth")):
            key(name)
            openssl("req", "-new", "-key", path(name + ".key"), "-subj", "/CN=" + name,
                    "-out", path(name + ".csr"))
            with open(path(name + ".ext"), "w") as f:
                f.write(ext + "\n")
            openssl("x509", "-req", "-in", path(name + ".csr"), "-CA", path("ca.crt"),
                    "-CAkey", path("ca.key"), "-CAcreateserial", "-days", "1",
                    "-extfile", path(name + ".ext"), "-out", path(name + ".crt"))
        def read(name):
            with open(path(name), "rb") as f:
                return f.read()

        return path, read

    def check_tls(self):
        path, read = self.make_pki()
        d = self.start("tls", ["--rpcsigner-addr", "127.0.0.1:0",
                               "--rpcsigner-tls-cert", path("server.crt"),
                               "--rpcsigner-tls-key", path("server.key"),
                               "--rpcsigner-tls-client-ca", path("ca.crt")])
        d.wait_api()
        _, status = d.request("GET", "/v1/staking/status")
        rpc = status["rpcsigner"]
        self.assertTrue(rpc["tls"])
        self.assertTrue(rpc["client_auth"])
        endpoint = rpc["endpoint"]
        # With the client certificate: served, and the signature verifies.
        creds = grpc.ssl_channel_credentials(root_certificates=read("ca.crt"),
                                             private_key=read("client.key"),
                                             certificate_chain=read("client.crt"))
        with grpc.secure_channel(endpoint, creds) as channel:
            stub = signer_pb2_grpc.SignerStub(channel)
            self.assertEqual(stub.PublicKey(signer_pb2.PublicKeyRequest(), timeout=5).public_key,
                             self.signer1_pk)
            msg = b"over TLS"
            sig = stub.Sign(signer_pb2.SignRequest(message=msg), timeout=10).signature
            self.assertEqual(verify(both_suites(self.signer1_pk, msg, sig)), [True, False])
            tls_msg = msg
        # Without one, and in plaintext: no answer.
        no_cert = grpc.ssl_channel_credentials(root_certificates=read("ca.crt"))
        for channel in (grpc.secure_channel(endpoint, no_cert), grpc.insecure_channel(endpoint)):
            with channel:
                with self.assertRaises(grpc.RpcError) as err:
                    signer_pb2_grpc.SignerStub(channel).PublicKey(signer_pb2.PublicKeyRequest(),
                                                                  timeout=5)
                self.assertEqual(err.exception.code(), grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(d.stop(), 0)
        self.check_audit("signer.Signer/Sign", tls_msg, r"^ipv4:127\.0\.0\.1:[0-9]+$",
                         "CN=client")

    def check_audit(self, route, msg, address_re, subject):
        """The audit line of the last signature of `msg` (docs/operations.md, Audit log)."""
        digest = "sha256:" + hashlib.sha256(msg).hexdigest()
        with open(os.path.join(self.data_dir, "audit.log")) as f:
            lines = [json.loads(line) for line in f]
        mine = [line for line in lines if line["message_sha256"] == digest]
        self.assertTrue(mine, "no audit line for %r" % msg)
        line = mine[-1]
        self.assertEqual(list(line), ["time", "caller", "route", "module", "key_handle",
                                      "key_type", "message_sha256", "outcome", "latency_ms"])
        self.assertEqual(line["route"], route)
        self.assertEqual(line["outcome"], "ok")
        self.assertEqual(line["key_type"], "bls")
        self.assertEqual(line["module"], "bls_tls_signer_v1")
        self.assertRegex(line["caller"]["address"], address_re)
        self.assertEqual(line["caller"]["subject"], subject)

    def check_no_signer_module(self):
        module_dir = os.path.join(self.work, "modules-debug-only")
        shutil.copytree(os.path.join(BUILD, "modules", "debug_v1"),
                        os.path.join(module_dir, "debug_v1"))
        with open(os.path.join(BUILD, "modules", "manifest.json")) as f:
            manifest = json.load(f)
        manifest["modules"] = [m for m in manifest["modules"] if m["id"] == "debug_v1"]
        with open(os.path.join(module_dir, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        sock = os.path.join(self.work, "signer-nomodule.sock")
        d = self.start("nomodule", ["--rpcsigner-addr", "unix://" + sock,
                                    "--module-dir", module_dir])
        d.wait_api()
        with grpc.insecure_channel("unix://" + sock) as channel:
            stub = signer_pb2_grpc.SignerStub(channel)
            self.assertEqual(stub.PublicKey(signer_pb2.PublicKeyRequest(), timeout=5).public_key,
                             self.signer1_pk)
            for call, request in ((stub.Sign, signer_pb2.SignRequest(message=b"m")),
                                  (stub.SignProofOfPossession,
                                   signer_pb2.SignProofOfPossessionRequest(message=b"m"))):
                with self.assertRaises(grpc.RpcError) as err:
                    call(request, timeout=10)
                self.assertEqual(err.exception.code(), grpc.StatusCode.UNAVAILABLE)
                self.assertTrue(err.exception.details().startswith("no_module_for_capability: "),
                                err.exception.details())
        self.assertEqual(d.stop(), 0)

    def check_refusals(self):
        d = self.start("public", ["--rpcsigner-addr", "0.0.0.0:0"])
        self.assertNotEqual(d.proc.wait(timeout=15), 0)
        self.assertIn("--rpcsigner-addr", d.log())
        self.assertIn("--rpcsigner-tls-cert", d.log())
        d = self.start("nokey", ["--rpcsigner-addr", "127.0.0.1:0"])
        self.assertNotEqual(d.proc.wait(timeout=15), 0)
        self.assertIn("holds no BLS key", d.log())
        self.assertIn("--rpcsigner-key", d.log())
        d = self.start("badkey", ["--rpcsigner-addr", "127.0.0.1:0", "--rpcsigner-key", "nope"])
        self.assertNotEqual(d.proc.wait(timeout=15), 0)
        self.assertIn("--rpcsigner-key \"nope\"", d.log())

    def check_signatures(self, stub):
        pk = self.signer1_pk
        # The README's proof of possession: SignProofOfPossession(public key) is deterministic.
        pop = stub.SignProofOfPossession(signer_pb2.SignProofOfPossessionRequest(message=pk),
                                         timeout=10).signature
        self.assertEqual("0x" + pop.hex(), self.signer1["proof_of_possession"])
        cases, expected = [], []
        for msg in (b"", b"warp message", os.urandom(1000), os.urandom(MIB)):
            sig = stub.Sign(signer_pb2.SignRequest(message=msg), timeout=30).signature
            self.assertEqual(len(sig), 96)
            cases += both_suites(pk, msg, sig)
            expected += [True, False]  # SIG verifies; the same bytes under POP must not
            popsig = stub.SignProofOfPossession(
                signer_pb2.SignProofOfPossessionRequest(message=msg), timeout=30).signature
            self.assertNotEqual(popsig, sig)
            cases += both_suites(pk, msg, popsig)
            expected += [False, True]
        cases += both_suites(pk, pk, pop)
        expected += [False, True]
        self.assertEqual(verify(cases), expected)

    def check_limits(self, stub):
        with self.assertRaises(grpc.RpcError) as err:
            stub.Sign(signer_pb2.SignRequest(message=b"\0" * (MIB + 1)), timeout=30)
        self.assertEqual(err.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)

    def check_concurrency(self, stub):
        # 64 streams at once on one HTTP/2 connection, each with its own message.
        msgs = [b"stream %d " % i + os.urandom(32) for i in range(64)]
        futures = [stub.Sign.future(signer_pb2.SignRequest(message=m), timeout=60) for m in msgs]
        sigs = [f.result().signature for f in futures]
        cases = [{"scheme": "sig", "pk": self.signer1_pk.hex(), "msg": m.hex(), "sig": s.hex()}
                 for m, s in zip(msgs, sigs)]
        self.assertEqual(verify(cases), [True] * 64)

    def check_hostile_clients(self, stub, sock):
        # An unknown method, in our service and in another: UNIMPLEMENTED.
        channel = grpc.insecure_channel("unix://" + sock)
        for method in ("/signer.Signer/SignEverything", "/other.Service/Sign"):
            call = channel.unary_unary(method)
            with self.assertRaises(grpc.RpcError) as err:
                call(b"", timeout=5)
            self.assertEqual(err.exception.code(), grpc.StatusCode.UNIMPLEMENTED, method)
        channel.close()
        # Bytes that do not parse as a SignRequest (a truncated tag after field 1): a clean
        # error. gRPC C++'s callback API answers a request it cannot deserialize with
        # UNIMPLEMENTED (grpcpp/impl/codegen/server_callback_handlers.h, "if deserialization ...
        # failed"); the sync API would say INTERNAL. Either way no signature, no crash.
        bad = grpc.insecure_channel("unix://" + sock)
        call = bad.unary_unary("/signer.Signer/Sign")
        with self.assertRaises(grpc.RpcError) as err:
            call(b"\x08\x01\xff", timeout=5)
        self.assertIn(err.exception.code(), (grpc.StatusCode.UNIMPLEMENTED,
                                             grpc.StatusCode.INTERNAL,
                                             grpc.StatusCode.INVALID_ARGUMENT))
        bad.close()
        # Malformed HTTP/2: the client preface, then a SETTINGS frame whose length is not a
        # multiple of 6 (a FRAME_SIZE_ERROR); random frames; HTTP/1.1. The server must close
        # each connection promptly (gRPC 1.51 sends its own SETTINGS, then drops the transport,
        # with or without a GOAWAY) and keep serving everyone else. A server that kept the
        # connection open would hit the 5-second timeout below and fail the test.
        preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
        bad_settings = b"\x00\x00\x05\x04\x00\x00\x00\x00\x00" + b"\x00" * 5
        hostile = [preface + bad_settings, preface + os.urandom(64),
                   b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"]
        for payload in hostile:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(5)
            s.connect(sock)
            s.sendall(payload)
            try:
                while s.recv(4096):
                    pass
            except socket.timeout:
                self.fail("the server kept a malformed connection open: %r" % payload[:40])
            except ConnectionResetError:
                pass
            s.close()
        # Still serving.
        self.assertEqual(stub.PublicKey(signer_pb2.PublicKeyRequest(), timeout=5).public_key,
                         self.signer1_pk)

    def check_reports(self, d, endpoint):
        status, body = d.request("GET", "/v1/staking/status")
        self.assertEqual(status, 200)
        rpc = body["rpcsigner"]
        self.assertTrue(rpc["enabled"])
        self.assertEqual(rpc["endpoint"], endpoint)
        self.assertEqual(rpc["public_key"], self.signer1["public_key_compressed"])
        self.assertGreaterEqual(rpc["calls"]["Sign"]["calls"], 64 + 4)
        self.assertGreaterEqual(rpc["calls"]["Sign"]["errors"], 1)  # the 1 MiB + 1 message
        status, att = d.request("GET", "/v1/runtime/attestation")
        self.assertEqual(att["rpcsigner"]["endpoint"], endpoint)
        self.assertEqual(att["rpcsigner"]["key_handle"], rpc["key_handle"])
        _, conn = d.request("GET", "/v1/runtime/connection")
        self.assertGreaterEqual(conn["request_count"], 64 + 4)
        self.assertIn("gRPC", conn["last_error"])
        # The key's own counter (GET /v1/staking/keys, the kiosk's key table) counts them too.
        _, keys = d.request("GET", "/v1/staking/keys")
        served = [k for k in keys["keys"] if k["key_handle"] == rpc["key_handle"]]
        self.assertEqual(len(served), 1, keys)
        signed = (rpc["calls"]["Sign"]["calls"] - rpc["calls"]["Sign"]["errors"] +
                  rpc["calls"]["SignProofOfPossession"]["calls"] -
                  rpc["calls"]["SignProofOfPossession"]["errors"])
        self.assertEqual(served[0]["sign_count"], signed)
        # The same signing metrics as the HTTP sign route, under the module that signed.
        match = re.search(r"metrics listening: http://127\.0\.0\.1:(\d+)/metrics", d.log())
        self.assertIsNotNone(match, d.log())
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=10)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
        count = re.search(r'^cryfttee_signing_duration_seconds_count\{key_type="bls",'
                          r'module="bls_tls_signer_v1"\} (\d+)', text, re.M)
        self.assertIsNotNone(count, text)
        # 64 streams, 4 Sign and 5 SignProofOfPossession calls: no HTTP signing in this process.
        self.assertEqual(int(count.group(1)), rpc["calls"]["Sign"]["calls"] - 1 +
                         rpc["calls"]["SignProofOfPossession"]["calls"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
