// Independent check of what a KMS operator group produced (tests/kms/kms_node_test.cc), with
// @noble/curves and @chainsafe/blst only. Reads one JSON document on stdin:
//   {"appID": "...", "commitments": ["0x<G2>"...], "commitments_g1": ["0x<G1>"...],
//    "partials": [{"index": i, "partialSignature": "0x<G1>"}...],
//    "node": {"message": "0x..", "public_key": "0x<G1>", "signature": "0x<G2>"}}
// and checks: every G1 commitment and its G2 twin commit to the same scalar (pairing); every
// /app/sign partial verifies under its public key share (from the G2 commitments); the partials
// recombined here (Lagrange at 0, noble) give a min-sig signature that verifies under
// commitments[0]; the node signature verifies with blst under the G1 group key.
// Prints {"ok":true,"checks":N,"signature":"0x.."} (exit 0) or the failures (exit 1).
import { bls12_381 as noble } from '@noble/curves/bls12-381.js';
import * as blst from '@chainsafe/blst';

const DST_MINSIG = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
const { G1, G2 } = noble;
const r = noble.fields.Fr.ORDER;
const bytes = (h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const mod = (a) => ((a % r) + r) % r;
const pow = (b, e) => { let x = 1n; b = mod(b); while (e > 0n) { if (e & 1n) x = mod(x * b); b = mod(b * b); e >>= 1n; } return x; };
const mul = (P, k) => (mod(k) === 0n ? P.constructor.ZERO : P.multiply(mod(k)));

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));

const failures = [];
let checks = 0;
const check = (cond, what) => { checks++; if (!cond) failures.push(what); };

const C2 = input.commitments.map((h) => G2.Point.fromHex(h.slice(2)));
const C1 = input.commitments_g1.map((h) => G1.Point.fromHex(h.slice(2)));
check(C1.length === C2.length && C1.length > 0, 'as many G1 as G2 commitments');
for (let k = 0; k < Math.min(C1.length, C2.length); k++) {
  const lhs = noble.pairing(C1[k], G2.Point.BASE);
  const rhs = noble.pairing(G1.Point.BASE, C2[k]);
  check(noble.fields.Fp12.eql(lhs, rhs), `commitment ${k}: e(C1, g2) == e(g1, C2)`);
}

const S = noble.shortSignatures;
const h = S.hash(new TextEncoder().encode(input.appID), DST_MINSIG);
const evalAt = (points, x) => {
  let acc = points[0].constructor.ZERO;
  for (let k = points.length - 1; k >= 0; k--) acc = mul(acc, BigInt(x)).add(points[k]);
  return acc;
};
const indices = input.partials.map((p) => BigInt(p.index));
let sig = G1.Point.ZERO;
for (const p of input.partials) {
  const point = G1.Point.fromHex(p.partialSignature.slice(2));
  check(S.verify(point, h, evalAt(C2, p.index)), `partial ${p.index} verifies under its key share`);
  let num = 1n, den = 1n;
  for (const j of indices) if (j !== BigInt(p.index)) { num = mod(num * j); den = mod(den * (j - BigInt(p.index))); }
  sig = sig.add(mul(point, mod(num * pow(den, r - 2n))));
}
check(S.verify(sig, h, C2[0]), 'recombined app signature verifies under commitments[0]');

if (input.node) {
  const pk = blst.PublicKey.fromBytes(bytes(input.node.public_key), true);
  const s = blst.Signature.fromBytes(bytes(input.node.signature), true);
  check(blst.verify(bytes(input.node.message), pk, s, true, true), 'blst verifies the node signature');
  check(input.node.public_key === input.commitments_g1[0], 'node key is commitments_g1[0]');
}

if (failures.length) {
  console.log(JSON.stringify({ ok: false, checks, failures }));
  process.exit(1);
}
console.log(JSON.stringify({ ok: true, checks, signature: '0x' + sig.toHex(true) }));
