// cryfttee kiosk: renders the daemon's read-only views and drives module reload.
//
// Everything shown here comes from the daemon, and status panels come from WASM modules, so no
// data ever reaches innerHTML: every node is built with DOM APIs and filled with textContent.
// The page polls every POLL_MS; a section is rebuilt only when its data changed, so focus,
// open <details> and text selections survive a refresh.

const POLL_MS = 2000;
const SCHEMA_EVERY = 5; // polls between schema refreshes (it changes only on reload)
const MAX_TEXT = 4096; // longest string rendered from module-provided data
const MAX_PANEL_SECTIONS = 32;
const MAX_PANEL_ITEMS = 256;

const state = {
  status: null,
  attestation: null,
  connection: null,
  schema: null,
  keys: null, // GET /v1/staking/keys: every key, with the backend that holds it
  live: null, // GET /kiosk/live: the last hour in 10-second slots
  panels: new Map(), // module id -> panel JSON or {error}
  lastOk: 0,
  polls: 0,
  offline: false,
  lastAnnounced: {},
  rendered: {}, // section -> JSON string last rendered
};

// ---------------------------------------------------------------------------------------------
// DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = clip(value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(clip(child)));
  }
  return node;
}

function clip(value) {
  const s = String(value);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

function $(id) {
  return document.getElementById(id);
}

function replaceChildren(container, ...nodes) {
  container.replaceChildren(...nodes.flat().filter(Boolean));
}

// Re-renders `section` only when `data` differs from what is on screen.
function renderIfChanged(section, data, render) {
  const key = JSON.stringify(data ?? null);
  if (state.rendered[section] === key) return;
  state.rendered[section] = key;
  render();
}

function announce(message) {
  const node = $('announcer');
  node.textContent = '';
  // A separate task so screen readers notice the change even when the text repeats.
  setTimeout(() => { node.textContent = message; }, 50);
}

// ---------------------------------------------------------------------------------------------
// Formatting

function isStr(v) {
  return typeof v === 'string';
}

function pick(obj, ...names) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

function timeMs(value) {
  if (typeof value === 'number') return value > 0 ? value : 0;
  if (!isStr(value) || value === '') return 0;
  const t = Date.parse(value);
  // Go's zero time ("0001-01-01T00:00:00Z") and anything before 1971 mean "never".
  return Number.isFinite(t) && t > 31536000000 ? t : 0;
}

function relative(ms) {
  if (!ms) return 'never';
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < -5) return `in ${-s} s (clock skew)`;
  if (s < 2) return 'just now';
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

// A relative time that tickRelativeTimes() keeps current between data changes.
function relSpan(ms, prefix = '') {
  return el('span', { class: 'rel', dataset: { relMs: String(ms || 0), relPrefix: prefix },
    text: `${prefix}${relative(ms)}` });
}

function absolute(ms) {
  if (!ms) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function duration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function shortHash(hash) {
  if (!isStr(hash) || hash === '') return '—';
  const m = /^(sha256:)?([0-9a-f]+)$/i.exec(hash);
  if (!m || m[2].length <= 16) return hash;
  return `${m[1] || ''}${m[2].slice(0, 8)}…${m[2].slice(-6)}`;
}

// ---------------------------------------------------------------------------------------------
// Widgets

async function copyText(text, button) {
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok) {
    // Outside a secure context (a LAN name in kiosk_hosts) the Clipboard API is absent.
    const area = el('textarea', { class: 'copy-buffer', 'aria-hidden': 'true', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
  }
  const label = button.querySelector('.copy-label');
  if (label) {
    label.textContent = ok ? 'Copied' : 'Copy failed';
    button.dataset.state = ok ? 'done' : 'failed';
    setTimeout(() => {
      label.textContent = 'Copy';
      delete button.dataset.state;
    }, 1500);
  }
  announce(ok ? 'Copied to clipboard' : 'Could not copy to the clipboard');
}

function copyButton(text, what) {
  const button = el('button', {
    type: 'button',
    class: 'button copy',
    'aria-label': `Copy ${what}`,
    title: `Copy ${what}`,
  }, el('span', { class: 'copy-label', text: 'Copy' }));
  button.addEventListener('click', () => copyText(text, button));
  return button;
}

// A full value in monospace with a copy button; `short` shows an abbreviated form instead.
function codeValue(value, what, { short = false } = {}) {
  if (!isStr(value) || value === '') return el('span', { class: 'muted', text: '—' });
  const shown = short ? shortHash(value) : value;
  return el('span', { class: 'code-value' },
    el('code', { class: short ? 'hash-short' : 'hash-full', title: value, text: shown }),
    copyButton(value, what));
}

function badge(ok, yes, no, tone) {
  const t = tone || (ok ? 'ok' : 'bad');
  return el('span', { class: `badge badge-${t}` },
    el('span', { class: 'badge-icon', 'aria-hidden': 'true', text: ok ? '✓' : '✗' }),
    el('span', { text: ok ? yes : no }));
}

function chips(list, cls = 'chip') {
  if (!Array.isArray(list) || list.length === 0) return el('span', { class: 'muted', text: '—' });
  return el('ul', { class: 'chips' }, list.map((c) => el('li', { class: cls, text: String(c) })));
}

// A definition list of [label, value-node-or-text] rows.
function facts(rows, cls = 'facts') {
  return el('dl', { class: cls }, rows.filter(Boolean).map(([label, value]) =>
    el('div', { class: 'fact' },
      el('dt', { text: label }),
      el('dd', {}, value instanceof Node ? value : el('span', { text: value ?? '—' })))));
}

function emptyNote(text) {
  return el('p', { class: 'empty', text });
}

// ---------------------------------------------------------------------------------------------
// Data normalisation (tolerant of field spellings: the seeds use both snake and camel case)

// Accepts {verdicts: {trusted: {ok, reasons}}} (the schema), a flat boolean (status), or an
// object in place of the boolean.
function verdictOf(entry, name) {
  const full = entry && entry.verdicts && typeof entry.verdicts === 'object' ? entry.verdicts[name] : undefined;
  const v = full !== undefined ? full : (entry ? entry[name] : undefined);
  const reasonsField = pick(entry, `${name}_reasons`, `${name}Reasons`);
  if (typeof v === 'boolean') return { ok: v, reasons: normReasons(reasonsField) };
  if (v && typeof v === 'object') {
    const ok = v.ok ?? v.value ?? (v.status === 'ok');
    return { ok: Boolean(ok), reasons: normReasons(v.reasons ?? reasonsField) };
  }
  return null;
}

function normReasons(list) {
  if (!Array.isArray(list)) return [];
  return list.map((r) => (isStr(r) ? { code: '', message: r } : {
    code: String(pick(r, 'code') ?? ''),
    message: String(pick(r, 'message', 'reason') ?? ''),
  }));
}

function schemaModules() {
  const mods = state.schema && Array.isArray(state.schema.modules) ? state.schema.modules : [];
  return mods.filter((m) => m && typeof m === 'object');
}

function defaultsFor(id, schemaEntry) {
  const kinds = new Set();
  const defaults = state.status && state.status.defaults;
  if (defaults && typeof defaults === 'object') {
    for (const [kind, mid] of Object.entries(defaults)) if (mid === id) kinds.add(kind);
  }
  const declared = pick(schemaEntry, 'defaultFor', 'default_for');
  if (declared && typeof declared === 'object') {
    for (const [kind, on] of Object.entries(declared)) if (on === true) kinds.add(kind);
  }
  return [...kinds].sort();
}

// One row per module: the schema has the full verdicts; status adds what is live.
function moduleRows() {
  const byId = new Map();
  for (const m of schemaModules()) byId.set(String(m.id), { schema: m, status: null });
  const statusMods = state.status && Array.isArray(state.status.modules) ? state.status.modules : [];
  for (const m of statusMods) {
    if (!m || typeof m !== 'object') continue;
    const row = byId.get(String(m.id)) || { schema: null, status: null };
    row.status = m;
    byId.set(String(m.id), row);
  }
  const hashes = (state.attestation && state.attestation.module_hashes) || {};
  return [...byId.entries()].map(([id, { schema, status }]) => {
    const s = schema || {};
    const st = status || {};
    const verdict = (name) => verdictOf(s, name) || verdictOf(st, name) ||
      { ok: false, reasons: [], unknown: true };
    return {
      id,
      description: pick(s, 'description') ?? pick(st, 'description') ?? '',
      version: pick(s, 'version') ?? pick(st, 'version') ?? '',
      publisher: pick(s, 'publisher_id', 'publisherId', 'publisher') ??
        pick(st, 'publisher_id', 'publisherId') ?? '',
      trusted: verdict('trusted'),
      compatible: verdict('compatible'),
      loaded: verdict('loaded'),
      degraded: Boolean(pick(st, 'degraded') ?? pick(s.health, 'degraded')),
      capabilities: pick(s, 'capabilities') ?? pick(st, 'capabilities') ?? [],
      defaults: defaultsFor(id, s),
      hash: pick(s, 'hash') ?? hashes[id] ?? '',
      fileHash: pick(s, 'file_hash', 'actual_hash') ?? '',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderOverview() {
  const st = state.status || {};
  const conn = state.connection || st.connection || {};
  const att = state.attestation || {};
  const rows = moduleRows();
  const loaded = rows.filter((r) => r.loaded.ok).length;
  const untrusted = rows.filter((r) => !r.trusted.ok).length;
  const hbMs = timeMs(conn.last_heartbeat);

  const tile = (label, value, detail, tone) => el('div', { class: `tile tile-${tone}` },
    el('p', { class: 'tile-label', text: label }),
    el('p', { class: 'tile-value', text: value }),
    el('p', { class: 'tile-detail' }, detail));

  const source = att.binary_hash_source;
  replaceChildren($('overview-tiles'),
    tile('Signer', st.ready ? 'Ready' : 'Not ready',
      st.ready ? `${st.signer_module_id || st.module_version || 'default module'}` : (st.reason || 'no signer module'),
      st.ready ? 'ok' : 'bad'),
    tile('Node', conn.connected ? 'Connected' : 'Disconnected',
      hbMs ? relSpan(hbMs, 'last heartbeat ') : 'no heartbeat yet', conn.connected ? 'ok' : 'warn'),
    tile('Modules', `${loaded} / ${rows.length} loaded`,
      untrusted ? `${untrusted} untrusted` : 'all trusted', untrusted ? 'bad' : (loaded ? 'ok' : 'warn')),
    tile('Binary hash', source === 'parent' ? 'Verified by launcher' : (source === 'self' ? 'Self-reported' : '—'),
      shortHash(att.core_binary_hash), source === 'parent' ? 'ok' : 'warn'));
}

function renderRuntimeMeta() {
  const st = state.status || {};
  const bits = [];
  if (st.cryfttee_version) bits.push(`v${st.cryfttee_version}`);
  if (st.uptime_seconds !== undefined) bits.push(`up ${duration(st.uptime_seconds)}`);
  $('runtime-meta').textContent = bits.join(' · ');
}

function verdictCell(v, what) {
  if (v.unknown) return el('td', { 'data-label': what }, el('span', { class: 'muted', text: 'unknown' }));
  // One wrapper, so the stacked small-screen layout keeps badge and reasons in one grid cell.
  const inner = el('div', {}, badge(v.ok, 'yes', 'no'));
  if (v.reasons.length) {
    inner.append(el('ul', { class: 'reasons' }, v.reasons.map((r) =>
      el('li', {}, r.code ? el('code', { class: 'reason-code', text: r.code }) : null, ' ', r.message))));
  }
  return el('td', { 'data-label': what, class: 'verdict' }, inner);
}

function renderModules() {
  const rows = moduleRows();
  const body = $('modules-body');
  if (rows.length === 0) {
    replaceChildren(body, el('tr', {}, el('td', { colspan: 9, class: 'empty', text: 'No modules in the manifest.' })));
    return;
  }
  replaceChildren(body, rows.map((r) => el('tr', { dataset: { moduleId: r.id } },
    el('th', { scope: 'row', 'data-label': 'Module' },
      el('span', { class: 'module-id', text: r.id }),
      r.degraded ? el('span', { class: 'badge badge-warn', text: 'degraded' }) : null,
      r.description ? el('span', { class: 'module-desc', text: r.description }) : null),
    el('td', { 'data-label': 'Version', text: r.version || '—' }),
    el('td', { 'data-label': 'Publisher', text: r.publisher || '—' }),
    verdictCell(r.trusted, 'Trusted'),
    verdictCell(r.compatible, 'Compatible'),
    verdictCell(r.loaded, 'Loaded'),
    el('td', { 'data-label': 'Capabilities' }, chips(r.capabilities)),
    el('td', { 'data-label': 'Default for' }, chips(r.defaults, 'chip chip-accent')),
    el('td', { 'data-label': 'Hash' }, el('div', {},
      codeValue(r.hash, `hash of ${r.id}`, { short: true }),
      r.fileHash && r.hash && r.fileHash !== r.hash
        ? el('p', { class: 'hash-mismatch' }, 'file on disk: ', codeValue(r.fileHash, `file hash of ${r.id}`, { short: true }))
        : null)))));
}

function renderAttestation() {
  const a = state.attestation;
  const body = $('attestation-body');
  if (!a) {
    replaceChildren(body, emptyNote('Attestation not available yet.'));
    return;
  }
  const nodes = [];
  if (a.binary_hash_source === 'self') {
    nodes.push(el('div', { class: 'warning', role: 'note' },
      el('strong', { text: 'Self-reported binary hash. ' }),
      'cryfttee hashed its own executable because no launcher passed CRYFTTEE_VERIFIED_BINARY_HASH. ',
      'A tampered binary could report anything here; start cryfttee through a launcher that hashes it first.'));
  }
  const hashes = a.module_hashes && typeof a.module_hashes === 'object' ? Object.entries(a.module_hashes) : [];
  nodes.push(facts([
    ['Core binary hash', codeValue(a.core_binary_hash, 'core binary hash')],
    ['Hash source', el('span', { class: `source source-${a.binary_hash_source === 'parent' ? 'ok' : 'warn'}`,
      text: a.binary_hash_source === 'parent' ? 'parent (verified by the launcher)' :
        a.binary_hash_source === 'self' ? 'self (computed by cryfttee)' : String(a.binary_hash_source ?? '—') })],
    ['Manifest hash', codeValue(a.manifest_hash, 'manifest hash')],
    ['cryfttee version', a.cryfttee_version || '—'],
    ['Loaded modules', chips(a.loaded_modules)],
  ]));
  nodes.push(el('h3', { class: 'sub', text: 'Module hashes' }));
  if (hashes.length === 0) {
    nodes.push(emptyNote('No module is running.'));
  } else {
    nodes.push(el('div', { class: 'table-wrap' }, el('table', { class: 'data-table compact', id: 'module-hashes' },
      el('caption', { class: 'visually-hidden', text: 'Hashes of the running modules' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Module' }), el('th', { scope: 'col', text: 'SHA-256' }))),
      el('tbody', {}, hashes.map(([id, hash]) => el('tr', { dataset: { moduleId: id } },
        el('th', { scope: 'row', 'data-label': 'Module', text: id }),
        el('td', { 'data-label': 'SHA-256' }, codeValue(String(hash), `hash of ${id}`))))))));
  }
  replaceChildren(body, nodes);
}

function keyBlock(kind, key, extra = []) {
  const k = key && typeof key === 'object' ? key : {};
  if (!k.available) {
    return el('div', { class: 'key-block', dataset: { key: kind } },
      el('h3', { class: 'sub', text: `${kind.toUpperCase()} key` }),
      emptyNote(`No ${kind.toUpperCase()} key is registered.`));
  }
  return el('div', { class: 'key-block', dataset: { key: kind } },
    el('h3', { class: 'sub', text: `${kind.toUpperCase()} key` }),
    facts([
      ['Public key', codeValue(k.public_key, `${kind.toUpperCase()} public key`)],
      ['Handle', codeValue(k.key_handle, `${kind.toUpperCase()} key handle`)],
      k.label ? ['Label', k.label] : null,
      timeMs(k.created) ? ['Created', absolute(timeMs(k.created))] : null,
      ...extra,
    ]));
}

function renderKeys() {
  const st = state.status;
  const body = $('keys-body');
  if (!st) {
    replaceChildren(body, emptyNote('Status not available yet.'));
    return;
  }
  const keys = st.keys || {};
  const conn = state.connection || st.connection || {};
  const nodeId = pick(keys.tls, 'node_id', 'nodeID') || pick(st, 'node_id');
  const reported = conn.cryftgo_node_id;
  const nodeRows = [];
  if (nodeId) nodeRows.push(['NodeID', el('span', { id: 'tls-node-id' }, codeValue(nodeId, 'NodeID'))]);
  const cert = pick(keys.tls, 'certificate');
  if (isStr(cert) && cert !== '') nodeRows.push(['Certificate', certificateValue(cert)]);
  if (reported && reported !== nodeId) {
    nodeRows.push(['NodeID (reported by node)', codeValue(reported, 'NodeID reported by the node')]);
  }
  const bls = Array.isArray(st.bls_pubkeys) ? st.bls_pubkeys.length : 0;
  const tls = Array.isArray(st.tls_pubkeys) ? st.tls_pubkeys.length : 0;
  replaceChildren(body,
    keyBlock('bls', keys.bls),
    keyBlock('tls', keys.tls, nodeRows),
    !nodeId ? el('p', { class: 'hint', text: nodeIdHint(keys.tls) }) : null,
    el('p', { class: 'hint', text: `Keys held: ${bls} BLS, ${tls} TLS.` }),
    allKeysTable());
}

// Why no NodeID is shown: no TLS key yet, or one stored without a certificate (the NodeID is
// derived from the certificate, never guessed from the public key).
function nodeIdHint(tls) {
  if (!tls || !tls.available) return 'NodeID: no TLS key is registered yet.';
  return 'NodeID: this TLS key has no stored certificate (it was not created by TLS registration), so its NodeID is not known here.';
}

// A certificate: copy button, and the PEM text on demand.
function certificateValue(pem) {
  return el('span', { class: 'code-value' },
    el('details', { class: 'cert' },
      el('summary', { text: 'PEM' }),
      el('pre', { class: 'cert-pem', text: pem })),
    copyButton(pem, 'TLS certificate'));
}

// Every key in the vault, with its use counters (GET /v1/staking/keys).
function allKeysTable() {
  const list = state.keys && Array.isArray(state.keys.keys) ? state.keys.keys : [];
  if (list.length === 0) return null;
  return el('details', { class: 'all-keys' },
    el('summary', { text: `All keys (${list.length})` }),
    el('div', { class: 'table-wrap' }, el('table', { class: 'data-table compact', id: 'all-keys' },
      el('caption', { class: 'visually-hidden', text: 'Every key, with the backend that holds it' }),
      el('thead', {}, el('tr', {}, ['Type', 'Handle', 'Public key', 'NodeID', 'Backend', 'Created', 'Signatures', 'Last signature']
        .map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, list.map((k) => el('tr', { dataset: { keyHandle: String(k.key_handle ?? '') } },
        el('td', { 'data-label': 'Type' }, el('span', { class: 'chip chip-accent', text: String(k.key_type ?? '?') })),
        el('th', { scope: 'row', 'data-label': 'Handle' },
          el('code', { text: String(k.key_handle ?? '') }),
          k.label ? el('span', { class: 'module-desc', text: String(k.label) }) : null),
        el('td', { 'data-label': 'Public key' }, codeValue(String(k.public_key ?? ''), `public key ${k.key_handle}`, { short: true })),
        el('td', { 'data-label': 'NodeID' }, k.node_id
          ? el('div', {}, codeValue(String(k.node_id), `NodeID of ${k.key_handle}`),
            isStr(k.certificate) ? el('span', { class: 'muted' }, 'certificate ',
              copyButton(k.certificate, `certificate of ${k.key_handle}`)) : null)
          : el('span', { class: 'muted', text: '—' })),
        // Which backend serves the key (docs/web3signer.md); "+ vault copy" when raw signing works.
        el('td', { 'data-label': 'Backend', text: `${k.backend ?? 'local-vault'}${k.backend === 'web3signer' && k.vault_copy ? ' + vault copy' : ''}` }),
        el('td', { 'data-label': 'Created', text: timeMs(k.created) ? absolute(timeMs(k.created)) : '—' }),
        el('td', { 'data-label': 'Signatures', text: String(k.sign_count ?? 0) }),
        el('td', { 'data-label': 'Last signature', text: timeMs(k.last_sign) ? absolute(timeMs(k.last_sign)) : 'never' })))))));
}

function renderConnection() {
  const c = state.connection || (state.status && state.status.connection);
  const body = $('connection-body');
  if (!c) {
    replaceChildren(body, emptyNote('Connection status not available yet.'));
    return;
  }
  const hb = timeMs(c.last_heartbeat);
  const seen = timeMs(c.last_seen);
  const errAt = timeMs(c.last_error_time);
  replaceChildren(body,
    el('div', { class: 'conn-head' },
      badge(Boolean(c.connected), 'Connected', 'Not connected', c.connected ? 'ok' : 'warn'),
      el('span', { class: 'muted', text: `connected = a heartbeat within the last ${c.connected_window_seconds ?? '?'} s` })),
    facts([
      ['Last heartbeat', el('span', { id: 'last-heartbeat' },
        relSpan(hb), hb ? el('span', { class: 'muted abs', text: ` (${absolute(hb)})` }) : null)],
      ['Latency', c.latency_ms !== undefined ? `${c.latency_ms} ms` : '—'],
      ['Node version', c.cryftgo_version || '—'],
      ['Node ID', c.cryftgo_node_id ? codeValue(c.cryftgo_node_id, 'node ID') : '—'],
      ['Transport', c.transport || '—'],
      ['Endpoint', c.endpoint ? el('code', { text: c.endpoint }) : '—'],
      ['Last request', el('span', { id: 'conn-last-seen', text: seen ? absolute(seen) : 'never' })],
      ['Heartbeats', String(c.heartbeat_count ?? 0)],
      ['Requests', el('span', { id: 'conn-requests', text: String(c.request_count ?? 0) })],
      ['Errors', String(c.error_count ?? 0)],
      ['Last error', c.last_error ? el('span', { class: 'error-text', text: c.last_error }) : 'none'],
      ['Last error at', errAt ? absolute(errAt) : '—'],
    ], 'facts facts-grid'));
}

// ---- last hour: signing latency, request rate, heartbeats (GET /kiosk/live) ------------------
//
// Plain SVG built with DOM APIs (no chart library, nothing through innerHTML), from the daemon's
// 10-second slots (ops/live_history.h): the same observations as the Prometheus series
// cryfttee_signing_duration_seconds and cryfttee_http_requests_total. Slots without data are
// absent from the answer and drawn as gaps.

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHART_W = 1100; // viewBox units: about one CSS pixel each in a desktop-wide card
const PAD = { left: 60, right: 12, top: 10, bottom: 22 };
const KEY_TYPE_CLASS = { bls: 'series-bls', tls: 'series-tls' };

function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

function clockTime(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

function formatMs(ms) {
  if (!(ms > 0)) return '—';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

// A chart frame: the SVG, its x scale over the window and the plot area.
function chartFrame(id, label, height, live) {
  const end = live.now;
  const start = end - live.window_seconds * 1000;
  const plotW = CHART_W - PAD.left - PAD.right;
  // Clamped: the current slot's middle may lie a few seconds in the future.
  const x = (t) => PAD.left + (Math.min(Math.max(t, start), end) - start) / (end - start) * plotW;
  const root = svgEl('svg', {
    id, class: 'chart', viewBox: `0 0 ${CHART_W} ${height}`, role: 'img', 'aria-label': label,
  }, svgEl('title', { text: label }));
  const axis = svgEl('g', { class: 'axis' });
  const bottom = height - PAD.bottom;
  axis.append(svgEl('line', { x1: PAD.left, x2: CHART_W - PAD.right, y1: bottom, y2: bottom }));
  for (let m = 60; m >= 0; m -= 15) {
    const xm = x(end - m * 60000);
    axis.append(svgEl('line', { class: 'grid', x1: xm, x2: xm, y1: PAD.top, y2: bottom }));
    axis.append(svgEl('text', { x: xm, y: height - 6, 'text-anchor': m === 0 ? 'end' : 'middle',
      text: m === 0 ? 'now' : `−${m} min` }));
  }
  root.append(axis);
  return { root, x, top: PAD.top, bottom, slotW: plotW / (live.window_seconds / live.slot_seconds) };
}

// p50 (solid) and p99 (dashed) per key type on a log scale; one circle per slot and quantile.
function latencyChart(live) {
  const series = new Map(); // "bls p50" -> [{t, ms}]
  for (const slot of live.slots) {
    for (const [type, s] of Object.entries(slot.signing || {})) {
      for (const q of ['p50', 'p99']) {
        const key = `${type} ${q}`;
        if (!series.has(key)) series.set(key, []);
        series.get(key).push({ t: slot.t, ms: s[`${q}_ms`], count: s.count });
      }
    }
  }
  const height = 200;
  const f = chartFrame('chart-latency', 'Signing latency p50 and p99 per key type, last hour', height, live);
  const all = [...series.values()].flat().map((p) => p.ms).filter((v) => v > 0);
  if (all.length === 0) {
    f.root.append(svgEl('text', { class: 'chart-empty', x: CHART_W / 2, y: height / 2, 'text-anchor': 'middle',
      text: 'No signatures in the last hour' }));
    return f.root;
  }
  let lo = Math.floor(Math.log10(Math.min(...all)));
  let hi = Math.ceil(Math.log10(Math.max(...all)));
  if (hi === lo) hi += 1;
  const y = (ms) => f.bottom - ((Math.log10(ms) - lo) / (hi - lo)) * (f.bottom - f.top);
  const axis = f.root.querySelector('.axis');
  for (let e = lo; e <= hi; e += 1) {
    const yv = y(10 ** e);
    axis.append(svgEl('line', { class: 'grid', x1: PAD.left, x2: CHART_W - PAD.right, y1: yv, y2: yv }));
    axis.append(svgEl('text', { x: PAD.left - 6, y: yv + 4, 'text-anchor': 'end',
      text: e >= 0 ? `${10 ** e} ms` : `${Math.round(10 ** (e + 3))} µs` }));
  }
  const slotMs = live.slot_seconds * 1000;
  for (const [key, points] of series) {
    const [type, q] = key.split(' ');
    const cls = `${KEY_TYPE_CLASS[type] || 'series-other'} q-${q}`;
    const g = svgEl('g', { class: `series ${cls}`, 'data-key-type': type, 'data-q': q });
    // A line through consecutive slots; a missing slot breaks it.
    let run = [];
    const flush = () => {
      if (run.length > 1) g.append(svgEl('polyline', { class: 'line', points: run.join(' ') }));
      run = [];
    };
    points.forEach((p, i) => {
      if (i > 0 && p.t - points[i - 1].t > slotMs) flush();
      run.push(`${f.x(p.t + slotMs / 2).toFixed(1)},${y(p.ms).toFixed(1)}`);
    });
    flush();
    for (const p of points) {
      g.append(svgEl('circle', {
        class: 'pt', cx: f.x(p.t + slotMs / 2).toFixed(1), cy: y(p.ms).toFixed(1), r: 3,
        'data-t': p.t, 'data-ms': p.ms,
      }, svgEl('title', { text: `${clockTime(p.t)} UTC · ${type} ${q} ${formatMs(p.ms)} (${p.count} signatures)` })));
    }
    f.root.append(g);
  }
  return f.root;
}

// Requests per second per slot as bars, the failed ones (status >= 400) on top in red.
function requestChart(live) {
  const height = 130;
  const f = chartFrame('chart-requests', 'API requests per second, last hour', height, live);
  const rates = live.slots.map((s) => s.requests / live.slot_seconds);
  const max = Math.max(1, ...rates);
  const scale = (f.bottom - f.top) / max;
  const axis = f.root.querySelector('.axis');
  for (const v of [max / 2, max]) {
    const yv = f.bottom - v * scale;
    axis.append(svgEl('line', { class: 'grid', x1: PAD.left, x2: CHART_W - PAD.right, y1: yv, y2: yv }));
    axis.append(svgEl('text', { x: PAD.left - 6, y: yv + 4, 'text-anchor': 'end', text: `${v.toFixed(v < 10 ? 1 : 0)}/s` }));
  }
  const bars = svgEl('g', { class: 'bars' });
  const w = Math.max(1, f.slotW - 0.5);
  for (const s of live.slots) {
    if (!s.requests) continue;
    const h = (s.requests / live.slot_seconds) * scale;
    const eh = (s.errors / live.slot_seconds) * scale;
    bars.append(svgEl('rect', { class: 'bar', x: f.x(s.t).toFixed(1), y: (f.bottom - h).toFixed(1), width: w.toFixed(1),
      height: h.toFixed(1), 'data-t': s.t, 'data-requests': s.requests },
    svgEl('title', { text: `${clockTime(s.t)} UTC · ${s.requests} requests, ${s.errors} failed` })));
    if (eh > 0) {
      bars.append(svgEl('rect', { class: 'bar bar-error', x: f.x(s.t).toFixed(1), y: (f.bottom - h).toFixed(1),
        width: w.toFixed(1), height: eh.toFixed(1) }));
    }
  }
  f.root.append(bars);
  return f.root;
}

// One tick per 10-second slot in which the node's heartbeat arrived: gaps are silences.
function heartbeatChart(live) {
  const height = 56;
  const f = chartFrame('chart-heartbeats', 'Heartbeats from the node, last hour', height, live);
  const ticks = svgEl('g', { class: 'beats' });
  const w = Math.max(1.5, f.slotW - 0.5);
  for (const s of live.slots) {
    if (!s.heartbeats) continue;
    ticks.append(svgEl('rect', { class: 'beat', x: f.x(s.t).toFixed(1), y: f.top, width: w.toFixed(1),
      height: f.bottom - f.top, 'data-t': s.t },
    svgEl('title', { text: `${clockTime(s.t)} UTC · ${s.heartbeats} heartbeat${s.heartbeats === 1 ? '' : 's'}` })));
  }
  if (!ticks.childElementCount) {
    ticks.append(svgEl('text', { class: 'chart-empty', x: CHART_W / 2, y: (f.top + f.bottom) / 2 + 4,
      'text-anchor': 'middle', text: 'No heartbeat in the last hour' }));
  }
  f.root.append(ticks);
  return f.root;
}

function legend(live) {
  const types = Object.keys(live.hour.signing || {});
  return el('ul', { class: 'legend' }, types.flatMap((type) => ['p50', 'p99'].map((q) =>
    el('li', {}, svgEl('svg', { class: 'legend-swatch', viewBox: '0 0 24 8', 'aria-hidden': 'true' },
      svgEl('line', { class: `${KEY_TYPE_CLASS[type] || 'series-other'} q-${q}`, x1: 0, x2: 24, y1: 4, y2: 4 })),
    ` ${type.toUpperCase()} ${q}`))));
}

function renderActivity() {
  const live = state.live;
  const body = $('activity-body');
  if (!live || !Array.isArray(live.slots)) {
    replaceChildren(body, emptyNote('Activity not available.'));
    return;
  }
  const hour = live.hour || {};
  const signing = Object.entries(hour.signing || {});
  const lastMinute = live.slots.filter((s) => s.t >= live.now - 60000);
  const perSecond = lastMinute.reduce((n, s) => n + s.requests, 0) / 60;
  $('activity-meta').textContent = `${live.slot_seconds}-second slots · percentiles from ${live.quantile_method}`;
  replaceChildren(body,
    facts([
      ...signing.map(([type, s]) => [`${type.toUpperCase()} signing`,
        `p50 ${formatMs(s.p50_ms)} · p99 ${formatMs(s.p99_ms)} · ${s.count} signatures`]),
      signing.length ? null : ['Signing', 'no signatures in the last hour'],
      ['API requests', `${hour.requests ?? 0} (${hour.errors ?? 0} failed) · ${perSecond.toFixed(1)}/s over the last minute`],
      ['Heartbeats', `${hour.heartbeats ?? 0} in the last hour`],
    ], 'facts facts-grid'),
    el('figure', { class: 'chart-box' }, el('figcaption', { text: 'Signing latency (log scale)' }), legend(live), latencyChart(live)),
    el('figure', { class: 'chart-box' }, el('figcaption', { text: 'API requests per second (every listener, the kiosk\'s own polls included)' }), requestChart(live)),
    el('figure', { class: 'chart-box' }, el('figcaption', { text: 'Node heartbeats' }), heartbeatChart(live)));
}

// AvalancheGo's remote-signer protocol (docs/rpcsigner.md): on or off, where, which key, calls.
function renderRpcSigner() {
  const r = state.status && state.status.rpcsigner;
  const body = $('rpcsigner-body');
  if (!r) {
    replaceChildren(body, emptyNote('Status not available yet.'));
    return;
  }
  if (!r.enabled) {
    replaceChildren(body,
      el('div', { class: 'conn-head' }, badge(false, 'On', 'Off', 'warn'),
        el('span', { class: 'muted', text: 'Set --rpcsigner-addr to serve the signer.Signer protocol to an AvalancheGo-based node.' })));
    return;
  }
  const calls = r.calls && typeof r.calls === 'object' ? r.calls : {};
  const count = (m) => (calls[m] ? `${calls[m].calls ?? 0} (${calls[m].errors ?? 0} failed)` : '0');
  const errAt = timeMs(r.last_error_time);
  replaceChildren(body,
    el('div', { class: 'conn-head' }, badge(true, 'On', 'Off', 'ok'),
      el('span', { class: 'muted', text: String(r.protocol ?? 'signer.Signer') })),
    facts([
      ['Endpoint', el('code', { id: 'rpcsigner-endpoint', text: String(r.endpoint ?? '') })],
      ['Transport', `${r.transport ?? '?'}${r.tls ? ' + TLS' : ''}${r.client_auth ? ' (client certificates)' : ''}`],
      ['Key handle', el('code', { text: String(r.key_handle ?? '') })],
      ['Public key', codeValue(String(r.public_key ?? ''), 'gRPC signer public key', { short: true })],
      ['PublicKey calls', count('PublicKey')],
      ['Sign calls', count('Sign')],
      ['Proof-of-possession calls', count('SignProofOfPossession')],
      ['Last error', r.last_error ? el('span', { class: 'error-text', text: String(r.last_error) }) : 'none'],
      ['Last error at', errAt ? absolute(errAt) : '—'],
    ], 'facts facts-grid'));
}

// KMS operator mode (docs/threshold.md, "Operator guide"): operator set, active share version,
// last session and its outcome, fraud records.
function renderKms() {
  const k = state.status && state.status.kms;
  const body = $('kms-body');
  if (!k) {
    replaceChildren(body, emptyNote('Status not available yet.'));
    return;
  }
  if (!k.enabled) {
    replaceChildren(body,
      el('div', { class: 'conn-head' }, badge(false, 'On', 'Off', 'warn'),
        el('span', { class: 'muted', text: 'Set [kms] listen_addr to run this cryfttee as a KMS operator.' })));
    return;
  }
  const node = k.node && typeof k.node === 'object' ? k.node : {};
  const session = node.session && typeof node.session === 'object' ? node.session : null;
  const g = k.group_key;
  const ops = Array.isArray(node.operators) ? node.operators.join(', ') : '';
  const sched = k.scheduler || {};
  replaceChildren(body,
    el('div', { class: 'conn-head' }, badge(Boolean(g), 'Group key', 'No group key yet', g ? 'ok' : 'warn'),
      el('span', { class: 'muted', text: `operator ${String((k.operator && k.operator.id) ?? '')}` })),
    facts([
      ['Protocol API', el('code', { text: String((k.operator && k.operator.address) ?? '') })],
      ['Operator set', ops || '—'],
      ['Group key', g ? codeValue(String(g.public_key ?? ''), 'KMS group key', { short: true }) : '—'],
      ['Sharing', g ? `t=${g.t} of n=${g.n}, version ${g.version}` : '—'],
      ['Scheme', `${String(k.scheme ?? '')}, threshold rule ${String(k.threshold_rule ?? '')}`],
      ['Last session', session ? `${String(session.protocol ?? '')} ${String(session.id ?? '')}` : '—'],
      ['Outcome', session ? String(session.outcome ?? 'running') : '—'],
      ['Peering', sched.peering_error ? el('span', { class: 'error-text', text: String(sched.peering_error) }) : 'ok'],
      ['Fraud records', String(k.fraud_records ?? 0)],
    ], 'facts facts-grid'));
}

// Relative times age between polls without a data change.
function tickRelativeTimes() {
  for (const node of document.querySelectorAll('.rel')) {
    node.textContent = `${node.dataset.relPrefix || ''}${relative(Number(node.dataset.relMs))}`;
  }
}

// Counters that move with every request (any client's) are updated in place, not re-rendered,
// so a focused control in the section keeps its focus.
function updateVolatileConnection(c) {
  const seen = timeMs(c.last_seen);
  const seenNode = $('conn-last-seen');
  if (seenNode) seenNode.textContent = seen ? absolute(seen) : 'never';
  const requests = $('conn-requests');
  if (requests) requests.textContent = String(c.request_count ?? 0);
}

function panelItem(item) {
  if (!item || typeof item !== 'object') return null;
  switch (item.type) {
    case 'key_value':
      return el('div', { class: 'panel-item kv' },
        el('span', { class: 'kv-key', text: String(item.key ?? '') }),
        el('span', { class: 'kv-value', text: String(item.value ?? '') }));
    case 'public_key': {
      const pk = String(item.public_key ?? '');
      return el('div', { class: 'panel-item pubkey' },
        el('div', { class: 'pubkey-head' },
          el('span', { class: 'chip chip-accent', text: String(item.key_type ?? 'key') }),
          item.label ? el('span', { class: 'pubkey-label', text: String(item.label) }) : null,
          item.created ? el('span', { class: 'muted', text: String(item.created) }) : null),
        codeValue(pk, `${item.key_type ?? ''} public key ${item.label ?? ''}`.trim()));
    }
    case 'status_indicator': {
      const status = ['ok', 'warning', 'error'].includes(item.status) ? item.status : 'unknown';
      return el('div', { class: `panel-item indicator indicator-${status}` },
        el('span', { class: 'indicator-dot', 'aria-hidden': 'true' }),
        el('span', { class: 'indicator-status', text: status.toUpperCase() }),
        el('span', { class: 'indicator-message', text: String(item.message ?? '') }));
    }
    default:
      return el('div', { class: 'panel-item muted', text: `unsupported item type "${String(item.type)}"` });
  }
}

function panelCard(id, panel) {
  const card = el('article', { class: 'panel', dataset: { moduleId: id }, 'aria-labelledby': `panel-${id}` });
  if (!panel || panel.error) {
    card.append(el('h3', { id: `panel-${id}`, text: id }),
      el('p', { class: 'error-text', text: panel ? panel.error : 'no panel' }));
    return card;
  }
  card.append(el('header', { class: 'panel-head' },
    el('h3', { id: `panel-${id}`, text: String(panel.title || id) }),
    el('span', { class: 'muted', text: `${id}${panel.module_version ? ` · ${panel.module_version}` : ''}` })));
  const sections = Array.isArray(panel.sections) ? panel.sections.slice(0, MAX_PANEL_SECTIONS) : [];
  if (sections.length === 0) card.append(emptyNote('The module reports no sections.'));
  for (const section of sections) {
    if (!section || typeof section !== 'object') continue;
    const items = Array.isArray(section.items) ? section.items.slice(0, MAX_PANEL_ITEMS) : [];
    card.append(el('section', { class: 'panel-section' },
      el('h4', { text: String(section.heading ?? '') }),
      items.length ? el('div', { class: 'panel-items' }, items.map(panelItem)) : emptyNote('(empty)')));
  }
  return card;
}

function renderPanels() {
  const body = $('panels-body');
  if (state.panels.size === 0) {
    replaceChildren(body, emptyNote('No loaded module provides a status panel.'));
    return;
  }
  replaceChildren(body, [...state.panels.entries()].map(([id, panel]) => panelCard(id, panel)));
}

// ---- schema inspector: a collapsible tree of <details>, keyboard operable by default ----------

function jsonNode(key, value, depth) {
  const keyLabel = key === null ? null : el('span', { class: 'json-key', text: `${key}: ` });
  if (value !== null && typeof value === 'object') {
    const isArr = Array.isArray(value);
    const entries = isArr ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = el('details', { class: 'json-node', open: depth < 2 });
    details.append(el('summary', {}, keyLabel,
      el('span', { class: 'json-brace', text: isArr ? `[ ${entries.length} ]` : `{ ${entries.length} }` })));
    details.append(el('div', { class: 'json-children' }, entries.map(([k, v]) => jsonNode(k, v, depth + 1))));
    return details;
  }
  const type = value === null ? 'null' : typeof value;
  return el('div', { class: 'json-leaf' }, keyLabel,
    el('span', { class: `json-${type}`, text: type === 'string' ? JSON.stringify(value) : String(value) }));
}

function renderSchema() {
  const body = $('schema-body');
  if (!state.schema) {
    replaceChildren(body, emptyNote('Schema not available.'));
    return;
  }
  replaceChildren(body, jsonNode(null, state.schema, 0));
}

// ---------------------------------------------------------------------------------------------
// Fetching

class HttpError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

async function getJson(path, options = {}) {
  const response = await fetch(path, {
    cache: 'no-store',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(options.headers || {}) },
    method: options.method || 'GET',
    body: options.body,
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new HttpError(response.status, body);
  return body;
}

// Returns the value, or undefined when the endpoint failed (and remembers the error).
async function optional(path, errors) {
  try {
    return await getJson(path);
  } catch (e) {
    errors.push(`${path}: ${e.message}`);
    return undefined;
  }
}

async function fetchPanels(status) {
  const panels = new Map();
  const mods = status && Array.isArray(status.modules) ? status.modules : [];
  await Promise.all(mods.filter((m) => m && m.loaded).map(async (m) => {
    const id = String(m.id);
    if (m.status_panel && typeof m.status_panel === 'object') {
      panels.set(id, m.status_panel);
      return;
    }
    try {
      panels.set(id, await getJson(`/v1/modules/${encodeURIComponent(id)}/status-panel`));
    } catch (e) {
      // A module without get_status_panel is not an error worth showing.
      if (e.status !== 404 && e.status !== 400) panels.set(id, { error: e.message });
    }
  }));
  // Stable order: manifest order.
  return new Map(mods.map((m) => String(m.id)).filter((id) => panels.has(id)).map((id) => [id, panels.get(id)]));
}

function setLive(ok, detail) {
  const pill = $('live-pill');
  pill.dataset.state = ok ? 'live' : 'offline';
  $('live-text').textContent = ok ? 'Live' : 'Offline';
  const banner = $('offline-banner');
  if (ok) {
    banner.hidden = true;
    if (state.offline) announce('Connection to cryfttee restored');
  } else {
    banner.hidden = false;
    banner.textContent = `The daemon is not answering (${detail}). Showing the last data received; retrying every ${POLL_MS / 1000} s.`;
  }
  state.offline = !ok;
}

async function refresh({ withSchema = false } = {}) {
  const errors = [];
  const [status, attestation, connection, keys, live] = await Promise.all([
    optional('/v1/staking/status', errors),
    optional('/v1/runtime/attestation', errors),
    optional('/v1/runtime/connection', errors),
    optional('/v1/staking/keys', errors),
    optional('/kiosk/live', errors),
  ]);
  if (withSchema || state.schema === null) {
    const schema = await optional('/v1/schema/modules', errors);
    if (schema !== undefined) state.schema = schema;
  }
  if (status === undefined && attestation === undefined && connection === undefined) {
    setLive(false, errors[0] || 'no answer');
    return;
  }
  if (status !== undefined) {
    state.status = status;
    state.panels = await fetchPanels(status);
  }
  if (attestation !== undefined) state.attestation = attestation;
  if (connection !== undefined) state.connection = connection;
  if (keys !== undefined) state.keys = keys;
  if (live !== undefined) state.live = live;
  state.lastOk = Date.now();
  setLive(true);
  announceChanges();
  render();
}

function announceChanges() {
  const conn = state.connection || {};
  const prev = state.lastAnnounced;
  // Only transitions are announced: a heartbeat every few seconds would drown a screen reader.
  if (prev.connected !== undefined && prev.connected !== Boolean(conn.connected)) {
    announce(conn.connected ? 'Node connected' : 'Node disconnected');
  }
  prev.connected = Boolean(conn.connected);
}

function render() {
  // The volatile parts (uptime, relative times) are excluded from the change keys.
  const conn = state.connection || (state.status && state.status.connection) || {};
  const { uptime_seconds: _u, connection: _c, ...statusStable } = state.status || {};
  renderRuntimeMeta();
  renderIfChanged('overview', [statusStable, state.schema, state.attestation && state.attestation.core_binary_hash,
    state.attestation && state.attestation.binary_hash_source, conn.connected, conn.last_heartbeat], renderOverview);
  renderIfChanged('modules', [state.schema, statusStable.modules, statusStable.defaults,
    state.attestation && state.attestation.module_hashes], renderModules);
  const { timestamp: _t, ...attStable } = state.attestation || {};
  renderIfChanged('attestation', attStable, renderAttestation);
  renderIfChanged('keys', [statusStable.keys, statusStable.bls_pubkeys, statusStable.tls_pubkeys,
    conn.cryftgo_node_id, state.keys], renderKeys);
  const { last_seen: _ls, request_count: _rc, ...connStable } = conn;
  renderIfChanged('connection', connStable, renderConnection);
  renderIfChanged('rpcsigner', statusStable.rpcsigner, renderRpcSigner);
  // Redrawn when a slot changed or the window moved by a slot (the x axis slides).
  const { now: liveNow, ...liveStable } = state.live || {};
  renderIfChanged('activity', [liveStable, Math.floor((liveNow || 0) / 10000)], renderActivity);
  renderIfChanged('kms', statusStable.kms, renderKms);
  updateVolatileConnection(conn);
  renderIfChanged('panels', [...state.panels.entries()], renderPanels);
  renderIfChanged('schema', state.schema, renderSchema);
  tickRelativeTimes();
  $('footer-updated').textContent = `Last update ${absolute(state.lastOk)}`;
}

// ---------------------------------------------------------------------------------------------
// Reload

async function csrfToken() {
  // Asked for on every reload: the answer also (re)sets the SameSite cookie that must match.
  const answer = await getJson('/kiosk/csrf');
  if (!answer || !isStr(answer.token)) throw new Error('no CSRF token from the kiosk');
  return answer.token;
}

function reloadSummary(result) {
  const box = $('reload-result');
  const list = (title, ids, tone) => (Array.isArray(ids) && ids.length
    ? el('div', { class: `diff diff-${tone}` }, el('h3', { class: 'diff-title', text: `${title} (${ids.length})` }),
      el('ul', {}, ids.map((id) => el('li', { text: String(id) }))))
    : null);
  const refused = Array.isArray(result.refused) ? result.refused : [];
  const refusedNode = refused.length
    ? el('div', { class: 'diff diff-bad' }, el('h3', { class: 'diff-title', text: `Refused (${refused.length})` }),
      el('ul', {}, refused.map((r) => el('li', {},
        el('strong', { text: String(pick(r, 'id') ?? '?') }), ': ',
        normReasons(pick(r, 'reasons')).map((x) => x.message || x.code).join('; ') || 'no reason given'))))
    : null;
  const added = pick(result, 'added') || [];
  const removed = pick(result, 'removed') || [];
  const changed = pick(result, 'changed') || [];
  const nothing = !added.length && !removed.length && !changed.length && !refused.length;
  replaceChildren(box,
    el('p', { class: 'reload-head' },
      el('strong', { text: 'Reload complete. ' }),
      result.generation !== undefined ? `Registry generation ${result.generation}. ` : '',
      nothing ? 'Nothing changed.' : ''),
    el('div', { class: 'diffs' },
      list('Added', added, 'ok'), list('Removed', removed, 'warn'), list('Changed', changed, 'info'), refusedNode));
  box.dataset.state = refused.length ? 'warn' : 'ok';
  box.hidden = false;
  announce(nothing ? 'Reload complete: nothing changed' :
    `Reload complete: ${added.length} added, ${removed.length} removed, ${changed.length} changed, ${refused.length} refused`);
}

async function reload() {
  const button = $('reload-button');
  const box = $('reload-result');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'Reloading…';
  try {
    const token = await csrfToken();
    const result = await getJson('/v1/admin/reload-modules', {
      method: 'POST',
      headers: { 'X-CSRF-Token': token, 'Content-Type': 'application/json' },
      body: '{}',
    });
    reloadSummary(result || {});
    await refresh({ withSchema: true });
  } catch (e) {
    replaceChildren(box, el('p', {}, el('strong', { text: 'Reload failed: ' }), e.message,
      e.code ? el('code', { class: 'reason-code', text: ` ${e.code}` }) : null));
    box.dataset.state = 'bad';
    box.hidden = false;
    announce(`Reload failed: ${e.message}`);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = 'Reload modules';
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

function setAllDetails(open) {
  for (const d of $('schema-body').querySelectorAll('details')) d.open = open;
}

function start() {
  $('reload-button').addEventListener('click', reload);
  $('schema-expand').addEventListener('click', () => setAllDetails(true));
  $('schema-collapse').addEventListener('click', () => setAllDetails(false));
  $('schema-copy').addEventListener('click', (ev) => {
    copyText(JSON.stringify(state.schema, null, 2), ev.currentTarget);
  });
  const loop = async () => {
    state.polls += 1;
    try {
      await refresh({ withSchema: state.polls % SCHEMA_EVERY === 0 });
    } catch (e) {
      setLive(false, e.message);
    }
    setTimeout(loop, POLL_MS);
  };
  loop();
}

start();
