// In-memory slashing protection following Web3Signer's DbSlashingProtection rules
// (../shared/reference/web3signer.md §7), without PostgreSQL. check() returns null when the
// signature may be made (and records it), or the reason it may not; the server answers 412.
export class SlashingProtection {
  constructor() {
    this.gvr = null;            // the first genesis_validators_root seen, like the DB's
    this.blocks = new Map();    // pubkey -> Map(slot -> root hex)
    this.attestations = new Map();  // pubkey -> [{source, target, root}]
    this.disabled = new Set();  // deleted through the keymanager
  }

  check(pubkey, request) {
    if (request.kind !== 'block' && request.kind !== 'attestation') return null;
    if (this.disabled.has(pubkey)) return 'validator disabled';
    if (this.gvr === null) this.gvr = request.gvr;
    else if (request.gvr !== this.gvr) return 'genesis validators root mismatch';
    const root = Buffer.from(request.root).toString('hex');
    if (request.kind === 'block') {
      const signed = this.blocks.get(pubkey) ?? new Map();
      const previous = signed.get(request.slot);
      if (previous !== undefined) return previous === root ? null : 'double proposal';
      signed.set(request.slot, root);
      this.blocks.set(pubkey, signed);
      return null;
    }
    const { source, target } = request;
    if (source > target) return 'source after target';
    const signed = this.attestations.get(pubkey) ?? [];
    for (const previous of signed) {
      if (previous.target === target) {
        if (previous.root === root) return null;  // the same vote again is allowed
        return 'double vote';
      }
      if (source < previous.source && target > previous.target) return 'surrounding vote';
      if (source > previous.source && target < previous.target) return 'surrounded vote';
    }
    signed.push({ source, target, root });
    this.attestations.set(pubkey, signed);
    return null;
  }

  disable(pubkey) {
    this.disabled.add(pubkey);
  }
}
