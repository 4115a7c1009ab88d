/**
 * The session token: a session transaction's signature (docs/protocol.md §3). The Rust SDK's
 * `session_token` module and the contract's `session_token.cairo`.
 */
import { ec, shortString } from 'starknet';

import { ruleFelts, type ArgumentRule } from './argumentRules.js';
import { sessionFelts, type Session } from './sessionHash.js';

/** `'sk-session'`, the token's first felt. */
export const SESSION_MAGIC = BigInt(shortString.encodeShortString('sk-session'));
/** The token's format version. */
export const SESSION_TOKEN_VERSION = 4n;

/** What a call presents: its policy's rules and the policy's Merkle proof. */
export interface CallProof {
  /** The policy's argument rules, as signed. */
  readonly rules: readonly ArgumentRule[];
  /** The siblings from the leaf up. */
  readonly proof: readonly bigint[];
}

/** A session transaction's signature, before it is written as felts. */
export interface SessionToken {
  /** The session. */
  readonly session: Session;
  /** The owner's signature of the session hash (`[r, s]`), or empty for a session the account has recorded. */
  readonly ownerSignature: readonly bigint[];
  /** The session key's signature of {@link sessionMessageHash} (`[r, s]`). */
  readonly sessionSignature: readonly bigint[];
  /** One per call, in call order. */
  readonly proofs: readonly CallProof[];
}

/** What the session key signs for a transaction (or an outside execution's message hash). */
export function sessionMessageHash(transactionHash: bigint, sessionHash: bigint): bigint {
  return ec.starkCurve.poseidonHashMany([transactionHash, sessionHash]);
}

/** The token's felts, as the account parses them. */
export function tokenFelts(token: SessionToken): bigint[] {
  const out = [SESSION_MAGIC, SESSION_TOKEN_VERSION, ...sessionFelts(token.session)];
  out.push(BigInt(token.ownerSignature.length), ...token.ownerSignature);
  out.push(BigInt(token.sessionSignature.length), ...token.sessionSignature);
  out.push(BigInt(token.proofs.length));
  for (const { rules, proof } of token.proofs) {
    out.push(BigInt(rules.length));
    for (const rule of rules) out.push(...ruleFelts(rule));
    out.push(BigInt(proof.length), ...proof);
  }
  return out;
}
