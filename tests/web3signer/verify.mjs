// Independent check of signatures cryfttee returns: reads a JSON array from the file argv[2],
// each {"pubkey":"0x..","signature":"0x..", "request": <Web3Signer sign body>} (the signing root
// is recomputed here from the typed object with @lodestar/types) or {"pubkey","signature",
// "message":"hex"} (raw bytes), and prints a JSON array of booleans from @chainsafe/blst. A case
// with "pop": true is a proof of possession: @noble/curves checks it under the POP ciphersuite
// (blst's binding fixes the signature suite), over "message" or, without one, the public key.
import { readFileSync } from 'node:fs';
import { PublicKey, Signature, verify } from '@chainsafe/blst';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { computeSigningRoot, NETWORKS } from './signing_root.mjs';

const DST_POP = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

const bytes = (h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = cases.map((c) => {
  try {
    if (c.pop) {
      const L = bls12_381.longSignatures;
      const msg = bytes(c.message ?? c.pubkey);
      return L.verify(bls12_381.G2.Point.fromBytes(bytes(c.signature)), L.hash(msg, DST_POP),
                      bls12_381.G1.Point.fromBytes(bytes(c.pubkey)));
    }
    const msg = c.request ? computeSigningRoot(c.request, NETWORKS.mainnet).root : bytes(c.message);
    return verify(msg, PublicKey.fromBytes(bytes(c.pubkey), true), Signature.fromBytes(bytes(c.signature), true), true, true);
  } catch {
    return false;
  }
});
console.log(JSON.stringify(results));
