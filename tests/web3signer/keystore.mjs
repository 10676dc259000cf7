// EIP-2335 keystore decryption for the test server's keymanager import, written with node's
// own crypto (scrypt, PBKDF2-HMAC-SHA256, AES-128-CTR, SHA-256) so it is independent of the C++
// implementation whose output it checks. Returns the 32-byte secret; throws Error with a message
// in Web3Signer's style ("Failed to decrypt keystore: ...") on any failure.
import crypto from 'node:crypto';

// The EIP's password rule: NFKD, then drop C0, DEL and C1 control codes.
export function normalizePassword(password) {
  return Buffer.from(password.normalize('NFKD').replace(/[\u0000-\u001f\u007f-\u009f]/g, ''), 'utf8');
}

function deriveKey(kdf, password) {
  const params = kdf.params ?? {};
  const salt = Buffer.from(params.salt ?? '', 'hex');
  if (kdf.function === 'scrypt') {
    const { n, r, p, dklen } = params;
    // maxmem must cover 128 * n * r bytes; the EIP's own parameters need 256 MiB.
    return crypto.scryptSync(password, salt, dklen, { N: n, r, p, maxmem: 128 * n * r + (1 << 20) });
  }
  if (kdf.function === 'pbkdf2') {
    if (params.prf !== 'hmac-sha256') throw new Error(`unsupported prf ${params.prf}`);
    return crypto.pbkdf2Sync(password, salt, params.c, params.dklen, 'sha256');
  }
  throw new Error(`unsupported kdf ${kdf.function}`);
}

export function decryptKeystore(keystoreText, password) {
  try {
    const keystore = typeof keystoreText === 'string' ? JSON.parse(keystoreText) : keystoreText;
    if (keystore.version !== 4) throw new Error(`unsupported version ${keystore.version}`);
    const { kdf, checksum, cipher } = keystore.crypto;
    const key = deriveKey(kdf, normalizePassword(password));
    if (key.length < 32) throw new Error('dklen below 32');
    const ciphertext = Buffer.from(cipher.message, 'hex');
    if (checksum.function !== 'sha256') throw new Error(`unsupported checksum ${checksum.function}`);
    const digest = crypto.createHash('sha256').update(key.subarray(16, 32)).update(ciphertext).digest();
    if (!crypto.timingSafeEqual(digest, Buffer.from(checksum.message, 'hex'))) {
      throw new Error('Invalid password');
    }
    if (cipher.function !== 'aes-128-ctr') throw new Error(`unsupported cipher ${cipher.function}`);
    const decipher = crypto.createDecipheriv('aes-128-ctr', key.subarray(0, 16), Buffer.from(cipher.params.iv, 'hex'));
    const secret = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    if (secret.length !== 32) throw new Error('secret is not 32 bytes');
    return { secret, declaredPubkey: keystore.pubkey, path: keystore.path ?? null };
  } catch (e) {
    throw new Error(`Failed to decrypt keystore: ${e.message}`);
  }
}
