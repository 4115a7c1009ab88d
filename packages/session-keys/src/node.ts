/**
 * Reading the account's views through any starknet.js provider, with errors that say which view
 * and what the node did. The Rust SDK's `node` module.
 */
import { BlockTag, type BlockIdentifier, type ProviderInterface } from 'starknet';

import { SessionError } from './errors.js';
import { hex, PRIME } from './felt.js';

/** The block the SDK reads the account at: the pre-confirmed one, where the next transaction lands. */
export const READ_BLOCK: BlockIdentifier = BlockTag.PRE_CONFIRMED;

/** Calls the view `entrypoint` of `contract` and returns its felts, exactly `words` of them. */
export async function readView(
  provider: ProviderInterface,
  contract: bigint,
  entrypoint: string,
  calldata: readonly bigint[],
  words: number,
  block: BlockIdentifier = READ_BLOCK,
): Promise<bigint[]> {
  let answer: string[];
  try {
    answer = await provider.callContract({ contractAddress: hex(contract), entrypoint, calldata: calldata.map(hex) }, block);
  } catch (cause) {
    throw new SessionError('Provider', `the node failed to answer ${entrypoint} of ${hex(contract)}: ${shortCause(cause)}`, {
      cause,
    });
  }
  const felts = answer.map((word) => BigInt(word));
  if (felts.length !== words || felts.some((felt) => felt < 0n || felt >= PRIME)) {
    throw new SessionError(
      'Provider',
      `unexpected answer from the node: ${entrypoint} of ${hex(contract)} returned ${felts.length} words, not ${words}`,
    );
  }
  return felts;
}

/** The time of `block` (Unix seconds): the clock the account checks windows and periods by. */
export async function blockTime(provider: ProviderInterface, block: BlockIdentifier = READ_BLOCK): Promise<number> {
  try {
    const { timestamp } = await provider.getBlockWithTxHashes(block);
    return Number(timestamp);
  } catch (cause) {
    throw new SessionError('Provider', `the node failed to give the time of block ${String(block)}: ${shortCause(cause)}`, {
      cause,
    });
  }
}

/** The first line of an error, for a message (the whole error stays in `cause`). */
export function shortCause(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.split('\n')[0]?.slice(0, 300) ?? '';
}
