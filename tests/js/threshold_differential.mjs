// Differential test of threshold BLS (issue 13): drives `cryftteectl threshold` and
// threshold_diff_tool, and recomputes every group operation with @noble/curves and blst:
// share checks against G1 and G2 commitments, Pedersen's blinded commitments with an
// independently derived H, the group key from Lagrange interpolation, every partial signature,
// the recombined signature (blst verify), hash to G1, and the min-sig (KMS) scheme.
// Usage: node threshold_differential.mjs --ctl PATH --tool PATH [--rounds N]
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const ROUNDS = Number(args.rounds ?? 10);
let blst, noble;
try {
  blst = await import('@chainsafe/blst');
  noble = (await import('@noble/curves/bls12-381.js')).bls12_381;
} catch (e) {
  console.error(`threshold_differential: cannot load the npm oracles (${e.code ?? e.message}); run "npm ci"`);
  process.exit(2);
}
const { G1, G2 } = noble;
const r = noble.fields.Fr.ORDER;
const DST_SIG = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const DST_MINSIG = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
const H_TAG = 'cryfttee threshold Pedersen-VSS generator H v1';
const H_DST_G1 = 'CRYFTTEE-PEDERSEN-H-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_';

const hex = (b) => '0x' + Buffer.from(b).toString('hex');
const bytes = (h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const big = (h) => BigInt(h);
const mod = (a) => ((a % r) + r) % r;
const pow = (b, e) => { let x = 1n; b = mod(b); while (e > 0n) { if (e & 1n) x = mod(x * b); b = mod(b * b); e >>= 1n; } return x; };
const inv = (a) => pow(a, r - 2n);
const mul = (P, k) => (mod(k) === 0n ? P.constructor.ZERO : P.multiply(mod(k)));

let failures = 0;
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) { failures++; console.error(`FAIL: ${what}`); }
}

function ctl(...argv) {
  const p = spawnSync(args.ctl, ['threshold', ...argv], { encoding: 'utf8' });
  return { code: p.status, out: p.stdout, err: p.stderr, json: p.status === 0 || p.stdout.startsWith('{') ? JSON.parse(p.stdout || 'null') : null };
}

// sum_k x^k C_k with noble.
function evalCommitments(points, x) {
  let acc = points[0].constructor.ZERO;
  for (let k = points.length - 1; k >= 0; k--) acc = mul(acc, BigInt(x)).add(points[k]);
  return acc;
}

function lagrangeAtZero(indices) {
  return indices.map((i) => {
    let num = 1n, den = 1n;
    for (const j of indices) if (j !== i) { num = mod(num * BigInt(j)); den = mod(den * (BigInt(j) - BigInt(i))); }
    return mod(num * inv(den));
  });
}

function shuffle(a) { for (let i = a.length - 1; i > 0; i--) { const j = randomInt(i + 1); [a[i], a[j]] = [a[j], a[i]]; } return a; }

const Hg1 = G1.hashToCurve(new TextEncoder().encode(H_TAG), { DST: H_DST_G1 });

for (let round = 0; round < ROUNDS; round++) {
  const n = 1 + randomInt(15), t = 1 + randomInt(n);
  const scheme = round % 2 ? 'feldman' : 'pedersen';
  const given = round % 3 === 0 ? mod(BigInt(hex(randomBytes(32)))) || 1n : null;
  const dealArgs = ['deal', '--threshold', String(t), '--participants', String(n), '--scheme', scheme];
  if (given) dealArgs.push('--secret', '0x' + given.toString(16).padStart(64, '0'));
  const d = ctl(...dealArgs);
  const tag = `round ${round} (${scheme}, t=${t}, n=${n})`;
  check(d.code === 0, `${tag}: deal exit ${d.code} ${d.err}`);
  if (d.code !== 0) continue;
  const deal = d.json;
  check(deal.threshold === t && deal.participants === n, `${tag}: header`);
  check(deal.verification_vector.length === t && deal.shares.length === n, `${tag}: sizes`);
  check(deal.group_public_key === deal.verification_vector[0], `${tag}: group key is V_0`);
  const vv = deal.verification_vector.map((h) => G1.Point.fromHex(h.slice(2)));
  for (const s of deal.shares)
    check(G1.Point.BASE.multiply(big(s.secret)).equals(evalCommitments(vv, s.index)), `${tag}: share ${s.index} vs V`);
  if (scheme === 'pedersen') {
    check(deal.pedersen_h === hex(Hg1.toBytes(true)), `${tag}: H recomputed by noble`);
    const C = deal.blinded_commitments.map((h) => G1.Point.fromHex(h.slice(2)));
    for (const s of deal.shares) {
      const b = deal.blinding_shares.find((x) => x.index === s.index);
      const lhs = G1.Point.BASE.multiply(big(s.secret)).add(mul(Hg1, big(b.secret)));
      check(lhs.equals(evalCommitments(C, s.index)), `${tag}: Pedersen pair ${s.index}`);
    }
  }
  // Any t shares interpolate to the group key's discrete log (and to --secret when given).
  const chosen = shuffle([...deal.shares]).slice(0, t);
  const lambdas = lagrangeAtZero(chosen.map((s) => s.index));
  const secret = chosen.reduce((acc, s, k) => mod(acc + lambdas[k] * big(s.secret)), 0n);
  check(G1.Point.BASE.multiply(secret).toHex(true) === deal.group_public_key.slice(2), `${tag}: interpolated key`);
  if (given) check(secret === given, `${tag}: --secret honoured`);

  // verify-share: the dealt share passes, a shifted one fails with exit 1.
  const vvArg = deal.verification_vector.join(',');
  const s0 = chosen[0];
  check(ctl('verify-share', '--verification-vector', vvArg, '--index', String(s0.index), '--secret', s0.secret).code === 0, `${tag}: verify-share ok`);
  const wrong = '0x' + mod(big(s0.secret) + 1n).toString(16).padStart(64, '0');
  check(ctl('verify-share', '--verification-vector', vvArg, '--index', String(s0.index), '--secret', wrong).code === 1, `${tag}: verify-share rejects`);

  // Partial signatures, each recomputed by noble as s_i·H(m).
  const msg = randomBytes(randomInt(64));
  const Hm = G2.hashToCurve(msg, { DST: DST_SIG });
  const partials = chosen.map((s) => {
    const p = ctl('partial-sign', '--index', String(s.index), '--secret', s.secret, '--message', hex(msg));
    check(p.code === 0 && p.json.index === s.index, `${tag}: partial-sign ${s.index}`);
    check(p.json.partial_signature.slice(2) === mul(Hm, big(s.secret)).toHex(true), `${tag}: partial ${s.index} vs noble`);
    return `${s.index}:${p.json.partial_signature}`;
  });
  // A partial on another message from a share not in the chosen set must be named and skipped.
  const extra = deal.shares.find((s) => !chosen.includes(s));
  const extraArgs = [];
  if (extra) {
    const bad = ctl('partial-sign', '--index', String(extra.index), '--secret', extra.secret, '--message', '0x0badbad0');
    extraArgs.push('--partial', `${extra.index}:${bad.json.partial_signature}`);
  }
  const combineArgs = ['combine', '--threshold', String(t), '--message', hex(msg), '--verification-vector', vvArg];
  const c = ctl(...combineArgs, ...extraArgs, ...partials.flatMap((p) => ['--partial', p]));
  check(c.code === 0, `${tag}: combine exit ${c.code} ${c.err}`);
  if (c.code === 0) {
    const pk = blst.PublicKey.fromBytes(bytes(deal.group_public_key), true);
    const sig = blst.Signature.fromBytes(bytes(c.json.signature), true);
    check(blst.verify(msg, pk, sig, true, true), `${tag}: blst verifies the recombined signature`);
    check(c.json.signature.slice(2) === mul(Hm, secret).toHex(true), `${tag}: signature = secret·H(m)`);
  }
  if (extra) check(c.err.includes(`invalid partial: index ${extra.index}`), `${tag}: invalid partial named (${c.err})`);
  if (t > 1) {
    const few = ctl(...combineArgs, ...partials.slice(1).flatMap((p) => ['--partial', p]));
    check(few.code === 1, `${tag}: t-1 partials exit ${few.code}`);
  }
}

// Usage errors exit 2.
check(ctl('deal', '--threshold', '3', '--participants', '2').code === 2, 'deal t > n is a usage error');
check(ctl('partial-sign', '--index', '1', '--secret', '0x12', '--message', '0x').code === 2, 'short secret is a usage error');
check(ctl('combine', '--threshold', '1', '--message', '0x', '--verification-vector', '0x00', '--partial', '1:0x00').code === 2, 'short vector entry is a usage error');

// Library-level operations the CLI does not expose.
const tool = spawnSync(args.tool, [String(ROUNDS * 2)], { encoding: 'utf8' });
check(tool.status === 0, `threshold_diff_tool exit ${tool.status}`);
const kinds = {};
for (const line of tool.stdout.trim().split('\n')) {
  const c = JSON.parse(line);
  kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
  if (c.kind === 'h2g1') {
    const p = G1.hashToCurve(bytes(c.msg), { DST: c.dst });
    check(p.toHex(true) === c.point.slice(2), `hash to G1 of ${c.msg.slice(0, 20)} under ${c.dst}`);
  } else if (c.kind === 'g2vss') {
    const C = c.commitments.map((h) => G2.Point.fromHex(h.slice(2)));
    for (const s of c.shares)
      check(G2.Point.BASE.multiply(big(s.secret)).equals(evalCommitments(C, s.index)), `G2 commitments, share ${s.index}`);
  } else if (c.kind === 'minsig') {
    const S = noble.shortSignatures;
    const h = S.hash(bytes(c.msg), DST_MINSIG);
    const vv = c.vv.map((x) => G2.Point.fromHex(x.slice(2)));
    for (const p of c.partials) {
      const pk = evalCommitments(vv, p.index);
      check(S.verify(G1.Point.fromHex(p.sig.slice(2)), h, pk), `min-sig partial ${p.index}`);
    }
    check(S.verify(G1.Point.fromHex(c.signature.slice(2)), h, vv[0]), 'min-sig recombined signature');
  }
}
check(kinds.h2g1 > 0 && kinds.g2vss > 0 && kinds.minsig > 0, 'diff tool emitted every kind');

console.log(`threshold_differential: ${checks} checks, ${failures} failures`);
process.exit(failures ? 1 : 0);
