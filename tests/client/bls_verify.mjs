// Independent BLS check for the node-flow tests: verifies a signature with blst
// (@chainsafe/blst, minimal-pubkey-size, DST BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_).
//
//   node tests/client/bls_verify.mjs <pubkey hex> <message hex> <signature hex>
//
// Prints "valid" and exits 0, or "invalid" and exits 1; exits 2 if blst cannot be loaded.
let blst;
try {
  blst = await import('@chainsafe/blst');
} catch (e) {
  console.error(`bls_verify: cannot load @chainsafe/blst (${e.code ?? e.message}); run "npm ci"`);
  process.exit(2);
}
const bytes = (h) => new Uint8Array(Buffer.from(h.startsWith('0x') ? h.slice(2) : h, 'hex'));
const [pkHex, msgHex, sigHex] = process.argv.slice(2);
let ok = false;
try {
  const pk = blst.PublicKey.fromBytes(bytes(pkHex), true);
  const sig = blst.Signature.fromBytes(bytes(sigHex), true, false);
  ok = blst.verify(bytes(msgHex), pk, sig, true, true);
} catch (e) {
  console.error(`bls_verify: ${e.message}`);
}
console.log(ok ? 'valid' : 'invalid');
process.exit(ok ? 0 : 1);
