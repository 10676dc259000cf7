// Independent BLS verification for daemon-level tests: reads a JSON array of
// {scheme: "sig"|"pop", pk, msg, sig} (hex, no 0x) from the file named by argv[2] and prints a
// JSON array of booleans. SIG is checked with @chainsafe/blst (whose binding fixes the SIG
// ciphersuite), POP with @noble/curves under the POP DST.
import { readFileSync } from 'node:fs';

const DST_POP = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const bytes = (h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));

let blst, noble;
try {
  blst = await import('@chainsafe/blst');
  noble = (await import('@noble/curves/bls12-381.js')).bls12_381;
} catch (e) {
  console.error(`verify_bls: cannot load the npm oracles (${e.code ?? e.message}); run "npm ci"`);
  process.exit(2);
}
const L = noble.longSignatures;
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = cases.map((c) => {
  try {
    if (c.scheme === 'sig') {
      const pk = blst.PublicKey.fromBytes(bytes(c.pk), true);
      const sig = blst.Signature.fromBytes(bytes(c.sig), true);
      return blst.verify(bytes(c.msg), pk, sig, true, true);
    }
    const pk = noble.G1.Point.fromBytes(bytes(c.pk));
    const sig = noble.G2.Point.fromBytes(bytes(c.sig));
    return L.verify(sig, L.hash(bytes(c.msg), DST_POP), pk);
  } catch (e) {
    return false;
  }
});
console.log(JSON.stringify(results));
