// Signing-root recomputation for the eth2 sign endpoint, as Web3Signer does it
// (../shared/reference/web3signer.md §4): the root is always recomputed from the typed object and
// fork_info, never taken from the request. SSZ comes from @chainsafe/ssz through @lodestar/types,
// a maintained consensus implementation independent of our C++ code.
//
// computeSigningRoot(body) returns {root, kind, slot?, source?, target?} or throws a
// RequestError whose status follows Web3Signer: 400 for a malformed value (bad hex, bad uint64,
// unknown type, empty block request), 500 for a missing typed object or fork_info (an exception
// thrown inside the handler).
import { ssz } from '@lodestar/types';

export class RequestError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Network constants. mainnet is Web3Signer's default --network.
export const NETWORKS = {
  mainnet: { slotsPerEpoch: 32, genesisForkVersion: '0x00000000' },
  minimal: { slotsPerEpoch: 8, genesisForkVersion: '0x00000001' },
};

const DOMAIN = {
  BEACON_PROPOSER: '00000000',
  BEACON_ATTESTER: '01000000',
  RANDAO: '02000000',
  DEPOSIT: '03000000',
  VOLUNTARY_EXIT: '04000000',
  SELECTION_PROOF: '05000000',
  AGGREGATE_AND_PROOF: '06000000',
  SYNC_COMMITTEE: '07000000',
  SYNC_COMMITTEE_SELECTION_PROOF: '08000000',
  CONTRIBUTION_AND_PROOF: '09000000',
  APPLICATION_BUILDER: '00000001',
};

const hex = (u8) => Buffer.from(u8).toString('hex');
const ZERO_ROOT = new Uint8Array(32);

// Tuweni's Bytes.fromHexString: optional 0x, even length, hex digits only.
function parseHex(value, length, what) {
  if (typeof value !== 'string') throw new RequestError(400, `${what}: not a hex string`);
  const digits = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new RequestError(400, `${what}: malformed hex`);
  }
  const bytes = new Uint8Array(Buffer.from(digits, 'hex'));
  if (length !== undefined && bytes.length !== length) {
    throw new RequestError(400, `${what}: expected ${length} bytes`);
  }
  return bytes;
}

// uint64 travels as a decimal string; Jackson also binds a JSON number.
function parseUint64(value, what) {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^[0-9]{1,20}$/.test(text) || BigInt(text) > 0xffffffffffffffffn) {
    throw new RequestError(400, `${what}: malformed uint64`);
  }
  return BigInt(text);
}

function required(object, key) {
  if (object === undefined || object === null || object[key] === undefined || object[key] === null) {
    // Web3Signer dereferences the missing object inside the handler: an uncaught exception, 500.
    throw new RequestError(500, `missing ${key}`);
  }
  return object[key];
}

// lodestar's fromJson throws on a malformed value; that is Jackson's binding failure, 400.
function fromJson(type, json, what) {
  try {
    return type.fromJson(json);
  } catch (e) {
    throw new RequestError(400, `${what}: ${e.message}`);
  }
}

// hash_tree_root(uint64): the little-endian value in a zero-padded 32-byte chunk.
function uint64Root(value) {
  const root = new Uint8Array(32);
  new DataView(root.buffer).setBigUint64(0, value, true);
  return root;
}

function parseForkInfo(body) {
  const forkInfo = required(body, 'fork_info');
  const fork = required(forkInfo, 'fork');
  return {
    previous: parseHex(required(fork, 'previous_version'), 4, 'fork.previous_version'),
    current: parseHex(required(fork, 'current_version'), 4, 'fork.current_version'),
    epoch: parseUint64(required(fork, 'epoch'), 'fork.epoch'),
    gvr: parseHex(required(forkInfo, 'genesis_validators_root'), 32, 'genesis_validators_root'),
  };
}

function computeDomain(domainType, forkVersion, gvr) {
  const forkDataRoot = ssz.phase0.ForkData.hashTreeRoot({
    currentVersion: forkVersion,
    genesisValidatorsRoot: gvr,
  });
  const domain = new Uint8Array(32);
  domain.set(Buffer.from(domainType, 'hex'), 0);
  domain.set(forkDataRoot.subarray(0, 28), 4);
  return domain;
}

function signingRoot(objectRoot, domain) {
  return ssz.phase0.SigningData.hashTreeRoot({ objectRoot, domain });
}

// The fork version for an epoch: previous_version before fork.epoch, current_version from it.
function forkDomain(fork, domainType, epoch) {
  const version = epoch < fork.epoch ? fork.previous : fork.current;
  return computeDomain(domainType, version, fork.gvr);
}

const BLOCK_TYPES = {
  PHASE0: ssz.phase0.BeaconBlock,
  ALTAIR: ssz.altair.BeaconBlock,
};

function blockV2(body, network, fork) {
  const request = body.beacon_block;
  if (request === undefined || request === null || typeof request !== 'object') {
    // Eth2BlockSigningAcceptanceTest: an empty BLOCK_V2 request is a 400.
    throw new RequestError(400, 'BLOCK_V2 without beacon_block');
  }
  const version = typeof request.version === 'string' ? request.version.toUpperCase() : undefined;
  const known = ['PHASE0', 'ALTAIR', 'BELLATRIX', 'CAPELLA', 'DENEB', 'ELECTRA', 'FULU'];
  if (!known.includes(version)) throw new RequestError(400, 'BLOCK_V2: unknown version');
  let header;
  if (request.block_header !== undefined && request.block_header !== null) {
    header = fromJson(ssz.phase0.BeaconBlockHeader, request.block_header, 'block_header');
  } else if (request.block !== undefined && request.block !== null && BLOCK_TYPES[version]) {
    const block = fromJson(BLOCK_TYPES[version], request.block, 'block');
    header = {
      slot: block.slot,
      proposerIndex: block.proposerIndex,
      parentRoot: block.parentRoot,
      stateRoot: block.stateRoot,
      bodyRoot: BLOCK_TYPES[version].fields.body.hashTreeRoot(block.body),
    };
  } else {
    throw new RequestError(400, 'BLOCK_V2: no block_header (or block for PHASE0/ALTAIR)');
  }
  const slot = BigInt(header.slot);
  const domain = forkDomain(fork, DOMAIN.BEACON_PROPOSER, slot / BigInt(network.slotsPerEpoch));
  // A block's root equals its header's root (the body enters as body_root).
  const root = signingRoot(ssz.phase0.BeaconBlockHeader.hashTreeRoot(header), domain);
  return { root, kind: 'block', slot };
}

// Every type Web3Signer's eth2 sign endpoint knows. Each returns {root, kind, ...slashing data}.
const HANDLERS = {
  BLOCK(body, network) {
    const fork = parseForkInfo(body);
    const block = fromJson(ssz.phase0.BeaconBlock, required(body, 'block'), 'block');
    const slot = BigInt(block.slot);
    const domain = forkDomain(fork, DOMAIN.BEACON_PROPOSER, slot / BigInt(network.slotsPerEpoch));
    return { root: signingRoot(ssz.phase0.BeaconBlock.hashTreeRoot(block), domain), kind: 'block', slot };
  },
  BLOCK_V2(body, network) {
    // Order matters: the block object is validated (400) before fork_info is dereferenced (500).
    const request = body.beacon_block;
    if (request === undefined || request === null) throw new RequestError(400, 'BLOCK_V2 without beacon_block');
    return blockV2(body, network, parseForkInfo(body));
  },
  ATTESTATION(body) {
    const fork = parseForkInfo(body);
    const data = fromJson(ssz.phase0.AttestationData, required(body, 'attestation'), 'attestation');
    const domain = forkDomain(fork, DOMAIN.BEACON_ATTESTER, BigInt(data.target.epoch));
    return {
      root: signingRoot(ssz.phase0.AttestationData.hashTreeRoot(data), domain),
      kind: 'attestation',
      source: BigInt(data.source.epoch),
      target: BigInt(data.target.epoch),
    };
  },
  AGGREGATION_SLOT(body, network) {
    const fork = parseForkInfo(body);
    const slot = parseUint64(required(required(body, 'aggregation_slot'), 'slot'), 'aggregation_slot.slot');
    const domain = forkDomain(fork, DOMAIN.SELECTION_PROOF, slot / BigInt(network.slotsPerEpoch));
    return { root: signingRoot(uint64Root(slot), domain), kind: 'other' };
  },
  AGGREGATE_AND_PROOF(body, network) {
    const fork = parseForkInfo(body);
    const value = fromJson(ssz.phase0.AggregateAndProof, required(body, 'aggregate_and_proof'), 'aggregate_and_proof');
    const epoch = BigInt(value.aggregate.data.slot) / BigInt(network.slotsPerEpoch);
    const domain = forkDomain(fork, DOMAIN.AGGREGATE_AND_PROOF, epoch);
    return { root: signingRoot(ssz.phase0.AggregateAndProof.hashTreeRoot(value), domain), kind: 'other' };
  },
  AGGREGATE_AND_PROOF_V2(body, network) {
    const fork = parseForkInfo(body);
    const wrapper = required(body, 'aggregate_and_proof');
    const version = String(wrapper.version ?? '').toUpperCase();
    const type = version === 'ELECTRA' || version === 'FULU' ? ssz.electra.AggregateAndProof : ssz.phase0.AggregateAndProof;
    const value = fromJson(type, required(wrapper, 'data'), 'aggregate_and_proof.data');
    const epoch = BigInt(value.aggregate.data.slot) / BigInt(network.slotsPerEpoch);
    const domain = forkDomain(fork, DOMAIN.AGGREGATE_AND_PROOF, epoch);
    return { root: signingRoot(type.hashTreeRoot(value), domain), kind: 'other' };
  },
  RANDAO_REVEAL(body) {
    const fork = parseForkInfo(body);
    const epoch = parseUint64(required(required(body, 'randao_reveal'), 'epoch'), 'randao_reveal.epoch');
    return { root: signingRoot(uint64Root(epoch), forkDomain(fork, DOMAIN.RANDAO, epoch)), kind: 'other' };
  },
  VOLUNTARY_EXIT(body) {
    const fork = parseForkInfo(body);
    const exit = fromJson(ssz.phase0.VoluntaryExit, required(body, 'voluntary_exit'), 'voluntary_exit');
    const domain = forkDomain(fork, DOMAIN.VOLUNTARY_EXIT, BigInt(exit.epoch));
    return { root: signingRoot(ssz.phase0.VoluntaryExit.hashTreeRoot(exit), domain), kind: 'other' };
  },
  DEPOSIT(body) {
    const deposit = required(body, 'deposit');
    const message = fromJson(ssz.phase0.DepositMessage, deposit, 'deposit');
    const version = parseHex(required(deposit, 'genesis_fork_version'), 4, 'deposit.genesis_fork_version');
    const domain = computeDomain(DOMAIN.DEPOSIT, version, ZERO_ROOT);
    return { root: signingRoot(ssz.phase0.DepositMessage.hashTreeRoot(message), domain), kind: 'other' };
  },
  SYNC_COMMITTEE_MESSAGE(body, network) {
    const fork = parseForkInfo(body);
    const message = required(body, 'sync_committee_message');
    const root = parseHex(required(message, 'beacon_block_root'), 32, 'beacon_block_root');
    const slot = parseUint64(required(message, 'slot'), 'sync_committee_message.slot');
    const domain = forkDomain(fork, DOMAIN.SYNC_COMMITTEE, slot / BigInt(network.slotsPerEpoch));
    return { root: signingRoot(root, domain), kind: 'other' };
  },
  SYNC_COMMITTEE_SELECTION_PROOF(body, network) {
    const fork = parseForkInfo(body);
    const type = ssz.altair.SyncAggregatorSelectionData;
    const data = fromJson(type, required(body, 'sync_aggregator_selection_data'), 'sync_aggregator_selection_data');
    const epoch = BigInt(data.slot) / BigInt(network.slotsPerEpoch);
    const domain = forkDomain(fork, DOMAIN.SYNC_COMMITTEE_SELECTION_PROOF, epoch);
    return { root: signingRoot(type.hashTreeRoot(data), domain), kind: 'other' };
  },
  SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF(body, network) {
    const fork = parseForkInfo(body);
    const type = ssz.altair.ContributionAndProof;
    const value = fromJson(type, required(body, 'contribution_and_proof'), 'contribution_and_proof');
    const epoch = BigInt(value.contribution.slot) / BigInt(network.slotsPerEpoch);
    const domain = forkDomain(fork, DOMAIN.CONTRIBUTION_AND_PROOF, epoch);
    return { root: signingRoot(type.hashTreeRoot(value), domain), kind: 'other' };
  },
  VALIDATOR_REGISTRATION(body, network) {
    const type = ssz.bellatrix.ValidatorRegistrationV1;
    const value = fromJson(type, required(body, 'validator_registration'), 'validator_registration');
    const version = parseHex(network.genesisForkVersion, 4, 'genesis fork version');
    const domain = computeDomain(DOMAIN.APPLICATION_BUILDER, version, ZERO_ROOT);
    return { root: signingRoot(type.hashTreeRoot(value), domain), kind: 'other' };
  },
};

// Returns {root (Uint8Array 32), kind, gvr?, ...}; throws RequestError.
export function computeSigningRoot(body, network) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError(400, 'body is not a JSON object');
  }
  // Jackson: enum values are case-insensitive; a missing or unknown type fails binding (400).
  const type = typeof body.type === 'string' ? body.type.toUpperCase() : undefined;
  const handler = type !== undefined && Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
  if (!handler) throw new RequestError(400, 'missing or unknown type');
  // The signingRoot field is parsed (400 when malformed) before anything is computed.
  const suppliedText = body.signing_root ?? body.signingRoot;
  const supplied = suppliedText === undefined || suppliedText === null ? undefined : parseHex(suppliedText, undefined, 'signingRoot');
  const result = handler(body, network);
  if (supplied !== undefined && hex(supplied) !== hex(result.root)) {
    // Web3Signer's checkArgument outside the try: 500 (BlsSigningAcceptanceTest).
    throw new RequestError(500, 'signingRoot does not match the signing data');
  }
  if (body.fork_info && body.fork_info.genesis_validators_root) {
    result.gvr = hex(parseHex(body.fork_info.genesis_validators_root, 32, 'genesis_validators_root'));
  }
  result.type = type;
  return result;
}
