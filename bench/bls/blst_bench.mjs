// The operations of bench/bls/bls_bench.cc, timed in blst through @chainsafe/blst, printed as
// JSON {name: CPU microseconds}. Used by bench/bls-vs-blst; names must match bls_bench's.
// @chainsafe/blst has no hash-to-curve or pairing entry point, so those two have no blst figure.
import * as blst from '@chainsafe/blst';

const minSeconds = Number(process.argv[2] ?? '1');
const msg = new Uint8Array(32).fill(0xab);
const key = (tag) => blst.SecretKey.fromKeygen(new Uint8Array(32).fill(tag));

// Runs fn repeatedly for at least minSeconds of CPU time (after a short warm-up); mean CPU
// microseconds per call. CPU time, like bls_bench's cpu_time, so a loaded machine that
// deschedules the process does not skew the ratio.
function time(fn) {
  for (let i = 0; i < 3; i++) fn();
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  let n = 0;
  const t0 = cpu();
  let t = t0;
  while (t - t0 < minSeconds * 1e6) {
    fn();
    n++;
    t = cpu();
  }
  return (t - t0) / n;
}

function check(ok, what) {
  if (!ok) throw new Error(`${what} returned false`);
}

const sk = key(1);
const pk = sk.toPublicKey();
const sig = sk.sign(msg);
const pkBytes = pk.toBytes(true);
const sigBytes = sig.toBytes(true);

const sks100 = Array.from({ length: 100 }, (_, i) => key(i + 1));
const pks100 = sks100.map((k) => k.toPublicKey());
const fastAgg = blst.aggregateSignatures(sks100.map((k) => k.sign(msg)));

const msgs10 = Array.from({ length: 10 }, (_, i) => new Uint8Array(32).fill(i));
const pks10 = pks100.slice(0, 10);
const agg10 = blst.aggregateSignatures(sks100.slice(0, 10).map((k, i) => k.sign(msgs10[i])));

const results = {
  keygen: time(() => key(1)),
  sk_to_pk: time(() => sk.toPublicKey().toBytes(true)),
  sign: time(() => sk.sign(msg).toBytes(true)),
  // Decoded, already-validated inputs, as in ours: the pairing check only.
  verify: time(() => check(blst.verify(msg, pk, sig, false, false), 'verify')),
  pk_decode_validate: time(() => blst.PublicKey.fromBytes(pkBytes, true)),
  sig_decode_validate: time(() => blst.Signature.fromBytes(sigBytes, true)),
  fast_aggregate_verify_100: time(() => check(blst.fastAggregateVerify(msg, pks100, fastAgg, false), 'fav')),
  aggregate_verify_10: time(() => check(blst.aggregateVerify(msgs10, pks10, agg10, false, false), 'av')),
};
console.log(JSON.stringify(results));
