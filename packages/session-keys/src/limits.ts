/**
 * What a session may cost and move, checked before signing (docs/protocol.md §4, "Fees" and
 * "Spending"). The Rust SDK's `limits` module. The account counts what leaves its balance; the
 * SDK pre-checks the amounts in the calldata of the selectors below.
 */
import { hash } from 'starknet';

import { isU256Rule, type ArgumentRule } from './argumentRules.js';

const COUNTED = new Map<bigint, number>(
  (
    [
      ['transfer', 1],
      ['approve', 1],
      ['increase_allowance', 1],
      ['increaseAllowance', 1],
      ['transfer_from', 2],
      ['transferFrom', 2],
    ] as const
  ).map(([name, word]) => [BigInt(hash.getSelectorFromName(name)), word]),
);

/** The calldata word where a counted selector's u256 amount starts, or `undefined` for another selector. */
export function countedAmountWord(selector: bigint): number | undefined {
  return COUNTED.get(selector);
}

/** Whether the SDK counts the amount of calls of `selector` before signing. */
export function isCountedSelector(selector: bigint): boolean {
  return COUNTED.has(selector);
}

/**
 * Whether `rule`, on a policy of `selector`, reads a counted u256 amount other than whole: a felt
 * rule on either of its words, or a u256 rule starting a word early or late.
 */
export function ruleSplitsAmount(selector: bigint, rule: ArgumentRule): boolean {
  const first = countedAmountWord(selector);
  if (first === undefined) return false;
  const last = rule.word + (isU256Rule(rule) ? 1 : 0);
  return rule.word <= first + 1 && last >= first && !(isU256Rule(rule) && rule.word === first);
}
