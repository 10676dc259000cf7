#!/usr/bin/env node
// A Web3Signer (eth2 mode) stand-in for tests, built from ../shared/reference/web3signer.md:
// the routes cryfttee uses, with Web3Signer's identifier normalisation, content negotiation,
// reason-phrase error bodies, status order 400 -> 500 -> 404 -> 412, health JSON, keymanager
// import with real EIP-2335 decryption, recomputed signing roots (signing_root.mjs), in-memory
// slashing protection (slashing.mjs), and signatures made by @chainsafe/blst.
//
// Usage: server.mjs [--port N] [--host 127.0.0.1] [--network mainnet|minimal]
//                   [--raw-key HEX]... [--tls-cert PEM --tls-key PEM]
// Prints one JSON line {"port":N,"control_port":M,"pid":P} on stdout once listening.
//
// A second loopback listener (control_port) lets the test steer it:
//   POST /fault {"mode":"none|down|slow|5xx|garbage|reset|health_down","delay_ms":N}
//        down closes the listener and every open connection (Web3Signer died); none restores.
//   POST /keys {"secret_keys":["hex"]}   load raw keys (keys Web3Signer "already has")
//   GET  /state   {"keys":[...],"requests":[{"method","path","status"}],"signed":N}
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { SecretKey } from '@chainsafe/blst';
import { computeSigningRoot, NETWORKS, RequestError } from './signing_root.mjs';
import { decryptKeystore } from './keystore.mjs';
import { SlashingProtection } from './slashing.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const allOptions = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));

const network = NETWORKS[option('--network', 'mainnet')];
if (!network) {
  console.error('unknown --network');
  process.exit(2);
}
const host = option('--host', '127.0.0.1');
const tls = option('--tls-cert') ? { cert: readFileSync(option('--tls-cert')), key: readFileSync(option('--tls-key')) } : null;

const keys = new Map();  // normalised pubkey -> {sk, readonly, path}
const slashing = new SlashingProtection();
const requests = [];
let signed = 0;
let fault = { mode: 'none', delayMs: 0 };

const toHex = (u8) => '0x' + Buffer.from(u8).toString('hex');

function addKey(secret, readonly, path = null) {
  const sk = SecretKey.fromBytes(secret);
  const pubkey = toHex(sk.toPublicKey().toBytes(true));
  if (keys.has(pubkey)) return { pubkey, duplicate: true };
  keys.set(pubkey, { sk, readonly, path });
  return { pubkey, duplicate: false };
}
for (const raw of allOptions('--raw-key')) addKey(Buffer.from(raw.replace(/^0x/, ''), 'hex'), true);

// IdentifierUtils.normaliseIdentifier: lower case, 0x added when missing.
function normaliseIdentifier(id) {
  const lower = decodeURIComponent(id).toLowerCase();
  return lower.startsWith('0x') ? lower : '0x' + lower;
}

// Vert.x's unhandledFailure: the status, and the reason phrase as the whole body, no Content-Type.
function fail(res, status) {
  send(res, status, null, http.STATUS_CODES[status]);
}

// Vert.x frames answers with Content-Length; so do we (no chunked encoding).
function send(res, status, contentType, text) {
  const body = Buffer.from(text, 'utf8');
  const headers = { 'Content-Length': body.length };
  if (contentType) headers['Content-Type'] = contentType;
  res.writeHead(status, headers);
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function acceptEntries(req) {
  const accept = req.headers.accept;
  if (accept === undefined) return null;
  return accept.split(',').map((e) => e.split(';')[0].trim().toLowerCase()).filter((e) => e.length > 0);
}

// A route registered with .produces(type): an Accept header that admits none of it gets 406.
function produces(req, type) {
  const entries = acceptEntries(req);
  if (entries === null || entries.length === 0) return true;
  const [major] = type.split('/');
  return entries.some((e) => e === type || e === '*/*' || e === `${major}/*`);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 10 * 1024 * 1024) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function health() {
  const up = fault.mode !== 'health_down';
  const status = up ? 'UP' : 'DOWN';
  return {
    code: up ? 200 : 503,
    body: {
      status,
      checks: [
        { id: 'default-check', status: 'UP' },
        {
          id: 'keys-check',
          status,
          checks: [{ id: 'config-files-loading', status, data: { 'keys-loaded': keys.size, 'error-count': up ? 0 : 1 } }],
        },
      ],
      outcome: status,
    },
  };
}

async function sign(req, res, identifier) {
  const parsed = parseJson(await readBody(req));
  if (!parsed.ok) return fail(res, 400);
  let request;
  try {
    request = computeSigningRoot(parsed.value, network);  // 400, then 500 (root mismatch)
  } catch (e) {
    if (e instanceof RequestError) return fail(res, e.status);
    return fail(res, 500);
  }
  const pubkey = normaliseIdentifier(identifier);
  const key = keys.get(pubkey);
  if (!key) return fail(res, 404);
  if (slashing.check(pubkey, request) !== null) return fail(res, 412);
  const signature = toHex(key.sk.sign(request.root).toBytes(true));
  signed += 1;
  // getAcceptableContentType: JSON when any Accept entry is application/json or */*, else text.
  const entries = acceptEntries(req) ?? [];
  if (entries.some((e) => e === 'application/json' || e === '*/*')) {
    return sendJson(res, 200, { signature });
  }
  send(res, 200, 'text/plain; charset=utf-8', signature);
}

async function importKeystores(req, res) {
  const parsed = parseJson(await readBody(req));
  const body = parsed.value;
  if (!parsed.ok || body === null || typeof body !== 'object' || !Array.isArray(body.keystores) || !Array.isArray(body.passwords)) {
    return fail(res, 400);
  }
  if (body.keystores.length !== body.passwords.length) return fail(res, 400);
  if (body.slashing_protection !== undefined && body.slashing_protection !== null) {
    const interchange = parseJson(String(body.slashing_protection));
    if (!interchange.ok || !interchange.value.metadata) return fail(res, 400);
  }
  const data = body.keystores.map((text, i) => {
    try {
      const { secret, path } = decryptKeystore(String(text), String(body.passwords[i]));
      const { duplicate } = addKey(secret, false, path);
      return { status: duplicate ? 'duplicate' : 'imported', message: null };
    } catch (e) {
      return { status: 'error', message: e.message };
    }
  });
  sendJson(res, 200, { data });
}

function listKeystores(res) {
  const data = [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([pubkey, k]) => ({ validating_pubkey: pubkey, derivation_path: k.path, readonly: k.readonly }));
  sendJson(res, 200, { data });
}

async function deleteKeystores(req, res) {
  const parsed = parseJson(await readBody(req));
  if (!parsed.ok || !Array.isArray(parsed.value?.pubkeys)) return fail(res, 400);
  const data = parsed.value.pubkeys.map((raw) => {
    const pubkey = normaliseIdentifier(String(raw));
    const key = keys.get(pubkey);
    if (!key) return { status: 'not_found', message: '' };
    if (key.readonly) return { status: 'error', message: `Unable to delete readonly key: ${pubkey}` };
    keys.delete(pubkey);
    slashing.disable(pubkey);
    return { status: 'deleted', message: '' };
  });
  sendJson(res, 200, { data, slashing_protection: JSON.stringify({ metadata: { interchange_format_version: '5' }, data: [] }) });
}

async function route(req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  // HostAllowListHandler: the default allowlist is localhost,127.0.0.1 (port ignored).
  const hostName = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (hostName !== 'localhost' && hostName !== '127.0.0.1') {
    return sendJson(res, 403, { message: 'Host not authorized.' });
  }
  if (path === '/upcheck' && req.method === 'GET') {
    if (!produces(req, 'text/plain')) return fail(res, 406);
    return send(res, 200, 'text/plain; charset=utf-8', 'OK');
  }
  if (path === '/healthcheck' && req.method === 'GET') {
    const { code, body } = health();
    return sendJson(res, code, body);
  }
  if (path === '/api/v1/eth2/publicKeys' && req.method === 'GET') {
    if (!produces(req, 'application/json')) return fail(res, 406);
    return sendJson(res, 200, [...keys.keys()]);
  }
  const signMatch = /^\/api\/v1\/eth2\/sign\/([^/]+)$/.exec(path);
  if (signMatch && req.method === 'POST') return sign(req, res, signMatch[1]);
  if (path === '/eth/v1/keystores') {
    if (req.method === 'GET') return listKeystores(res);
    if (req.method === 'POST') return importKeystores(req, res);
    if (req.method === 'DELETE') return deleteKeystores(req, res);
    return fail(res, 405);
  }
  return fail(res, 404);
}

const sockets = new Set();
async function handle(req, res) {
  const entry = { method: req.method, path: req.url, status: 0 };
  requests.push(entry);
  res.on('finish', () => {
    entry.status = res.statusCode;
  });
  const mode = fault.mode;
  if (mode === 'reset') {
    req.socket.resetAndDestroy();
    return;
  }
  if (mode === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
  if (mode === '5xx') return fail(res, 503);
  if (mode === 'garbage') {
    return send(res, 200, 'application/json; charset=utf-8', '\u0000{"signature": <<garbage>> \u00ff');
  }
  try {
    await route(req, res);
  } catch {
    if (!res.headersSent) fail(res, 500);
  }
}

const server = tls ? https.createServer(tls, handle) : http.createServer(handle);
server.keepAliveTimeout = 30000;  // Web3Signer's idle timeout
server.on(tls ? 'secureConnection' : 'connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

let port = Number(option('--port', '0'));
function listen() {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      port = server.address().port;
      resolve();
    });
  });
}

async function setFault(mode, delayMs) {
  const wasDown = fault.mode === 'down';
  fault = { mode, delayMs: delayMs ?? 0 };
  if (mode === 'down' && !wasDown) {
    await new Promise((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy();
    });
  } else if (mode !== 'down' && wasDown) {
    await listen();
  }
}

const control = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (req.method === 'POST' && url.pathname === '/fault') {
      const body = JSON.parse((await readBody(req)) || '{}');
      await setFault(body.mode ?? 'none', body.delay_ms);
      return sendJson(res, 200, { mode: fault.mode });
    }
    if (req.method === 'POST' && url.pathname === '/keys') {
      const body = JSON.parse(await readBody(req));
      const added = (body.secret_keys ?? []).map((h) => addKey(Buffer.from(h.replace(/^0x/, ''), 'hex'), true).pubkey);
      return sendJson(res, 200, { pubkeys: added });
    }
    if (req.method === 'GET' && url.pathname === '/state') {
      return sendJson(res, 200, { keys: [...keys.keys()], requests, signed, fault: fault.mode });
    }
    sendJson(res, 404, { error: 'unknown control route' });
  } catch (e) {
    sendJson(res, 400, { error: e.message });
  }
});

await listen();
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port, control_port: control.address().port, pid: process.pid }) + '\n');
});
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
