/**
 * The policy tree: the Merkle tree of the calls a session may make, and the proofs a transaction
 * carries for its calls (docs/protocol.md §2). The Rust SDK's `policy_tree` module.
 *
 * The tree is starknet.js's `merkle.MerkleTree` with Poseidon: the very tree a wallet builds for
 * the typed data's `merkletree` member, so the root the owner signs is the root proven here. It
 * is built once per session, and each policy's proof once, on first use: signing a transaction
 * costs no tree work.
 */
import { ec, hash, merkle, transaction, type Call } from 'starknet';

import { canonicalRules, checkRules, type ArgumentRule } from './argumentRules.js';
import { SessionError } from './errors.js';
import { hex, toFelt } from './felt.js';
import { checkAddress, policyHash, type Policy } from './sessionHash.js';
import type { CallProof } from './sessionToken.js';

/** The account's `logout_session`, which a session may call on its account without a policy. */
export const LOGOUT_SESSION_SELECTOR = BigInt(hash.getSelectorFromName('logout_session'));

const KNOWN_SELECTORS = [
  'transfer',
  'transfer_from',
  'transferFrom',
  'approve',
  'increase_allowance',
  'increaseAllowance',
  'decrease_allowance',
  'decreaseAllowance',
  'balance_of',
  'balanceOf',
  'allowance',
  'mint',
  'burn',
  'set_owner',
  'revoke_session',
  'revoke_all_sessions',
  'register_session',
  'logout_session',
  'upgrade',
  'swap',
  'deposit',
  'withdraw',
  'safe_transfer_from',
  'set_approval_for_all',
  'tip',
];
const KNOWN = new Map(KNOWN_SELECTORS.map((name) => [BigInt(hash.getSelectorFromName(name)), name]));

/** The name of a well-known entry point (ERC-20's, the account's own, a few common dApp ones). */
export function knownSelectorName(selector: bigint): string | undefined {
  return KNOWN.get(selector);
}

/** A policy from its parts: the address checked, the rules checked and put in canonical order. */
export function policy(contract: bigint, selector: bigint, rules: readonly ArgumentRule[] = []): Policy {
  checkAddress(contract);
  if (selector === 0n) {
    throw new SessionError('InvalidSelector', '`0x0` is not a selector', { details: { selector: '0x0' } });
  }
  return { contract, selector, rules: canonicalRules(rules) };
}

/** A call as the account receives it: its contract, selector and calldata as felts. */
export interface FeltCall {
  readonly to: bigint;
  readonly selector: bigint;
  readonly calldata: readonly bigint[];
}

/**
 * starknet.js calls as the account will receive them: read back from the very `__execute__`
 * calldata starknet.js compiles and hashes into the transaction (so an entry point is hashed as
 * a name, `CallData.compile` encodes the arguments), never a second interpretation of them.
 */
export function feltCalls(calls: readonly Call[]): FeltCall[] {
  const words = transaction.getExecuteCalldata([...calls], '1').map((word) => toFelt(word as string, 'a calldata word'));
  const out: FeltCall[] = [];
  let at = 1;
  for (let i = 0; i < Number(words[0] ?? 0n); i++) {
    const [to, selector, length] = [words[at], words[at + 1], Number(words[at + 2] ?? 0n)];
    out.push({ to: to ?? 0n, selector: selector ?? 0n, calldata: words.slice(at + 3, at + 3 + length) });
    at += 3 + length;
  }
  return out;
}

/** The policies a session allows, in canonical order, and their Merkle tree. */
export class PolicyTree {
  /** The policies, sorted by (contract, selector). */
  readonly policies: readonly Policy[];
  readonly #tree: merkle.MerkleTree;
  readonly #leaves: string[];
  readonly #index = new Map<string, number>();
  readonly #proofs = new Map<number, bigint[]>();

  /** The tree of `policies`: `DuplicatePolicy` for a (contract, selector) listed twice, `NoPolicies` for none. */
  constructor(policies: Iterable<Policy>) {
    const sorted = [...policies].sort((a, b) =>
      a.contract !== b.contract ? (a.contract < b.contract ? -1 : 1) : a.selector < b.selector ? -1 : a.selector > b.selector ? 1 : 0,
    );
    if (sorted.length === 0) throw new SessionError('NoPolicies', 'a session needs at least one policy');
    sorted.forEach((p, i) => {
      const key = `${p.contract}:${p.selector}`;
      if (this.#index.has(key)) {
        throw new SessionError('DuplicatePolicy', `the policy ${hex(p.contract)}::${hex(p.selector)} is listed twice`, {
          details: { contract: p.contract, selector: p.selector },
        });
      }
      this.#index.set(key, i);
    });
    this.policies = sorted;
    this.#leaves = sorted.map((p) => hex(policyHash(p.contract, p.selector, p.rules)));
    this.#tree = new merkle.MerkleTree(this.#leaves, (a, b) => hex(ec.starkCurve.poseidonHash(BigInt(a), BigInt(b))));
  }

  /** The root the owner signs (the typed data's `Policies` member). */
  get root(): bigint {
    return BigInt(this.#tree.root);
  }

  /** The policy of `(contract, selector)`, if the session allows that call. */
  policy(contract: bigint, selector: bigint): Policy | undefined {
    const index = this.#index.get(`${contract}:${selector}`);
    return index === undefined ? undefined : this.policies[index];
  }

  /** Whether the session allows `selector` on `contract` (its rules aside). */
  allows(contract: bigint, selector: bigint): boolean {
    return this.#index.has(`${contract}:${selector}`);
  }

  /** The proof of `(contract, selector)`'s policy (its rules and siblings), if the session allows it. */
  proof(contract: bigint, selector: bigint): CallProof | undefined {
    const index = this.#index.get(`${contract}:${selector}`);
    if (index === undefined) return undefined;
    let siblings = this.#proofs.get(index);
    if (siblings === undefined) {
      // The siblings read from the levels the tree built (its `getProof` looks each node up and
      // hashes again, level by level: quadratic in the policies, 2.7 s for 1,024 of them).
      siblings = [];
      let at = index;
      for (const level of [this.#tree.leaves, ...this.#tree.branches].filter((nodes) => nodes.length > 1)) {
        siblings.push(BigInt(level[at ^ 1] ?? 0n));
        at >>= 1;
      }
      this.#proofs.set(index, siblings);
    }
    return { rules: (this.policies[index] as Policy).rules, proof: siblings };
  }

  /**
   * One proof per call of a transaction from `account`, in call order: `SelfCall` for a call to
   * the account (but its own logout), `CallNotAllowed` for a call no policy allows (named by
   * `names`, else by {@link knownSelectorName}), `ArgumentRule` for one that breaks its rules.
   */
  callProofs(
    account: bigint,
    calls: readonly FeltCall[],
    names: (selector: bigint) => string | undefined = () => undefined,
  ): CallProof[] {
    return calls.map(({ to, selector, calldata }, index) => {
      if (to === account) {
        if (selector === LOGOUT_SESSION_SELECTOR) return { rules: [], proof: [] };
        throw new SessionError('SelfCall', `call #${index} targets the account itself, which a session may never do`, {
          details: { index },
        });
      }
      const proof = this.proof(to, selector);
      if (proof === undefined) {
        const name = names(selector) ?? knownSelectorName(selector);
        const label = name === undefined ? `selector ${hex(selector)}` : `\`${name}\` (selector ${hex(selector)})`;
        throw new SessionError(
          'CallNotAllowed',
          `call #${index} (${hex(to)}, ${label}) is not allowed by the session's policies`,
          { details: name === undefined ? { index, contract: to, selector } : { index, contract: to, selector, name } },
        );
      }
      checkRules(proof.rules, calldata, index);
      return proof;
    });
  }
}

/** Whether `proof` leads from `leaf` to `root` (pairs hashed sorted, as the tree builds them). */
export function verifyProof(root: bigint, leaf: bigint, proof: readonly bigint[]): boolean {
  let node = leaf;
  for (const sibling of proof) {
    node = node < sibling ? ec.starkCurve.poseidonHash(node, sibling) : ec.starkCurve.poseidonHash(sibling, node);
  }
  return node === root;
}
