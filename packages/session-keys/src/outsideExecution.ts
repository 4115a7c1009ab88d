/**
 * Outside execution (SNIP-9 version 2): calls a relayer submits and pays for, which the session
 * signs as typed data (docs/protocol.md §5). The Rust SDK's `outside_execution` module.
 *
 * starknet.js builds the typed data itself (`account.getOutsideTransaction`, and a SNIP-29
 * paymaster's `buildTransaction`) and asks the signer's `signMessage` for it: the session's
 * signer recognizes it by its domain and signs it as a session, over its message hash.
 */
import type { TypedData } from 'starknet';

import { SessionError } from './errors.js';
import { toFelt } from './felt.js';
import type { FeltCall } from './policyTree.js';

/** The typed data's domain name. */
export const OUTSIDE_EXECUTION_DOMAIN_NAME = 'Account.execute_from_outside';

/** Whether `typedData` is an outside execution (SNIP-9 version 2) for an account to sign. */
export function isOutsideExecution(typedData: TypedData): boolean {
  return typedData.domain?.name === OUTSIDE_EXECUTION_DOMAIN_NAME && typedData.primaryType === 'OutsideExecution';
}

/** An outside execution's window and calls, read from its typed data (version 2). */
export interface OutsideExecutionParts {
  executeAfter: bigint;
  executeBefore: bigint;
  calls: FeltCall[];
}

/** Reads an outside execution's window and calls; `InvalidMessage` if it is not version 2's shape. */
export function outsideExecutionParts(typedData: TypedData): OutsideExecutionParts {
  const invalid = (reason: string) =>
    new SessionError('InvalidMessage', `the outside execution cannot be signed: ${reason}`, { details: { reason } });
  if (String(typedData.domain.version) !== '2') throw invalid('only SNIP-9 version 2 is signed by sessions');
  const message = typedData.message as Record<string, unknown>;
  const calls = message.Calls;
  if (!Array.isArray(calls)) throw invalid('it has no Calls');
  const executeAfter = toFelt(message['Execute After'] as string, 'Execute After');
  const executeBefore = toFelt(message['Execute Before'] as string, 'Execute Before');
  if (executeBefore <= executeAfter + 1n) {
    throw new SessionError(
      'EmptyOutsideWindow',
      `the outside execution can never run: the block time must be above ${executeAfter} and below ${executeBefore}`,
      { details: { executeAfter, executeBefore } },
    );
  }
  return {
    executeAfter,
    executeBefore,
    calls: calls.map((call: Record<string, unknown>, index) => {
      if (typeof call !== 'object' || call === null || !Array.isArray(call.Calldata)) throw invalid(`call #${index} is malformed`);
      return {
        to: toFelt(call.To as string, `call #${index}'s To`),
        selector: toFelt(call.Selector as string, `call #${index}'s Selector`),
        calldata: (call.Calldata as string[]).map((word) => toFelt(word, `call #${index}'s Calldata`)),
      };
    }),
  };
}
