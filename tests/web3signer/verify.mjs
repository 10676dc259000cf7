// Independent check of signatures cryfttee returns: reads a JSON array from the file argv[2],
// each {"pubkey":"0x..","signature":"0x..", "request": <Web3Signer sign body>} (the signing root
// is recomputed here from the typed object with @lodestar/types) or {"pubkey","signature",
// "message":"hex"} (raw bytes), and prints a JSON array of booleans from @chainsafe/blst.
import { readFileSync } from 'node:fs';
import { PublicKey, Signature, verify } from '@chainsafe/blst';
import { computeSigningRoot, NETWORKS } from './signing_root.mjs';

const bytes = (h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = cases.map((c) => {
  try {
    const msg = c.request ? computeSigningRoot(c.request, NETWORKS.mainnet).root : bytes(c.message);
    return verify(msg, PublicKey.fromBytes(bytes(c.pubkey), true), Signature.fromBytes(bytes(c.signature), true), true, true);
  } catch {
    return false;
  }
});
console.log(JSON.stringify(results));
