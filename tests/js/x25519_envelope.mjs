// Independent implementation of crypto/x25519_envelope (node:crypto only), for its tests:
//   node tests/js/x25519_envelope.mjs seal <recipient_pub_hex> <aad_hex> <plaintext_hex>
//       -> envelope hex on stdout
//   node tests/js/x25519_envelope.mjs open <recipient_priv_hex> <aad_hex> <envelope_hex>
//       -> plaintext hex on stdout, exit 1 when it does not open
//   node tests/js/x25519_envelope.mjs public <priv_hex> -> public key hex
import crypto from 'node:crypto';

const INFO = Buffer.from('cryfttee-x25519-envelope-v1');
const b64u = (b) => Buffer.from(b).toString('base64url');

function publicKeyObject(raw) {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(raw) }, format: 'jwk' });
}
function privateKeyObject(raw) {
  const pub = crypto.createPublicKey(
    crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(raw), x: b64u(Buffer.alloc(32)) }, format: 'jwk' }));
  return crypto.createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: b64u(raw), x: pub.export({ format: 'jwk' }).x }, format: 'jwk' });
}
function rawPublic(keyObject) {
  const pub = keyObject.type === 'public' ? keyObject : crypto.createPublicKey(keyObject);
  return Buffer.from(pub.export({ format: 'jwk' }).x, 'base64url');
}
function keyAndNonce(shared, ephPub, recipientPub) {
  const okm = Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephPub, recipientPub]), INFO, 44));
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

const [cmd, a, b, c] = process.argv.slice(2);
if (cmd === 'public') {
  process.stdout.write(rawPublic(privateKeyObject(Buffer.from(a, 'hex'))).toString('hex'));
} else if (cmd === 'seal') {
  const recipientPub = Buffer.from(a, 'hex');
  const eph = crypto.generateKeyPairSync('x25519');
  const ephPub = rawPublic(eph.publicKey);
  const shared = crypto.diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyObject(recipientPub) });
  const { key, nonce } = keyAndNonce(shared, ephPub, recipientPub);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(b, 'hex'));
  const ct = Buffer.concat([cipher.update(Buffer.from(c, 'hex')), cipher.final(), cipher.getAuthTag()]);
  process.stdout.write(Buffer.concat([Buffer.from([1]), ephPub, ct]).toString('hex'));
} else if (cmd === 'open') {
  const priv = privateKeyObject(Buffer.from(a, 'hex'));
  const env = Buffer.from(c, 'hex');
  if (env.length < 49 || env[0] !== 1) process.exit(1);
  const ephPub = env.subarray(1, 33);
  const sealed = env.subarray(33);
  const shared = crypto.diffieHellman({ privateKey: priv, publicKey: publicKeyObject(ephPub) });
  const { key, nonce } = keyAndNonce(shared, ephPub, rawPublic(priv));
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(b, 'hex'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    const pt = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
    process.stdout.write(pt.toString('hex'));
  } catch {
    process.exit(1);
  }
} else {
  console.error('usage: x25519_envelope.mjs seal|open|public ...');
  process.exit(2);
}
