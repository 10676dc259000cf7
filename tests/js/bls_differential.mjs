// Differential test: recomputes every field that tests/crypto/bls12_381/vectors/bls_diff_tool emits (our BLS library's
// outputs over seeded random cases) with two independent implementations, blst (through
// @chainsafe/blst, on every case) and noble (@noble/curves, on a subset in a worker thread because
// it is ~25x slower), plus a node:crypto HKDF for KeyGen. Any disagreement fails the run.
//
//   node tests/js/bls_differential.mjs --tool PATH [--cases 10000] [--seed N] [--noble-every 50]
//
// The seed is fresh each run unless given; it is printed so a failure can be replayed exactly.

import { spawn } from 'node:child_process';
import { createHmac, createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

const DST_SIG = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const DST_POP = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const MAX_REPORTED = 20;

const hex = (u8) => Buffer.from(u8).toString('hex');
const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const strip0x = (h) => (h.startsWith('0x') ? h.slice(2) : h);

async function importOrExplain(name) {
  try {
    return await import(name);
  } catch (e) {
    console.error(
      `bls_differential: cannot load ${name} (${e.code ?? e.message}).\n` +
        `Run "npm ci" in the repository root first (the Makefile does this before tests).`,
    );
    process.exit(1);
  }
}

// Collects mismatches; each names the case, the field and both values.
class Mismatches {
  constructor(who) {
    this.who = who;
    this.list = [];
    this.checked = 0;
  }
  eq(c, field, ours, theirs) {
    this.checked++;
    if (ours !== theirs) this.list.push({ i: c.i, field, ours, [this.who]: theirs });
  }
}

// ---------- KeyGen (IETF draft-04 / EIP-2333 HKDF_mod_r) from node:crypto, a third opinion ----
const R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
function hkdfModR(ikm, keyInfo) {
  let salt = Buffer.from('BLS-SIG-KEYGEN-SALT-');
  for (;;) {
    salt = createHash('sha256').update(salt).digest();
    const prk = createHmac('sha256', salt).update(Buffer.concat([ikm, Buffer.from([0])])).digest();
    const info = Buffer.concat([keyInfo, Buffer.from([0, 48])]);
    let okm = Buffer.alloc(0);
    let t = Buffer.alloc(0);
    for (let n = 1; okm.length < 48; n++) {
      t = createHmac('sha256', prk).update(Buffer.concat([t, info, Buffer.from([n])])).digest();
      okm = Buffer.concat([okm, t]);
    }
    const sk = BigInt('0x' + okm.subarray(0, 48).toString('hex')) % R;
    if (sk !== 0n) return sk.toString(16).padStart(64, '0');
  }
}

// ---------- blst: every case ---------------------------------------------------------------
function makeBlstChecker(blst) {
  const pkOrNull = (b) => {
    try {
      return blst.PublicKey.fromBytes(b, true);
    } catch {
      return null;
    }
  };
  // Our Signature::FromBytes accepts infinity (Verify then fails): mirror that.
  const sigOrNull = (b) => {
    try {
      return blst.Signature.fromBytes(b, true, false);
    } catch {
      return null;
    }
  };
  const verify = (pkHex, msgHex, sigHex) => {
    const pk = pkOrNull(bytes(pkHex));
    const sig = sigOrNull(bytes(sigHex));
    if (!pk || !sig) return false;
    try {
      return blst.verify(bytes(msgHex), pk, sig, true, true);
    } catch {
      return false;
    }
  };
  const decode = (m, which, c, d) => {
    const obj = which === 'pk' ? pkOrNull(bytes(m.bytes)) : sigOrNull(bytes(m.bytes));
    d.eq(c, `${which}_malformed[${m.kind}].ok`, m.ok, obj !== null);
    if (obj && m.ok) d.eq(c, `${which}_malformed[${m.kind}].reenc`, m.reenc, hex(obj.toBytes(true)));
  };

  return (c, d) => {
    if (c.keygen_error) {
      d.eq(c, 'keygen', c.keygen_error, 'success');
      return;
    }
    const sk = blst.SecretKey.fromKeygen(bytes(c.ikm), c.key_info ? bytes(c.key_info) : undefined);
    d.eq(c, 'sk', c.sk, strip0x(sk.toHex()));
    d.eq(c, 'sk(node:crypto hkdf)', c.sk, hkdfModR(Buffer.from(c.ikm, 'hex'), Buffer.from(c.key_info, 'hex')));
    d.eq(c, 'pk', c.pk, hex(sk.toPublicKey().toBytes(true)));
    d.eq(c, 'sig', c.sig, hex(sk.sign(bytes(c.msg)).toBytes(true)));
    d.eq(c, 'verify', c.verify, verify(c.pk, c.msg, c.sig));
    if (c.neg) d.eq(c, `neg[${c.neg.kind}]`, c.neg.result, verify(c.neg.pk, c.neg.msg, c.neg.sig));
    decode(c.pk_malformed, 'pk', c, d);
    decode(c.sig_malformed, 'sig', c, d);

    if (c.sk_from_bytes) {
      const f = c.sk_from_bytes;
      let theirs = null;
      try {
        theirs = blst.SecretKey.fromBytes(bytes(f.bytes));
      } catch {}
      d.eq(c, 'sk_from_bytes.ok', f.ok, theirs !== null);  // blst also requires 0 < sk < r
      if (theirs && f.ok) d.eq(c, 'sk_from_bytes.pk', f.pk, hex(theirs.toPublicKey().toBytes(true)));
    }
    if (c.eip2333) {
      const e = c.eip2333;
      const master = blst.SecretKey.deriveMasterEip2333(bytes(e.seed));
      d.eq(c, 'eip2333.master', e.master, strip0x(master.toHex()));
      d.eq(c, 'eip2333.child', e.child, strip0x(master.deriveChildEip2333(e.index).toHex()));
      let k = master;
      for (const part of e.path.split('/').slice(1)) k = k.deriveChildEip2333(Number(part));
      d.eq(c, `eip2333.path(${e.path})`, e.path_sk, strip0x(k.toHex()));
    }
    if (c.aggregate) {
      const a = c.aggregate;
      const sigs = a.sigs.map((s) => blst.Signature.fromBytes(bytes(s), true));
      const pks = a.pks.map((p) => blst.PublicKey.fromBytes(bytes(p), true));
      const msgs = a.msgs.map(bytes);
      const agg = blst.aggregateSignatures(sigs, true);
      d.eq(c, 'aggregate.agg', a.agg, hex(agg.toBytes(true)));
      d.eq(c, 'aggregate.verify', a.agg_verify, blst.aggregateVerify(msgs, pks, agg, true, true));
      const sets = (order) => order.map((k, n) => ({ msg: msgs[n], pk: pks[n], sig: sigs[k] }));
      d.eq(c, 'batch_verify', a.batch_verify, blst.verifyMultipleAggregateSignatures(sets([0, 1, 2]), true, true));
      d.eq(c, 'batch_verify_swapped_sigs', a.batch_verify_swapped_sigs, blst.verifyMultipleAggregateSignatures(sets([1, 0, 2]), true, true));
      [msgs[0], msgs[1]] = [msgs[1], msgs[0]];
      d.eq(c, 'aggregate.verify_swapped', a.agg_verify_swapped, blst.aggregateVerify(msgs, pks, agg, true, true));
      const fast = blst.Signature.fromBytes(bytes(a.fast_agg), true, false);
      const m = bytes(a.fast_msg);
      d.eq(c, 'fast.verify', a.fast_verify, blst.fastAggregateVerify(m, pks, fast, true));
      d.eq(c, 'fast.verify_missing_key', a.fast_verify_missing_key, blst.fastAggregateVerify(m, pks.slice(0, -1), fast, true));
    }
  };
}

// ---------- noble: a subset, in a worker ----------------------------------------------------
async function nobleWorker() {
  const { bls12_381: bls } = await import('@noble/curves/bls12-381.js');
  const L = bls.longSignatures;
  const H = (msgHex, dst = DST_SIG) => L.hash(bytes(msgHex), dst);
  const g1OrNull = (b, keyValidate) => {
    try {
      const p = bls.G1.Point.fromBytes(b);
      p.assertValidity();
      return keyValidate && p.is0() ? null : p;
    } catch {
      return null;
    }
  };
  const g2OrNull = (b) => {
    try {
      const p = bls.G2.Point.fromBytes(b);
      p.assertValidity();
      return p;
    } catch {
      return null;
    }
  };
  const verify = (pkHex, msgHex, sigHex, dst = DST_SIG) => {
    const pk = g1OrNull(bytes(pkHex), true);
    const sig = g2OrNull(bytes(sigHex));
    if (!pk || !sig) return false;
    return L.verify(sig, H(msgHex, dst), pk);
  };
  const g2hex = (p) => hex(L.Signature.toBytes(p));

  parentPort.on('message', (c) => {
    const d = new Mismatches('noble');
    if (c === null) {
      parentPort.postMessage(null);
      return;
    }
    if (!c.keygen_error) {
      const sk = bytes(c.sk);
      d.eq(c, 'pk', c.pk, hex(L.getPublicKey(sk).toBytes(true)));
      d.eq(c, 'sig', c.sig, g2hex(L.sign(H(c.msg), sk)));
      d.eq(c, 'verify', c.verify, verify(c.pk, c.msg, c.sig));
      if (c.neg) d.eq(c, `neg[${c.neg.kind}]`, c.neg.result, verify(c.neg.pk, c.neg.msg, c.neg.sig));
      for (const [which, m] of [['pk', c.pk_malformed], ['sig', c.sig_malformed]]) {
        const p = which === 'pk' ? g1OrNull(bytes(m.bytes), true) : g2OrNull(bytes(m.bytes));
        d.eq(c, `${which}_malformed[${m.kind}].ok`, m.ok, p !== null);
        if (p && m.ok) d.eq(c, `${which}_malformed[${m.kind}].reenc`, m.reenc, which === 'pk' ? hex(p.toBytes(true)) : g2hex(p));
      }
      const n = c.noble_only;
      if (n) {
        d.eq(c, 'pop', n.pop, g2hex(L.sign(H(c.pk, DST_POP), sk)));
        d.eq(c, 'pop_verify', n.pop_verify, verify(c.pk, c.pk, n.pop, DST_POP));
        d.eq(c, 'not_pop_verify', n.not_pop_verify, verify(c.pk, c.pk, n.not_pop, DST_POP));
        d.eq(c, `dst_sig(${n.dst})`, n.dst_sig, g2hex(L.sign(H(c.msg, n.dst), sk)));
        d.eq(c, 'dst_verify', n.dst_verify, verify(c.pk, c.msg, n.dst_sig, n.dst));
        d.eq(c, 'dst_verify_sig_dst', n.dst_verify_sig_dst, verify(c.pk, c.msg, n.dst_sig));
      }
    }
    parentPort.postMessage({ checked: d.checked, list: d.list });
  });
}

// ---------- driver ----------------------------------------------------------------------------
function parseArgs(argv) {
  const a = { cases: 10000, seed: null, nobleEvery: 100, tool: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`missing value for ${k}`);
    if (k === '--tool') a.tool = v;
    else if (k === '--cases') a.cases = Number(v);
    else if (k === '--seed') a.seed = BigInt(v);
    else if (k === '--noble-every') a.nobleEvery = Number(v);
    else throw new Error(`unknown flag ${k}`);
  }
  if (!a.tool) throw new Error('--tool PATH is required');
  if (a.seed === null) a.seed = randomBytes(6).readUIntBE(0, 6);
  return a;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bls_differential: ${e.message}`);
    process.exit(2);
  }
  const blst = await importOrExplain('@chainsafe/blst');
  await importOrExplain('@noble/curves/bls12-381.js');
  const replay = `node tests/js/bls_differential.mjs --tool ${args.tool} --cases ${args.cases} --seed ${args.seed} --noble-every ${args.nobleEvery}`;
  console.log(`bls_differential: seed ${args.seed}, ${args.cases} cases (blst: all, noble: every ${args.nobleEvery}th)`);
  const t0 = Date.now();

  const worker = new Worker(new URL(import.meta.url));
  const nobleDone = new Promise((resolve) => {
    const acc = { checked: 0, list: [], cases: 0 };
    worker.on('message', (m) => {
      if (m === null) return resolve(acc);
      acc.cases++;
      acc.checked += m.checked;
      acc.list.push(...m.list);
    });
    worker.on('error', (e) => {
      acc.list.push({ i: -1, field: 'noble worker crashed', ours: '', noble: String(e.stack ?? e) });
      resolve(acc);
    });
  });

  const tool = spawn(args.tool, ['--seed', String(args.seed), '--cases', String(args.cases), '--noble-every', String(args.nobleEvery)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const toolExit = new Promise((resolve) => tool.on('close', (code, sig) => resolve(code ?? sig)));
  const check = makeBlstChecker(blst);
  const d = new Mismatches('blst');
  let cases = 0;
  let summary = null;
  for await (const line of createInterface({ input: tool.stdout })) {
    const c = JSON.parse(line);
    if (c.summary) {
      summary = c.summary;
      continue;
    }
    cases++;
    try {
      check(c, d);
    } catch (e) {
      d.list.push({ i: c.i, field: 'checker threw', ours: '', blst: String(e.stack ?? e) });
    }
    if (c.i % args.nobleEvery === 0) worker.postMessage(c);
  }
  worker.postMessage(null);
  const code = await toolExit;
  const noble = await nobleDone;
  await worker.terminate();

  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`bls_differential: ${cases} cases, ${d.checked} blst comparisons, ${noble.checked} noble comparisons over ${noble.cases} cases, ${secs}s`);
  const problems = [];
  if (code !== 0) problems.push(`bls_diff_tool exited with ${code}`);
  if (!summary || summary.cases !== args.cases || cases !== args.cases) {
    problems.push(`expected ${args.cases} cases, got ${cases} (summary ${JSON.stringify(summary)})`);
  }
  const expectedNoble = Math.ceil(args.cases / args.nobleEvery);
  if (noble.cases !== expectedNoble) problems.push(`noble checked ${noble.cases} cases, expected ${expectedNoble}`);
  const all = [...d.list, ...noble.list];
  if (all.length > 0) problems.push(`${all.length} mismatches`);
  for (const m of all.slice(0, MAX_REPORTED)) console.error('MISMATCH', JSON.stringify(m));
  if (problems.length > 0) {
    console.error(`bls_differential: FAILED: ${problems.join('; ')}\n  replay: ${replay}`);
    process.exit(1);
  }
  console.log('bls_differential: all implementations agree');
}

if (isMainThread) {
  await main();
} else {
  await nobleWorker();
}
