// docs/openapi.yaml against the real daemon: every route the router serves is in the spec (and
// nothing else is), and every route is called over a temporary Unix socket with valid requests
// and with invalid ones; each answer's status, Content-Type and body must match the spec.
//
// Two daemons: one with the bundled signed modules and a Web3Signer stand-in
// (tests/web3signer/server.mjs, real BLS through @chainsafe/blst) for the success paths and the
// backend failures, and one with no modules and no Web3Signer for the "nothing configured" answers.
//
// Run: ctest -R openapi_validate, or by hand:
//   CRYFTTEE_BUILD_DIR=build CRYFTTEE_SOURCE_DIR=. node --test tests/openapi/validate.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import net from 'node:net';
import { servedRoutes } from './routes.mjs';

let Spec;
try {
  ({ Spec } = await import('./spec.mjs'));
} catch (e) {
  throw new Error(`the OpenAPI validators are not installed: run \`npm ci\` in the source tree (${e.message})`);
}

const BUILD = process.env.CRYFTTEE_BUILD_DIR;
const SOURCE = process.env.CRYFTTEE_SOURCE_DIR;
if (!BUILD || !SOURCE) throw new Error('CRYFTTEE_BUILD_DIR and CRYFTTEE_SOURCE_DIR must be set (ctest sets them)');
const MODULES = ['bls_tls_signer_v1', 'debug_v1', 'web3signer_v1'];
const MAX_BODY_BYTES = 1 << 20; // the daemon's default max_body_bytes
// A typed eth2 request Web3Signer signs (tests/web3signer/signing_root.mjs recomputes its root).
const RANDAO = {
  type: 'RANDAO_REVEAL',
  fork_info: { fork: { previous_version: '0x00000000', current_version: '0x00000000', epoch: '0' }, genesis_validators_root: '0x' + '00'.repeat(32) },
  randao_reveal: { epoch: '3' },
};

// ---- HTTP over the Unix socket ------------------------------------------------------------------

// `oversized`: announce a body one byte over the daemon's limit and send only its first byte;
// the daemon answers 413 from the headers (sending the whole body would race its close: EPIPE).
function request(options, body, { oversized = false } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (oversized) headers['Content-Length'] = String(MAX_BODY_BYTES + 1);
    const req = http.request({ ...options, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        if (oversized) req.destroy();
      });
    });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`timeout: ${options.method} ${options.path}`)));
    if (oversized) {
      req.write('{');
      return;
    }
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64 = (buf) => Buffer.from(buf).toString('base64');

// ---- processes -------------------------------------------------------------------------------------

class Web3SignerStandIn {
  async start(secretHex) {
    this.proc = spawn(process.execPath, [path.join(SOURCE, 'tests', 'web3signer', 'server.mjs'), '--raw-key', secretHex],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise((resolve, reject) => {
      const rl = readline.createInterface({ input: this.proc.stdout });
      rl.once('line', resolve);
      this.proc.once('exit', (code) => reject(new Error(`Web3Signer stand-in exited with ${code}`)));
    });
    ({ port: this.port, control_port: this.controlPort } = JSON.parse(line));
  }

  url() {
    return `http://127.0.0.1:${this.port}`;
  }

  fault(mode) {
    const body = JSON.stringify({ mode });
    return request({ host: '127.0.0.1', port: this.controlPort, method: 'POST', path: '/fault', headers: { 'Content-Type': 'application/json' } }, body);
  }

  stop() {
    if (this.proc && this.proc.exitCode === null) this.proc.kill('SIGTERM');
  }
}

class Daemon {
  // `readyStatus`: what /healthz answers this test once the daemon serves (403 when the test
  // process is not an allowed caller).
  constructor(name, { modules, web3signerUrl, extraArgs = [], readyStatus = 200 }) {
    this.extraArgs = extraArgs;
    this.readyStatus = readyStatus;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `cryfttee-openapi-${name}-`));
    this.socket = path.join(this.dir, 'api.sock');
    this.moduleDir = path.join(this.dir, 'modules');
    this.logFile = path.join(this.dir, 'daemon.log');
    this.web3signerUrl = web3signerUrl;
    fs.mkdirSync(this.moduleDir);
    this.manifest = '';
    if (modules) {
      for (const id of MODULES) {
        fs.mkdirSync(path.join(this.moduleDir, id));
        for (const f of ['module.wasm', 'module.json']) {
          fs.copyFileSync(path.join(BUILD, 'modules', id, f), path.join(this.moduleDir, id, f));
        }
      }
      this.manifest = fs.readFileSync(path.join(BUILD, 'modules', 'manifest.json'), 'utf8');
      this.writeManifest(this.manifest);
    }
  }

  writeManifest(text) {
    fs.writeFileSync(path.join(this.moduleDir, 'manifest.json'), text);
  }

  async start() {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRYFTTEE_')));
    env.CRYFTTEE_SEAL_PASSWORD = crypto.randomBytes(24).toString('hex');
    const args = [
      '--api-transport', 'uds', '--uds-path', this.socket,
      '--data-dir', path.join(this.dir, 'data'),
      '--module-dir', this.moduleDir,
      '--trust-config', path.join(BUILD, 'config', 'trust.toml'),
      '--kiosk-addr', 'off', '--metrics-addr', '',
      '--log-level', 'info', '--shutdown-grace-seconds', '1',
    ];
    if (this.web3signerUrl) {
      // The vault signer stays the default: /v1/staking/* works on local keys while the face and
      // web3signer_v1 (by module_id) reach the stand-in.
      args.push('--web3signer-url', this.web3signerUrl, '--default-bls-module', 'bls_tls_signer_v1');
    }
    if (process.env.CRYFTTEE_TEST_ENCLAVE === '1') {
      // Remote mode (the second CI configuration): the same answers, keys in a cryfttee-enclave.
      args.push('--enclave-addr', await this.startEnclave(env));
    }
    args.push(...this.extraArgs);
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(path.join(BUILD, 'bin', 'cryfttee'), args, { env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.exited = new Promise((r) => this.proc.once('exit', r));
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`daemon exited with ${this.proc.exitCode}:\n${this.log()}`);
      try {
        const r = await this.raw('GET', '/healthz');
        if (r.status === this.readyStatus) return this.checkKeyMode();
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`daemon did not answer /healthz with ${this.readyStatus} within 15 s:\n${this.log()}`);
  }

  // The mode the suite claims to test is the one the daemon runs in.
  async checkKeyMode() {
    if (this.readyStatus !== 200) return;
    const r = await this.raw('GET', '/v1/runtime/attestation');
    const mode = JSON.parse(r.text).enclave?.mode;
    const want = this.enclave ? 'remote' : 'in_process';
    if (mode !== want) throw new Error(`daemon keys are ${mode}, expected ${want}`);
  }

  async startEnclave(env) {
    const address = `unix:${path.join(this.dir, 'enclave.sock')}`;
    const logFile = path.join(this.dir, 'enclave.log');
    const log = fs.openSync(logFile, 'a');
    this.enclave = spawn(path.join(BUILD, 'bin', 'cryfttee-enclave'),
      ['--listen', address, '--data-dir', path.join(this.dir, 'data')], { env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      const text = fs.readFileSync(logFile, 'utf8');
      if (text.includes('cryfttee-enclave ready')) return address;
      if (this.enclave.exitCode !== null) throw new Error(`enclave exited with ${this.enclave.exitCode}:\n${text}`);
      await sleep(50);
    }
    throw new Error('enclave not ready within 15 s');
  }

  log() {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  raw(method, p, body, headers = {}, options = {}) {
    const h = { ...headers };
    if ((body !== undefined || options.oversized) && !h['Content-Type']) h['Content-Type'] = 'application/json';
    return request({ socketPath: this.socket, method, path: p, headers: h }, body, options);
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 8000);
      await this.exited;
      clearTimeout(t);
    }
    if (this.enclave && this.enclave.exitCode === null) {
      const gone = new Promise((r) => this.enclave.once('exit', r));
      this.enclave.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- the suite ---------------------------------------------------------------------------------------

describe('docs/openapi.yaml against the real daemon', () => {
  let spec;
  const w3s = new Web3SignerStandIn();
  let full; // modules + Web3Signer
  let bare; // nothing configured
  const t0 = Date.now();
  // A BLS secret below the group order (top byte < 0x73), fresh for every run.
  const secret = crypto.randomBytes(32);
  secret[0] &= 0x3f;

  // Calls `method url` on `daemon`, validates the answer against the spec's `template` operation,
  // and checks the status the test expects. A body marked valid is first checked against the
  // spec's request schema (a request the daemon accepts must be one the spec allows).
  async function call(daemon, method, template, { url = template, body, raw, headers, expect, valid = false, oversized = false } = {}) {
    if (valid && body !== undefined) spec.checkRequest(method, template, body);
    const text = raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body);
    const res = await daemon.raw(method, url, text, headers, { oversized });
    const value = spec.check(method, template, res);
    if (expect !== undefined) {
      assert.equal(res.status, expect, `${method} ${url}: expected ${expect}, got ${res.status}: ${res.text.slice(0, 300)}`);
    }
    return { status: res.status, value, headers: res.headers };
  }

  async function errorCode(daemon, method, template, opts) {
    const r = await call(daemon, method, template, opts);
    return r.value.code;
  }

  before(async () => {
    spec = await Spec.load(path.join(SOURCE, 'docs', 'openapi.yaml'));
    await w3s.start(secret.toString('hex'));
    full = new Daemon('full', { modules: true, web3signerUrl: w3s.url() });
    bare = new Daemon('bare', { modules: false });
    await Promise.all([full.start(), bare.start()]);
  });

  after(async () => {
    if (process.exitCode) {
      process.stderr.write(`--- full daemon log ---\n${full?.log()}\n--- bare daemon log ---\n${bare?.log()}\n`);
    }
    await Promise.all([full?.stop(), bare?.stop()]);
    w3s.stop();
    process.stderr.write(`openapi suite: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  test('the spec names exactly the routes the router serves', () => {
    const served = servedRoutes(SOURCE);
    const documented = new Set(spec.operations().map((o) => `${o.method} ${o.path}`));
    assert.deepEqual([...served].filter((r) => !documented.has(r)).sort(), [], 'served but not in docs/openapi.yaml');
    assert.deepEqual([...documented].filter((r) => !served.has(r)).sort(), [], 'in docs/openapi.yaml but not served');
    assert.ok(served.size >= 16, `only ${served.size} routes parsed from src/api: the parser is broken`);
  });

  test('every route answers the other method with 405 and an Allow header', async () => {
    for (const { method, path: p } of spec.operations()) {
      const url = p.replace('{id}', 'bls_tls_signer_v1').replace('{identifier}', '0xab');
      const wrong = method === 'GET' ? 'POST' : 'GET';
      const res = await full.raw(wrong, url, wrong === 'POST' ? '{}' : undefined);
      assert.equal(res.status, 405, `${wrong} ${url}: ${res.text}`);
      assert.equal(res.headers.allow, method, `${wrong} ${url}: Allow`);
      // The 405 is declared on the path's documented operation.
      assert.equal(spec.check(method, p, res).code, 'method_not_allowed');
    }
  });

  test('health', async () => {
    const alive = await call(full, 'GET', '/healthz', { expect: 200 });
    assert.equal(alive.value.status, 'alive');
    // The stand-in is probed every second: not ready (503) until the first probe, then ready.
    let ready;
    for (let i = 0; i < 50; i++) {
      ready = await call(full, 'GET', '/readyz');
      if (ready.status === 200) break;
      await sleep(100);
    }
    assert.equal(ready.status, 200, JSON.stringify(ready.value));
    assert.equal(ready.value.checks.web3signer, 'connected');
    const bareReady = await call(bare, 'GET', '/readyz', { expect: 503 });
    assert.ok(bareReady.value.not_ready.includes('modules'));
  });

  test('runtime: attestation, heartbeat, connection', async () => {
    const plain = await call(full, 'GET', '/v1/runtime/attestation', { expect: 200 });
    assert.deepEqual([...plain.value.loaded_modules].sort(), [...MODULES].sort());
    const nonce = crypto.randomBytes(8).toString('hex');
    const bound = await call(full, 'GET', '/v1/runtime/attestation', { url: `/v1/runtime/attestation?nonce=${nonce}`, expect: 200 });
    assert.equal(bound.value.nonce, nonce);
    assert.equal(await errorCode(full, 'GET', '/v1/runtime/attestation', { url: '/v1/runtime/attestation?nonce=', expect: 400 }), 'invalid_nonce');
    assert.equal(await errorCode(full, 'GET', '/v1/runtime/attestation', { url: `/v1/runtime/attestation?nonce=${'n'.repeat(257)}`, expect: 400 }), 'invalid_nonce');
    const bareAtt = await call(bare, 'GET', '/v1/runtime/attestation', { expect: 200 });
    assert.deepEqual(bareAtt.value.loaded_modules, []);

    const beat = { cryftgo_version: '1.2.0', node_id: 'NodeID-openapi', timestamp: Date.now() };
    await call(full, 'POST', '/v1/runtime/heartbeat', { body: beat, valid: true, expect: 200 });
    await call(full, 'POST', '/v1/runtime/heartbeat', { body: {}, valid: true, expect: 200 });
    assert.equal(await errorCode(full, 'POST', '/v1/runtime/heartbeat', { body: { timestamp: 'soon' }, expect: 400 }), 'invalid_field');
    assert.equal(await errorCode(full, 'POST', '/v1/runtime/heartbeat', { raw: '[1]', expect: 400 }), 'invalid_json');
    assert.equal(await errorCode(full, 'POST', '/v1/runtime/heartbeat', { raw: '{"a":1,"a":2}', expect: 400 }), 'invalid_json');
    assert.equal(await errorCode(full, 'POST', '/v1/runtime/heartbeat', { body: { node_id: 'N'.repeat(129) }, expect: 400 }), 'field_too_long');
    assert.equal(await errorCode(full, 'POST', '/v1/runtime/heartbeat', { oversized: true, expect: 413 }), 'payload_too_large');

    const conn = await call(full, 'GET', '/v1/runtime/connection', { expect: 200 });
    assert.equal(conn.value.cryftgo_node_id, 'NodeID-openapi');
    assert.ok(conn.value.error_count > 0, 'the invalid requests above were counted');
  });

  const keys = {};

  test('staking: register', async () => {
    const bls = await call(full, 'POST', '/v1/staking/bls/register', { body: { mode: 0, label: 'openapi' }, valid: true, expect: 200 });
    keys.bls = bls.value;
    const imported = await call(full, 'POST', '/v1/staking/bls/register', { body: { module_id: 'web3signer_v1', action: 'generate' }, valid: true, expect: 200 });
    assert.equal(imported.value.backend, 'web3signer');
    keys.w3s = imported.value;
    keys.tls = (await call(full, 'POST', '/v1/staking/tls/register', { body: { mode: 0 }, valid: true, expect: 200 })).value;
    const p256 = await call(full, 'POST', '/v1/staking/tls/register', { body: { key_type: 'p256', purpose: 'openapi' }, valid: true, expect: 200 });
    assert.equal(p256.value.key_type, 'p256');

    // Imports: a raw BLS secret (below the group order) and a raw secp256k1 scalar.
    const blsSecret = crypto.randomBytes(32);
    blsSecret[0] &= 0x3f;
    const blsImport = await call(full, 'POST', '/v1/staking/bls/register', { body: { mode: 1, key_material: b64(blsSecret), key_type: 'bls' }, valid: true, expect: 200 });
    assert.equal(blsImport.value.key_type, 'BLS');
    const ecSecret = crypto.randomBytes(32);
    ecSecret[0] &= 0x7f;
    await call(full, 'POST', '/v1/staking/tls/register', { body: { action: 'import', key_material: b64(ecSecret) }, valid: true, expect: 200 });

    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/register', { body: { mode: 7 }, expect: 400 }), 'invalid_mode');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/register', { body: { module_id: 'no_such_module' }, expect: 404 }), 'module_not_found');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/register', { body: { module_id: 'debug_v1' }, expect: 400 }), 'capability_not_supported');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/register', { body: { mode: 1 }, expect: 400 }), 'missing_key_material');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/tls/register', { body: { key_type: 'rsa' }, expect: 400 }), 'invalid_key_type');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/tls/register', { body: { csr_pem: 5 }, expect: 400 }), 'invalid_csr');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/tls/register', { body: { label: 'x'.repeat(257) }, expect: 400 }), 'field_too_long');
    assert.equal(await errorCode(bare, 'POST', '/v1/staking/tls/register', { body: {}, expect: 503 }), 'no_module_for_capability');
  });

  test('staking: sign', async () => {
    const message = crypto.randomBytes(40);
    const byHandle = await call(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: keys.bls.key_handle, message: b64(message) }, valid: true, expect: 200 });
    const byPubkey = await call(full, 'POST', '/v1/staking/bls/sign', { body: { pubkey: keys.bls.public_key, data: b64(message) }, valid: true, expect: 200 });
    assert.equal(byHandle.value.signature_hex, byPubkey.value.signature_hex);
    await call(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: keys.bls.key_handle, type: 'PROOF_OF_POSSESSION' }, valid: true, expect: 200 });
    await call(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: keys.bls.key_handle, message: '0x' + message.toString('hex'), message_encoding: 'hex', signature_encoding: 'base64' }, valid: true, expect: 200 });
    const viaW3s = await call(full, 'POST', '/v1/staking/bls/sign', { body: { module_id: 'web3signer_v1', key_handle: keys.w3s.key_handle, message: b64(message) }, valid: true, expect: 200 });
    assert.equal(viaW3s.value.signed_by, 'local-vault');

    // Typed eth2 requests through web3signer_v1 go to Web3Signer; its refusals carry upstream_status.
    const standInKey = JSON.parse((await full.raw('GET', '/api/v1/eth2/publicKeys')).text)[0];
    const typed = { module_id: 'web3signer_v1', pubkey: standInKey, ...RANDAO };
    const viaTyped = await call(full, 'POST', '/v1/staking/bls/sign', { body: typed, valid: true, expect: 200 });
    assert.equal(viaTyped.value.signed_by, 'web3signer');
    const unknown = await call(full, 'POST', '/v1/staking/bls/sign', { body: { ...typed, pubkey: `0x${'ab'.repeat(48)}` }, expect: 404 });
    assert.equal(unknown.value.code, 'web3signer_key_not_found');
    assert.equal(unknown.value.upstream_status, 404);
    const malformed = await call(full, 'POST', '/v1/staking/bls/sign', { body: { ...typed, type: 'NO_SUCH_TYPE' }, expect: 400 });
    assert.equal(malformed.value.code, 'invalid_eth2_request');

    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: 'bls-0000000000000000', message: b64(message) }, expect: 404 }), 'key_not_found');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: keys.bls.key_handle, message: '!not base64!' }, expect: 400 }), 'invalid_base64');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: keys.bls.key_handle, message: b64(message), dst: 'other' }, expect: 400 }), 'invalid_dst');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/sign', { body: { key_handle: 'k'.repeat(129) }, expect: 400 }), 'field_too_long');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/sign', { raw: 'not json', expect: 400 }), 'invalid_json');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/sign', { oversized: true, expect: 413 }), 'payload_too_large');

    const digest = crypto.randomBytes(32);
    const der = await call(full, 'POST', '/v1/staking/tls/sign', { body: { key_handle: keys.tls.key_handle, digest: b64(digest), algorithm: 'ecdsa-sha256' }, valid: true, expect: 200 });
    assert.match(der.value.signature_hex, /^0x30/);
    const compact = await call(full, 'POST', '/v1/staking/tls/sign', { body: { key_handle: keys.tls.key_handle, digest: b64(digest), format: 'compact' }, valid: true, expect: 200 });
    assert.equal(compact.value.signature_hex.length, 2 + 128);
    assert.equal(await errorCode(full, 'POST', '/v1/staking/tls/sign', { body: { key_handle: keys.tls.key_handle, digest: b64(digest.subarray(0, 5)) }, expect: 400 }), 'invalid_digest');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/tls/sign', { body: { digest: b64(digest) }, expect: 400 }), 'missing_key_handle');
    assert.equal(await errorCode(full, 'POST', '/v1/staking/tls/sign', { body: { key_handle: keys.tls.key_handle, digest: b64(digest), algorithm: 'rsa' }, expect: 400 }), 'unsupported_algorithm');
    assert.equal(await errorCode(bare, 'POST', '/v1/staking/bls/sign', { body: { key_handle: keys.bls.key_handle, message: b64(message) }, expect: 503 }), 'no_module_for_capability');
  });

  test('staking: status and keys', async () => {
    const status = await call(full, 'GET', '/v1/staking/status', { expect: 200 });
    assert.equal(status.value.ready, true);
    assert.equal(status.value.keys.bls.available, true);
    const list = await call(full, 'GET', '/v1/staking/keys', { expect: 200 });
    assert.equal(list.value.keys.length, 6, JSON.stringify(list.value));
    // TLS keys carry the certificate registration answered and its NodeID (validated above).
    const tls = list.value.keys.find((k) => k.key_handle === keys.tls.key_handle);
    assert.equal(tls.certificate, keys.tls.certificate);
    assert.equal(tls.node_id, keys.tls.node_id);
    const first = list.value.keys.find((k) => k.key_handle === status.value.keys.tls.key_handle);
    assert.equal(status.value.keys.tls.node_id, first.node_id);
    assert.match(first.node_id, /^NodeID-/);
    const bareStatus = await call(bare, 'GET', '/v1/staking/status', { expect: 200 });
    assert.equal(bareStatus.value.ready, false);
    const bareKeys = await call(bare, 'GET', '/v1/staking/keys', { expect: 200 });
    assert.deepEqual(bareKeys.value.keys, []);
  });

  test('modules: schema, status panels, reload', async () => {
    const schema = await call(full, 'GET', '/v1/schema/modules', { expect: 200 });
    assert.equal(schema.value.modules.length, MODULES.length);
    await call(bare, 'GET', '/v1/schema/modules', { expect: 200 });
    const template = '/v1/modules/{id}/status-panel';
    for (const id of MODULES) {
      const panel = await call(full, 'GET', template, { url: `/v1/modules/${id}/status-panel`, expect: 200 });
      assert.equal(panel.value.module_id, id);
    }
    assert.equal(await errorCode(full, 'GET', template, { url: '/v1/modules/no_such_module/status-panel', expect: 404 }), 'module_not_found');

    const reload = '/v1/admin/reload-modules';
    await call(full, 'POST', reload, { expect: 200 });
    // A manifest entry whose hash no longer matches its signature: refused, not loaded.
    const manifest = JSON.parse(full.manifest);
    const debug = manifest.modules.find((m) => m.id === 'debug_v1');
    debug.hash = `sha256:${'0'.repeat(64)}`;
    full.writeManifest(JSON.stringify(manifest));
    const refused = await call(full, 'POST', reload, { expect: 200 });
    assert.ok(refused.value.refused.some((r) => r.id === 'debug_v1'), JSON.stringify(refused.value));
    const withReasons = await call(full, 'GET', '/v1/schema/modules', { expect: 200 });
    const entry = withReasons.value.modules.find((m) => m.id === 'debug_v1');
    assert.equal(entry.trusted, false);
    assert.ok(entry.verdicts.trusted.reasons.length > 0);
    assert.equal(await errorCode(full, 'GET', template, { url: '/v1/modules/debug_v1/status-panel', expect: 503 }), 'module_not_loaded');
    await call(full, 'GET', '/v1/staking/status', { expect: 200 });
    // A manifest that does not parse: 409, the current modules keep serving.
    full.writeManifest('{"version": 1, "modules": [');
    const broken = await call(full, 'POST', reload, { expect: 409 });
    assert.match(broken.value.error, /previously loaded modules stay active/);
    full.writeManifest(full.manifest);
    const restored = await call(full, 'POST', reload, { expect: 200 });
    assert.ok(restored.value.loaded_modules.includes('debug_v1'));
    assert.equal(await errorCode(full, 'POST', reload, { oversized: true, expect: 413 }), 'payload_too_large');
  });

  test('the Web3Signer face', async () => {
    const pubkeys = await call(full, 'GET', '/api/v1/eth2/publicKeys', { expect: 200 });
    assert.ok(pubkeys.value.length >= 1);
    const pk = pubkeys.value[0];
    const template = '/api/v1/eth2/sign/{identifier}';
    const randao = RANDAO;
    const json = await call(full, 'POST', template, { url: `/api/v1/eth2/sign/${pk}`, body: randao, valid: true, headers: { Accept: 'application/json' }, expect: 200 });
    const text = await call(full, 'POST', template, { url: `/api/v1/eth2/sign/${pk}`, body: randao, valid: true, headers: { Accept: 'text/plain' }, expect: 200 });
    assert.equal(text.value, json.value.signature);
    await call(full, 'POST', template, { url: `/api/v1/eth2/sign/0x${'ab'.repeat(48)}`, body: randao, expect: 404 });
    await call(full, 'POST', template, { url: '/api/v1/eth2/sign/0x-not-a-key', body: randao, expect: 404 });
    await call(full, 'POST', template, { url: `/api/v1/eth2/sign/${pk}`, body: { type: 'NO_SUCH_TYPE' }, expect: 400 });
    await call(full, 'POST', template, { url: `/api/v1/eth2/sign/${pk}`, body: { type: 'RANDAO_REVEAL' }, expect: 500 });
    assert.equal(await errorCode(full, 'POST', template, { url: `/api/v1/eth2/sign/${pk}`, oversized: true, expect: 413 }), 'payload_too_large');
    await call(bare, 'GET', '/api/v1/eth2/publicKeys', { expect: 404 });
    await call(bare, 'POST', template, { url: `/api/v1/eth2/sign/${pk}`, body: randao, expect: 404 });
  });

  test('Web3Signer down: readiness, the face and web3signer_v1 say so', async () => {
    await w3s.fault('down');
    try {
      let ready;
      for (let i = 0; i < 60; i++) {
        ready = await call(full, 'GET', '/readyz');
        if (ready.status === 503) break;
        await sleep(100);
      }
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.value.not_ready, ['web3signer']);
      await call(full, 'GET', '/api/v1/eth2/publicKeys', { expect: 503 });
      await call(full, 'POST', '/api/v1/eth2/sign/{identifier}', { url: `/api/v1/eth2/sign/${keys.w3s.public_key}`, body: { type: 'RANDAO_REVEAL' }, expect: 503 });
      assert.equal(await errorCode(full, 'POST', '/v1/staking/bls/register', { body: { module_id: 'web3signer_v1' }, expect: 503 }), 'http_connect_failed');
      await call(full, 'GET', '/v1/staking/status', { expect: 200 });
    } finally {
      await w3s.fault('none');
    }
  });

  test('server-wide failures (no route, bad HTTP, huge headers) are Error objects', async () => {
    const error = { $ref: '#/components/schemas/Error' };
    const noRoute = await full.raw('GET', '/v1/no/such/route');
    assert.equal(noRoute.status, 404);
    spec.validate(error, JSON.parse(noRoute.text), 'GET /v1/no/such/route');
    assert.equal(JSON.parse(noRoute.text).code, 'not_found');

    const huge = await full.raw('GET', '/healthz', undefined, { 'X-Padding': 'p'.repeat(17 * 1024) });
    assert.equal(huge.status, 431);
    spec.validate(error, JSON.parse(huge.text), '17 KiB of headers');
    assert.equal(JSON.parse(huge.text).code, 'headers_too_large');

    // Not HTTP at all: a raw socket, since node's client cannot send it.
    const answer = await new Promise((resolve, reject) => {
      const sock = net.connect(full.socket, () => sock.write('NOT HTTP AT ALL\r\n\r\n'));
      const chunks = [];
      sock.on('data', (c) => chunks.push(c));
      sock.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      sock.on('error', reject);
      sock.setTimeout(10000, () => sock.destroy(new Error('no answer to a malformed request')));
    });
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    spec.validate(error, body, 'a request that is not HTTP');
    assert.equal(body.code, 'bad_http_request');
  });

  test('a caller outside allowed_uids gets 403 caller_not_allowed on every route', async () => {
    // Allowed: one uid that is not this process's, so this process is refused.
    const guarded = new Daemon('guarded', {
      modules: false, readyStatus: 403, extraArgs: ['--allowed-uids', String(process.getuid() + 1)],
    });
    const error = { $ref: '#/components/schemas/Error' };
    try {
      await guarded.start();
      for (const { method, path: p } of spec.operations()) {
        const url = p.replace('{id}', 'bls_tls_signer_v1').replace('{identifier}', '0xab');
        const res = await guarded.raw(method, url, method === 'POST' ? '{}' : undefined);
        assert.equal(res.status, 403, `${method} ${url}: ${res.text}`);
        assert.equal(res.headers['content-type'], 'application/json');
        const body = JSON.parse(res.text);
        spec.validate(error, body, `${method} ${url} from a caller not allowed`);
        assert.equal(body.code, 'caller_not_allowed');
      }
    } finally {
      await guarded.stop();
    }
  });

  test('every route was answered with a success and with an error', () => {
    const missing = [];
    for (const { method, path: p } of spec.operations()) {
      const statuses = [...spec.seen].filter((s) => s.startsWith(`${method} ${p} `)).map((s) => Number(s.split(' ')[2]));
      if (!statuses.some((s) => s < 300)) missing.push(`${method} ${p}: no success`);
      if (!statuses.some((s) => s >= 400)) missing.push(`${method} ${p}: no error`);
    }
    assert.deepEqual(missing, []);
  });
});
