// Checks signatures made by the key vault (tests/keys/vault_sign_tool) with code that shares
// nothing with ours: BLS under the SIG ciphersuite with @chainsafe/blst, BLS under the POP
// ciphersuite with @noble/curves (blst's binding fixes the SIG DST), ECDSA with @noble/curves
// (compact and DER, low-S required) and node:crypto (OpenSSL, DER over the message).
//
//   node tests/js/vault_signatures.mjs --tool PATH [--per-key 40]
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DST_POP = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function importOrExplain(name) {
  try {
    return await import(name);
  } catch (e) {
    console.error(`vault_signatures: cannot load ${name} (${e.code ?? e.message}); run "npm ci".`);
    process.exit(1);
  }
}

// SubjectPublicKeyInfo DER for a compressed EC point, so node:crypto can import it.
const SPKI_PREFIX = {
  secp256k1: '3036301006072a8648ce3d020106052b8104000a032200',
  p256: '3039301306072a8648ce3d020106082a8648ce3d030107032200',
};

const tool = arg('--tool');
const perKey = arg('--per-key', '40');
if (!tool) {
  console.error('usage: vault_signatures.mjs --tool PATH [--per-key N]');
  process.exit(2);
}
const blst = await importOrExplain('@chainsafe/blst');
const { bls12_381: bls } = await importOrExplain('@noble/curves/bls12-381.js');
const { secp256k1 } = await importOrExplain('@noble/curves/secp256k1.js');
const { p256 } = await importOrExplain('@noble/curves/nist.js');

const dir = mkdtempSync(join(tmpdir(), 'cryfttee-vault-sigs-'));
let run;
try {
  run = spawnSync(tool, [join(dir, 'data'), perKey], { encoding: 'utf8', maxBuffer: 64 << 20 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (run.status !== 0) {
  console.error(`vault_signatures: tool failed (${run.status}): ${run.stderr}`);
  process.exit(1);
}

const failures = [];
const counts = {};
const check = (kind, ok, line) => {
  counts[kind] = (counts[kind] ?? 0) + 1;
  if (!ok) failures.push({ kind, line });
};
const L = bls.longSignatures;
for (const text of run.stdout.split('\n').filter(Boolean)) {
  try {
    checkLine(JSON.parse(text), text);
  } catch (e) {
    failures.push({ kind: 'exception', error: String(e), line: text });
  }
}
function checkLine(c, text) {
  if (c.kind === 'bls_sig') {
    const pk = blst.PublicKey.fromBytes(bytes(c.pk), true);
    const sig = blst.Signature.fromBytes(bytes(c.sig), true);
    check('bls_sig/blst', blst.verify(bytes(c.msg), pk, sig, true, true), text);
    // A SIG signature must not verify as a POP one: the DST is really applied.
    const nPk = bls.G1.Point.fromBytes(bytes(c.pk));
    const nSig = bls.G2.Point.fromBytes(bytes(c.sig));
    check('bls_sig/not_pop', !L.verify(nSig, L.hash(bytes(c.msg), DST_POP), nPk), text);
  } else if (c.kind === 'bls_pop') {
    const nPk = bls.G1.Point.fromBytes(bytes(c.pk));
    const nSig = bls.G2.Point.fromBytes(bytes(c.sig));
    check('bls_pop/noble', L.verify(nSig, L.hash(bytes(c.msg), DST_POP), nPk), text);
    const pk = blst.PublicKey.fromBytes(bytes(c.pk), true);
    const sig = blst.Signature.fromBytes(bytes(c.sig), true);
    check('bls_pop/not_sig_blst', !blst.verify(bytes(c.msg), pk, sig, true, true), text);
  } else if (c.kind === 'ecdsa') {
    const curve = c.curve === 'secp256k1' ? secp256k1 : p256;
    const opts = { prehash: false, lowS: true };
    check(`ecdsa_${c.curve}/noble_compact`, curve.verify(bytes(c.compact), bytes(c.digest), bytes(c.pk), opts), text);
    check(`ecdsa_${c.curve}/noble_der`, curve.verify(bytes(c.der), bytes(c.digest), bytes(c.pk), { ...opts, format: 'der' }), text);
    const key = createPublicKey({ key: Buffer.from(SPKI_PREFIX[c.curve] + c.pk, 'hex'), format: 'der', type: 'spki' });
    check(`ecdsa_${c.curve}/node_openssl`, nodeVerify('sha256', Buffer.from(c.msg, 'hex'), key, Buffer.from(c.der, 'hex')), text);
  } else {
    failures.push({ kind: 'unknown', line: text });
  }
}
console.log('vault_signatures: checked', JSON.stringify(counts));
if (failures.length > 0 || Object.keys(counts).length < 9) {
  console.error('vault_signatures: FAILED', JSON.stringify(failures.slice(0, 10), null, 1));
  process.exit(1);
}
