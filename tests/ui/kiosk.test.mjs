// Browser tests of the kiosk: the real daemon (build/bin/cryfttee) on a temporary Unix socket and
// a free loopback port, driven by Debian chromium through playwright-core.
//
// Every assertion compares what the page shows with what the API answers over the Unix socket,
// so the page cannot pass by showing something plausible. Screenshots go to artifacts/.
//
// Run: ctest -R kiosk_browser (needs `npm ci` for playwright-core and /usr/bin/chromium).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BUILD = process.env.CRYFTTEE_BUILD_DIR;
const SOURCE = process.env.CRYFTTEE_SOURCE_DIR;
const CHROMIUM = process.env.CRYFTTEE_CHROMIUM || '/usr/bin/chromium';
const SIGNER = 'bls_tls_signer_v1';
const ADDED = 'debug_v1';

if (!BUILD || !SOURCE) throw new Error('CRYFTTEE_BUILD_DIR and CRYFTTEE_SOURCE_DIR must be set (ctest sets them)');

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  throw new Error(`playwright-core is not installed: run \`npm ci\` in ${SOURCE} (${e.message})`);
}
if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/install-deps.sh`);

const ARTIFACTS = path.join(SOURCE, 'artifacts', 'kiosk');
fs.mkdirSync(ARTIFACTS, { recursive: true });

// ---- helpers ---------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function request(options, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...options, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`timeout: ${options.method} ${options.path}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what, fn, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

function verdict(entry, name) {
  const v = entry.verdicts ? entry.verdicts[name] : entry[name];
  if (typeof v === 'boolean') return { ok: v, reasons: entry[`${name}_reasons`] || [] };
  if (v && typeof v === 'object') return { ok: Boolean(v.ok), reasons: v.reasons || [] };
  throw new Error(`schema entry ${entry.id} has no "${name}" verdict`);
}

function reasonText(r) {
  return typeof r === 'string' ? r : r.message;
}

// ---- the daemon --------------------------------------------------------------------------------

class Daemon {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cryfttee-kiosk-'));
    this.socket = path.join(this.dir, 'cryfttee.sock');
    this.moduleDir = path.join(this.dir, 'modules');
    this.logFile = path.join(this.dir, 'daemon.log');
    this.signed = JSON.parse(fs.readFileSync(path.join(BUILD, 'modules', 'manifest.json'), 'utf8'));
    for (const id of [SIGNER, ADDED]) {
      const from = path.join(BUILD, 'modules', id);
      const to = path.join(this.moduleDir, id);
      fs.mkdirSync(to, { recursive: true });
      for (const f of ['module.wasm', 'module.json']) fs.copyFileSync(path.join(from, f), path.join(to, f));
    }
  }

  writeManifest(ids) {
    const manifest = { ...this.signed, modules: this.signed.modules.filter((m) => ids.includes(m.id)) };
    assert.equal(manifest.modules.length, ids.length, `the build's signed manifest lacks one of ${ids}`);
    fs.writeFileSync(path.join(this.moduleDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }

  async start(port) {
    this.port = port;
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRYFTTEE_')));
    const log = fs.openSync(this.logFile, 'a');
    this.proc = spawn(path.join(BUILD, 'bin', 'cryfttee'), [
      '--uds-path', this.socket,
      '--data-dir', path.join(this.dir, 'data'),
      '--module-dir', this.moduleDir,
      '--trust-config', path.join(BUILD, 'config', 'trust.toml'),
      '--kiosk-addr', `127.0.0.1:${port}`,
      '--log-level', 'info',
      '--shutdown-grace-seconds', '2',
      // No --ui-dir: the default (<build>/ui, copied by the build) is what is tested.
    ], { env, stdio: ['ignore', log, log] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve(code ?? sig)));
    await waitUntil('the daemon to answer on its socket and kiosk port', async () => {
      if (this.proc.exitCode !== null) throw new Error(`daemon exited:\n${this.log()}`);
      const api = await this.api('GET', '/v1/runtime/connection');
      const page = await this.kiosk('GET', '/');
      return api.status === 200 && page.status === 200;
    }, 20000);
  }

  log() {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  api(method, p, body) {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
    return request({ socketPath: this.socket, method, path: p, headers }, body === undefined ? undefined : JSON.stringify(body));
  }

  async apiOk(method, p, body) {
    const r = await this.api(method, p, body);
    assert.equal(r.status, 200, `${method} ${p} over the socket: ${r.text}`);
    return r.json;
  }

  kiosk(method, p, { headers = {}, body } = {}) {
    return request({
      host: '127.0.0.1', port: this.port, method, path: p,
      headers: { Host: `127.0.0.1:${this.port}`, ...headers },
    }, body);
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 8000);
      await this.exited;
      clearTimeout(t);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- the suite ------------------------------------------------------------------------------------

describe('kiosk', () => {
  const daemon = new Daemon();
  let context;
  let page;
  const problems = []; // console errors, page errors, failed requests
  const t0 = Date.now();

  before(async () => {
    daemon.writeManifest([SIGNER]);
    await daemon.start(await freePort());
    // Real keys, so the Keys section and the signer's panel have something to show.
    await daemon.apiOk('POST', '/v1/staking/bls/register', { mode: 0 });
    await daemon.apiOk('POST', '/v1/staking/tls/register', { mode: 0 });

    context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(daemon.dir, 'chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 900 },
    });
    page = watch(context.pages()[0] || await context.newPage());
  });

  // Console errors and warnings, uncaught exceptions, failed or refused requests of a page.
  function watch(p) {
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    p.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    return p;
  }

  after(async () => {
    if (context) await context.close();
    if (process.exitCode) process.stderr.write(`--- daemon log ---\n${daemon.log()}\n`);
    await daemon.stop();
    process.stderr.write(`kiosk browser suite: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  const url = (p = '/') => `http://127.0.0.1:${daemon.port}${p}`;

  async function shot(name, options = {}) {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, ...options });
  }

  async function rowOf(id) {
    const row = page.locator(`#modules-body tr[data-module-id="${id}"]`);
    await row.waitFor({ timeout: 10000 });
    return row;
  }

  test('the page loads with no console errors', async () => {
    await page.goto(url('/'), { waitUntil: 'load' });
    await page.waitForSelector('#live-pill[data-state="live"]', { timeout: 10000 });
    await page.waitForSelector('#schema-body details', { timeout: 10000 });
    // Let two polling rounds pass so errors of the live refresh are caught too.
    await sleep(4500);
    assert.deepEqual(problems, []);
    await shot('kiosk-desktop');
  });

  test('every section shows the daemon\'s real data', async () => {
    const [status, attestation, schema] = await Promise.all([
      daemon.apiOk('GET', '/v1/staking/status'),
      daemon.apiOk('GET', '/v1/runtime/attestation'),
      daemon.apiOk('GET', '/v1/schema/modules'),
    ]);

    // Modules table, from the schema (verdicts, publisher, hash) and status (defaults).
    assert.ok(schema.modules.length >= 1);
    for (const m of schema.modules) {
      const row = await rowOf(m.id);
      assert.equal((await row.locator('td[data-label="Version"]').textContent()).trim(), m.version);
      assert.equal(verdict(m, 'trusted').ok, m.trusted, 'schema: flat and full verdicts agree');
      const publisher = m.publisher_id ?? m.publisherId ?? m.publisher;
      assert.equal((await row.locator('td[data-label="Publisher"]').textContent()).trim(), publisher);
      for (const [name, label] of [['trusted', 'Trusted'], ['compatible', 'Compatible'], ['loaded', 'Loaded']]) {
        const v = verdict(m, name);
        const text = await row.locator(`td[data-label="${label}"] .badge`).textContent();
        assert.match(text, v.ok ? /yes/ : /no/, `${m.id} ${name}`);
      }
      assert.equal(await row.locator('td[data-label="Hash"] code').first().getAttribute('title'), m.hash);
      const caps = await row.locator('td[data-label="Capabilities"] li').allTextContents();
      assert.deepEqual(caps, m.capabilities);
    }
    const signerRow = await rowOf(SIGNER);
    const defaults = await signerRow.locator('td[data-label="Default for"] li').allTextContents();
    assert.deepEqual(defaults, Object.keys(status.defaults).filter((k) => status.defaults[k] === SIGNER).sort());
    assert.ok(defaults.includes('bls') && defaults.includes('tls'));

    // Attestation.
    const att = page.locator('#attestation-body');
    assert.ok((await att.textContent()).includes(attestation.core_binary_hash));
    assert.ok((await att.textContent()).includes(attestation.manifest_hash));
    assert.equal(attestation.binary_hash_source, 'self'); // the test starts it without a launcher
    assert.ok(await att.locator('.warning').isVisible(), 'the "self" warning is visible');
    for (const [id, hash] of Object.entries(attestation.module_hashes)) {
      assert.equal(await att.locator(`#module-hashes tr[data-module-id="${id}"] code`).textContent(), hash);
    }

    // Keys.
    for (const kind of ['bls', 'tls']) {
      const key = status.keys[kind];
      assert.ok(key.available, `${kind} key registered`);
      const block = page.locator(`#keys-body [data-key="${kind}"]`);
      const text = await block.textContent();
      assert.ok(text.includes(key.public_key), `${kind} public key shown`);
      assert.ok(text.includes(key.key_handle), `${kind} handle shown`);
    }
    // The registered TLS key's NodeID and certificate, as the API reports them: never "unknown"
    // while a TLS key with a certificate is registered.
    assert.match(status.keys.tls.node_id, /^NodeID-/);
    assert.equal(await page.locator('#tls-node-id code').getAttribute('title'), status.keys.tls.node_id);
    assert.equal(await page.locator('#keys-body .cert-pem').textContent(), status.keys.tls.certificate);
    assert.ok(!(await page.locator('#keys-body').textContent()).includes('NodeID: '), 'no "NodeID unknown" hint');

    // Every key of the vault, with its counters.
    const vault = await daemon.apiOk('GET', '/v1/staking/keys');
    assert.equal(vault.keys.length, 2);
    await page.click('#keys-body .all-keys summary');
    for (const k of vault.keys) {
      const row = page.locator(`#all-keys tr[data-key-handle="${k.key_handle}"]`);
      assert.equal(await row.locator('td[data-label="Public key"] code').first().getAttribute('title'), k.public_key);
      assert.equal((await row.locator('td[data-label="Signatures"]').textContent()).trim(), String(k.sign_count));
      assert.equal((await row.locator('td[data-label="Backend"]').textContent()).trim(), k.backend);
      if (k.node_id) assert.equal(await row.locator('td[data-label="NodeID"] code').getAttribute('title'), k.node_id);
    }

    // gRPC signer: off here (no --rpcsigner-addr), and the card says how to turn it on.
    assert.equal(status.rpcsigner.enabled, false);
    assert.equal(attestation.rpcsigner.enabled, false);
    assert.match(await page.locator('#rpcsigner-body .badge').textContent(), /Off/);
    const rpc = await page.locator('#rpcsigner-body').textContent();
    assert.ok(rpc.includes('--rpcsigner-addr'), 'the card names the flag');
    // KMS operator mode: off here (no [kms] listen_addr), and the card says how to turn it on.
    assert.equal(status.kms.enabled, false);
    assert.match(await page.locator('#kms-body .badge').textContent(), /Off/);
    assert.ok((await page.locator('#kms-body').textContent()).includes('listen_addr'));

    // Status panels: every loaded module's panel, item by item.
    for (const m of status.modules.filter((x) => x.loaded)) {
      const panel = await daemon.apiOk('GET', `/v1/modules/${m.id}/status-panel`);
      const card = page.locator(`#panels-body article[data-module-id="${m.id}"]`);
      assert.equal((await card.locator('h3').textContent()).trim(), panel.title);
      const headings = await card.locator('h4').allTextContents();
      assert.deepEqual(headings, panel.sections.map((s) => s.heading));
      const text = await card.textContent();
      for (const item of panel.sections.flatMap((s) => s.items)) {
        if (item.type === 'key_value') assert.ok(text.includes(item.key), `panel key ${item.key}`);
        if (item.type === 'public_key') assert.ok(text.includes(item.public_key), 'panel public key');
        if (item.type === 'status_indicator') assert.ok(text.includes(item.message), `indicator ${item.message}`);
      }
    }

    // Schema inspector.
    await page.click('#schema-expand');
    const schemaText = await page.locator('#schema-body').textContent();
    for (const m of schema.modules) {
      assert.ok(schemaText.includes(JSON.stringify(m.id)), `schema shows ${m.id}`);
      assert.ok(schemaText.includes(JSON.stringify(m.hash)), `schema shows the hash of ${m.id}`);
    }
  });

  test('a heartbeat sent through the API shows up without a page reload', async () => {
    await page.evaluate(() => { window.__kioskMarker = 'same-document'; });
    const before = await daemon.apiOk('GET', '/v1/runtime/connection');
    assert.equal(before.connected, false);
    const nodeId = 'NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg';
    await daemon.apiOk('POST', '/v1/runtime/heartbeat',
      { cryftgo_version: 'kiosk-test/1.2.3', node_id: nodeId, timestamp: Date.now() });
    await page.waitForFunction(
      () => document.querySelector('#connection-body')?.textContent.includes('kiosk-test/1.2.3'),
      null, { timeout: 8000 });
    const conn = await daemon.apiOk('GET', '/v1/runtime/connection');
    const text = await page.locator('#connection-body').textContent();
    assert.ok(text.includes('Connected') && !text.includes('Not connected'));
    assert.ok(text.includes(nodeId));
    assert.ok(text.includes(`${conn.latency_ms} ms`));
    assert.equal(await page.evaluate(() => window.__kioskMarker), 'same-document', 'the page was not reloaded');
  });

  test('the last-hour panel draws the signing load, requests and heartbeats it was given', async () => {
    const status = await daemon.apiOk('GET', '/v1/staking/status');
    const digest = Buffer.alloc(32, 7).toString('base64');
    for (let i = 0; i < 40; i += 1) {
      await daemon.apiOk('POST', '/v1/staking/bls/sign',
        { key_handle: status.keys.bls.key_handle, message: Buffer.from(`load ${i}`).toString('base64') });
      if (i % 2 === 0) {
        await daemon.apiOk('POST', '/v1/staking/tls/sign', { key_handle: status.keys.tls.key_handle, digest });
      }
    }
    await daemon.apiOk('POST', '/v1/runtime/heartbeat',
      { cryftgo_version: 'kiosk-test/1.2.3', node_id: 'NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg', timestamp: Date.now() });

    // What the daemon serves the page (behind the kiosk's Host check; not on the API socket).
    const live = await daemon.kiosk('GET', '/kiosk/live');
    assert.equal(live.status, 200, live.text);
    assert.equal((await daemon.kiosk('GET', '/kiosk/live', { headers: { Host: 'rebind.example:80' } })).status, 421);
    assert.equal((await daemon.api('GET', '/kiosk/live')).status, 404);
    const hour = live.json.hour;
    assert.equal(hour.signing.bls.count, 40);
    assert.equal(hour.signing.tls.count, 20);
    assert.ok(hour.heartbeats >= 2 && hour.requests >= 62, JSON.stringify(hour));
    assert.ok(hour.signing.bls.p50_ms > 0 && hour.signing.bls.p50_ms <= hour.signing.bls.p99_ms);

    // The page draws one point per slot, key type and quantile, at the values served.
    const expected = [];
    for (const slot of live.json.slots) {
      for (const [type, s] of Object.entries(slot.signing)) {
        expected.push({ type, q: 'p50', t: slot.t, ms: s.p50_ms }, { type, q: 'p99', t: slot.t, ms: s.p99_ms });
      }
    }
    assert.ok(expected.length >= 4, JSON.stringify(live.json.slots));
    await page.waitForFunction((want) => want.every((p) => {
      const c = document.querySelector(`#chart-latency g[data-key-type="${p.type}"][data-q="${p.q}"] circle[data-t="${p.t}"]`);
      return c && Number(c.dataset.ms) === p.ms && Number.isFinite(Number(c.getAttribute('cy')));
    }), expected, { timeout: 8000 });
    const drawn = await page.evaluate(() => ({
      points: document.querySelectorAll('#chart-latency circle.pt').length,
      bars: [...document.querySelectorAll('#chart-requests rect.bar[data-requests]')].reduce((n, r) => n + Number(r.dataset.requests), 0),
      beats: document.querySelectorAll('#chart-heartbeats rect.beat').length,
      // A slower point sits higher (log scale, y grows downwards).
      ordered: [...document.querySelectorAll('#chart-latency g[data-key-type="bls"] circle.pt')]
        .every((a, _, all) => all.every((b) => Number(a.dataset.ms) <= Number(b.dataset.ms) || Number(a.getAttribute('cy')) < Number(b.getAttribute('cy')))),
    }));
    assert.equal(drawn.points, expected.length);
    assert.ok(drawn.bars >= 62, `request bars sum to ${drawn.bars}`);
    assert.ok(drawn.beats >= 1, 'a heartbeat tick is drawn');
    assert.ok(drawn.ordered, 'latency points are placed by value');
    const text = await page.locator('#activity-body').textContent();
    assert.ok(text.includes('40 signatures') && text.includes('20 signatures'), text);

    // The screenshot lands in the build tree.
    const shotDir = path.join(BUILD, 'artifacts', 'kiosk');
    fs.mkdirSync(shotDir, { recursive: true });
    const file = path.join(shotDir, 'kiosk-last-hour.png');
    // The whole card, clipped from a full-page shot so the sticky header does not cover it.
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.evaluate(() => {
      const r = document.querySelector('#activity').getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
    });
    await page.screenshot({ path: file, fullPage: true, clip: box });
    assert.ok(fs.statSync(file).size > 5000, 'screenshot written');
  });

  test('reload works and shows an added module', async () => {
    assert.equal(await page.locator(`#modules-body tr[data-module-id="${ADDED}"]`).count(), 0);
    daemon.writeManifest([SIGNER, ADDED]);
    await page.click('#reload-button');
    const result = page.locator('#reload-result');
    await page.waitForFunction(() => /Added \(1\)/.test(document.querySelector('#reload-result')?.textContent || ''),
      null, { timeout: 10000 });
    assert.ok((await result.textContent()).includes(ADDED));
    const row = await rowOf(ADDED);
    assert.match(await row.locator('td[data-label="Loaded"] .badge').textContent(), /yes/);
    const att = await daemon.apiOk('GET', '/v1/runtime/attestation');
    assert.ok(att.loaded_modules.includes(ADDED));
    await page.waitForSelector(`#module-hashes tr[data-module-id="${ADDED}"]`, { timeout: 6000 });
    await shot('kiosk-after-reload');
  });

  test('a tampered module shows as untrusted with its reason', async () => {
    const wasm = path.join(daemon.moduleDir, ADDED, 'module.wasm');
    const bytes = fs.readFileSync(wasm);
    bytes[bytes.length - 1] ^= 0x01;
    fs.writeFileSync(wasm, bytes);
    await page.click('#reload-button');
    await page.waitForFunction(() => /Refused \(1\)/.test(document.querySelector('#reload-result')?.textContent || ''),
      null, { timeout: 10000 });
    const schema = await daemon.apiOk('GET', '/v1/schema/modules');
    const entry = schema.modules.find((m) => m.id === ADDED);
    const trusted = verdict(entry, 'trusted');
    assert.equal(trusted.ok, false);
    assert.ok(trusted.reasons.length > 0, 'the API gives a reason');
    const row = await rowOf(ADDED);
    await waitUntil('the row to show untrusted', async () =>
      /no/.test(await row.locator('td[data-label="Trusted"] .badge').textContent()));
    const reasons = await row.locator('td[data-label="Trusted"] .reasons').textContent();
    for (const r of trusted.reasons) assert.ok(reasons.includes(reasonText(r)), `reason "${reasonText(r)}" shown`);
    assert.match(await row.locator('td[data-label="Loaded"] .badge').textContent(), /no/);
    await shot('kiosk-tampered');
  });

  test('usable on a small kiosk screen, by keyboard', async () => {
    const small = watch(await context.newPage());
    try {
      await small.setViewportSize({ width: 480, height: 800 });
      await small.goto(url('/'), { waitUntil: 'load' });
      await small.waitForSelector(`#modules-body tr[data-module-id="${ADDED}"]`, { timeout: 10000 });
      // Nothing overflows the screen horizontally.
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
      // Keyboard: the skip link is the first stop; every control is reachable by Tab.
      await small.keyboard.press('Tab');
      assert.equal(await small.evaluate(() => document.activeElement?.className), 'skip-link');
      const reached = new Set();
      for (let i = 0; i < 80 && !reached.has('reload-button'); i++) {
        await small.keyboard.press('Tab');
        reached.add(await small.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
      }
      assert.ok(reached.has('reload-button'), 'the reload button is reachable by Tab');
      // The focused control has a visible focus ring.
      const outline = await small.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none');
      await small.screenshot({ path: path.join(ARTIFACTS, 'kiosk-small.png'), fullPage: false });
    } finally {
      await small.close();
    }
    assert.deepEqual(problems, [], 'no console errors during the whole session');
  });

  test('a foreign Host header and a reload without the token are refused', async () => {
    const foreign = await daemon.kiosk('GET', '/', { headers: { Host: `attacker.example:${daemon.port}` } });
    assert.equal(foreign.status, 421);
    assert.equal(foreign.json.code, 'host_not_allowed');
    const foreignApi = await daemon.kiosk('GET', '/v1/staking/status', { headers: { Host: 'attacker.example' } });
    assert.equal(foreignApi.status, 421);

    const reloadPath = '/v1/admin/reload-modules';
    const noToken = await daemon.kiosk('POST', reloadPath, { body: '{}' });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.json.code, 'csrf_token_missing');
    const wrong = await daemon.kiosk('POST', reloadPath, {
      headers: { 'X-CSRF-Token': 'f'.repeat(64), Cookie: `cryfttee_csrf_${daemon.port}=${'f'.repeat(64)}` }, body: '{}' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.code, 'csrf_token_invalid');

    // The token alone is not enough without its cookie, nor from another origin.
    const csrf = await daemon.kiosk('GET', '/kiosk/csrf');
    const { token } = csrf.json;
    const cookie = csrf.headers['set-cookie'][0].split(';')[0];
    assert.match(csrf.headers['set-cookie'][0], /SameSite=Strict/);
    assert.equal((await daemon.kiosk('POST', reloadPath, { headers: { 'X-CSRF-Token': token }, body: '{}' })).status, 403);
    const crossSite = await daemon.kiosk('POST', reloadPath, {
      headers: { 'X-CSRF-Token': token, Cookie: cookie, Origin: 'http://attacker.example' }, body: '{}' });
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.json.code, 'cross_origin_request');
    const good = await daemon.kiosk('POST', reloadPath, { headers: { 'X-CSRF-Token': token, Cookie: cookie }, body: '{}' });
    assert.equal(good.status, 200, good.text);
  });

  test('key registration, signing and heartbeat answer 404 on the kiosk', async () => {
    for (const p of ['/v1/staking/bls/register', '/v1/staking/bls/sign', '/v1/staking/tls/register',
      '/v1/staking/tls/sign', '/v1/runtime/heartbeat']) {
      for (const method of ['POST', 'GET']) {
        const r = await daemon.kiosk(method, p, { body: method === 'POST' ? '{}' : undefined });
        assert.equal(r.status, 404, `${method} ${p} on the kiosk`);
        // ... while the same route exists on the API socket.
      }
      const api = await daemon.api('POST', p, {});
      assert.notEqual(api.status, 404, `${p} exists on the API`);
    }
  });

  test('static files: content types, security headers, no traversal', async () => {
    const expectTypes = { '/': 'text/html', '/index.html': 'text/html', '/app.js': 'text/javascript', '/style.css': 'text/css' };
    for (const [p, type] of Object.entries(expectTypes)) {
      const r = await daemon.kiosk('GET', p);
      assert.equal(r.status, 200, p);
      assert.ok(r.headers['content-type'].startsWith(type), `${p}: ${r.headers['content-type']}`);
    }
    for (const p of ['/', '/v1/staking/status', '/nope.js']) {
      const r = await daemon.kiosk('GET', p);
      const csp = r.headers['content-security-policy'];
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['cache-control'], 'no-store');
    }
    for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd',
      '/%252e%252e/etc/passwd', '/.%2e/.%2e/etc/passwd', '/..\\..\\etc\\passwd', '/./index.html', '//etc/passwd',
      '/index.html%00.js']) {
      const r = await daemon.kiosk('GET', p);
      assert.ok(r.status === 404 || r.status === 400, `${p} answered ${r.status}`);
      assert.ok(!r.text.includes('root:'), `${p} leaked a file`);
    }
  });
});
