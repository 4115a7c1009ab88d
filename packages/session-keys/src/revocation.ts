/**
 * Ending sessions: the owner's revocation of one session or of all, the session's own logout, and
 * the views that tell (docs/protocol.md §4, "Revocation", "Logout", "Epoch"). The Rust SDK's
 * `revocation` module.
 */
import { ec, shortString, type BlockIdentifier, type Call, type ProviderInterface } from 'starknet';

import { hex } from './felt.js';
import { readView, READ_BLOCK } from './node.js';

/** `'sk-session-logout'`: what a session's key signs to log out is `poseidon([LOGOUT_TAG, session_hash])`. */
export const LOGOUT_TAG = BigInt(shortString.encodeShortString('sk-session-logout'));

/** The hash a session's key signs to log the session out. */
export function logoutHash(sessionHash: bigint): bigint {
  return ec.starkCurve.poseidonHashMany([LOGOUT_TAG, sessionHash]);
}

/** The owner's call ending the session `sessionHash`. */
export function revokeSessionCall(account: bigint, sessionHash: bigint): Call {
  return { contractAddress: hex(account), entrypoint: 'revoke_session', calldata: [hex(sessionHash)] };
}

/** The owner's call ending every session signed before (it moves the owner epoch on). */
export function revokeAllSessionsCall(account: bigint): Call {
  return { contractAddress: hex(account), entrypoint: 'revoke_all_sessions', calldata: [] };
}

/** Whether the account revoked the session `sessionHash` (or the session logged out). */
export async function isSessionRevoked(
  provider: ProviderInterface,
  account: bigint,
  sessionHash: bigint,
  block: BlockIdentifier = READ_BLOCK,
): Promise<boolean> {
  const [answer] = await readView(provider, account, 'is_session_revoked', [sessionHash], 1, block);
  return answer !== 0n;
}

/** The account's owner epoch, which a session must name to be valid. */
export async function sessionEpoch(
  provider: ProviderInterface,
  account: bigint,
  block: BlockIdentifier = READ_BLOCK,
): Promise<bigint> {
  const [epoch] = await readView(provider, account, 'get_session_epoch', [], 1, block);
  return epoch as bigint;
}
