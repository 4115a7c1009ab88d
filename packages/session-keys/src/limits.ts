/**
 * What a session may cost and move, checked before signing (docs/protocol.md §4, "Fees" and
 * "Spending"). The Rust SDK's `limits` module. The account counts what leaves its balance; the
 * SDK pre-checks the amounts in the calldata of the selectors below.
 */
import { hash, type BlockIdentifier, type ProviderInterface } from 'starknet';

import { isU256Rule, type ArgumentRule } from './argumentRules.js';
import { SessionError } from './errors.js';
import { ADDRESS_BOUND, hex, U128_BOUND } from './felt.js';
import { readView, READ_BLOCK } from './node.js';
import type { Session, SpendingLimit } from './sessionHash.js';
import { formatStrk, formatTokenAmount } from './strk.js';

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

const APPROVALS = new Set(['approve', 'increase_allowance', 'increaseAllowance'].map((n) => BigInt(hash.getSelectorFromName(n))));

/**
 * What `call` (the `index`th of calls from `account`) counts against its token's limit, read from
 * its calldata: the amount of a transfer, of an approval, of a `transfer_from` out of the account
 * (0 from anyone else). A missing or malformed amount is `BadAmount`. The account counts what
 * actually leaves its balance; this is the SDK's early check.
 */
export function countedAmount(account: bigint, index: number, call: { selector: bigint; calldata: readonly bigint[] }): bigint | undefined {
  const bad = () =>
    new SessionError('BadAmount', `call #${index} on a limited token has no valid u256 amount where its selector puts one`, {
      details: { index },
    });
  const at = countedAmountWord(call.selector);
  if (at === undefined) return undefined;
  if (APPROVALS.has(call.selector)) {
    const spender = call.calldata[0];
    if (spender === undefined || spender >= ADDRESS_BOUND) throw bad();
  } else if (at === 2 && call.calldata[0] !== account) {
    if (call.calldata.length === 0) throw bad();
    return undefined;
  }
  const [low, high] = [call.calldata[at], call.calldata[at + 1]];
  if (low === undefined || high === undefined || low >= U128_BOUND || high >= U128_BOUND) throw bad();
  return low + high * U128_BOUND;
}

/** Per limited token, what `calls` count against its limit (tokens the calls do not spend are left out). */
export function spends(
  session: Session,
  account: bigint,
  calls: readonly { to: bigint; selector: bigint; calldata: readonly bigint[] }[],
): [SpendingLimit, bigint][] {
  const out: [SpendingLimit, bigint][] = [];
  for (const limit of session.spendingLimits) {
    let sum: bigint | undefined;
    calls.forEach((call, index) => {
      if (call.to !== limit.token) return;
      const amount = countedAmount(account, index, call);
      if (amount !== undefined) sum = (sum ?? 0n) + amount;
    });
    if (sum !== undefined) out.push([limit, sum]);
  }
  return out;
}

/** A transaction's resource bounds and tip. */
export interface FeeBounds {
  l1Gas: { maxAmount: bigint; maxPricePerUnit: bigint };
  l2Gas: { maxAmount: bigint; maxPricePerUnit: bigint };
  l1DataGas: { maxAmount: bigint; maxPricePerUnit: bigint };
  tip: bigint;
}

/** The most a transaction may cost: each resource's bound times its price, plus the tip per L2 gas. */
export function maxFee(bounds: FeeBounds): bigint {
  const { l1Gas, l2Gas, l1DataGas, tip } = bounds;
  return (
    l1Gas.maxAmount * l1Gas.maxPricePerUnit +
    l2Gas.maxAmount * (l2Gas.maxPricePerUnit + tip) +
    l1DataGas.maxAmount * l1DataGas.maxPricePerUnit
  );
}

/** What the account has counted for a session: transactions, fee, and whether it recorded the owner's authorization. */
export interface SessionUsage {
  transactions: number;
  feeSpent: bigint;
  authorized: boolean;
}

/** What the account has counted of one spending limit. */
export interface SpendingUsage {
  /** Spent over the session's life. */
  total: bigint;
  /** The period `periodSpent` is of. */
  period: bigint;
  /** Spent in that period. */
  periodSpent: bigint;
}

/** The period `now` falls in (0 for a limit that never renews). */
export function currentPeriod(limit: SpendingLimit, validAfter: number, now: number): bigint {
  if (limit.period === 0n) return 0n;
  const elapsed = BigInt(Math.max(0, now - validAfter));
  return elapsed / limit.period;
}

/** What is left of `limit` at `now`: over its life, and in the current period. */
export function spendingLeft(limit: SpendingLimit, usage: SpendingUsage, validAfter: number, now: number): [bigint, bigint] {
  const inPeriod = usage.period === currentPeriod(limit, validAfter, now) ? usage.periodSpent : 0n;
  const sub = (a: bigint, b: bigint) => (a > b ? a - b : 0n);
  return [sub(limit.total, usage.total), sub(limit.perPeriod, inPeriod)];
}

/** Throws `SpendingLimitExceeded` if spending `amount` more now would pass either cap of `limit`. */
export function checkSpending(limit: SpendingLimit, usage: SpendingUsage, amount: bigint, validAfter: number, now: number): void {
  const [totalLeft, periodLeft] = spendingLeft(limit, usage, validAfter, now);
  const exceeded = (left: bigint, scope: 'life' | 'period') =>
    new SessionError(
      'SpendingLimitExceeded',
      `the calls move ${formatTokenAmount(limit.token, amount)} of token ${hex(limit.token)}, but the session has only ${formatTokenAmount(limit.token, left)} left ${scope === 'life' ? 'over its life' : 'this period'}`,
      { details: { token: limit.token, amount, left, scope } },
    );
  if (amount > totalLeft) throw exceeded(totalLeft, 'life');
  if (amount > periodLeft) throw exceeded(periodLeft, 'period');
}

/** Throws `FeeCapExceeded` if a transaction that may cost `fee` is above the session's cap. */
export function checkFeeCap(session: Session, fee: bigint): void {
  if (fee > session.maxFee) {
    throw new SessionError(
      'FeeCapExceeded',
      `the transaction may cost up to ${formatStrk(fee)}, above the session's cap of ${formatStrk(session.maxFee)} per transaction: if you set its resource bounds or tip, lower them; if the SDK set them from the fee estimate, the transaction needs more than the session allows, and only a session with a higher fee cap can send it`,
      { details: { maxFee: fee, cap: session.maxFee } },
    );
  }
}

/** Throws `TransactionLimitReached` or `FeeBudgetExceeded` if one more transaction that may cost `fee` is over the session's limits. */
export function checkLimits(session: Session, usage: SessionUsage, fee: bigint): void {
  if (usage.transactions >= session.maxTransactions) {
    throw new SessionError('TransactionLimitReached', `the session has sent all the ${session.maxTransactions} transactions it may`, {
      details: { limit: session.maxTransactions },
    });
  }
  const left = session.feeBudget > usage.feeSpent ? session.feeBudget - usage.feeSpent : 0n;
  if (fee > left) {
    throw new SessionError(
      'FeeBudgetExceeded',
      `the transaction may cost up to ${formatStrk(fee)}, but only ${formatStrk(left)} of the session's fee budget of ${formatStrk(session.feeBudget)} is left`,
      { details: { maxFee: fee, left, budget: session.feeBudget } },
    );
  }
}

/** The account's count for the session `sessionHash` (its `get_session_usage` view). */
export async function sessionUsage(
  provider: ProviderInterface,
  account: bigint,
  sessionHash: bigint,
  block: BlockIdentifier = READ_BLOCK,
): Promise<SessionUsage> {
  const [transactions, feeSpent, authorized] = await readView(provider, account, 'get_session_usage', [sessionHash], 3, block);
  return { transactions: Number(transactions), feeSpent: feeSpent as bigint, authorized: authorized === 1n };
}

/** The account's count of the session's spending of `token` (its `get_session_spending` view). */
export async function sessionSpending(
  provider: ProviderInterface,
  account: bigint,
  sessionHash: bigint,
  token: bigint,
  block: BlockIdentifier = READ_BLOCK,
): Promise<SpendingUsage> {
  const [low, high, period, spentLow, spentHigh] = await readView(
    provider,
    account,
    'get_session_spending',
    [sessionHash, token],
    5,
    block,
  );
  return {
    total: (low as bigint) + (high as bigint) * U128_BOUND,
    period: period as bigint,
    periodSpent: (spentLow as bigint) + (spentHigh as bigint) * U128_BOUND,
  };
}

/** What is left of one spending limit. */
export interface SpendingRemaining {
  token: bigint;
  totalLeft: bigint;
  periodLeft: bigint;
  /** When the current period ends (Unix seconds); undefined for a limit that never renews. */
  periodEnds: number | undefined;
}

/** What is left of a session, by the chain's clock. */
export interface SessionRemaining {
  /** The block's time. */
  now: number;
  /** Seconds until it starts; 0 once it has. */
  startsIn: number;
  /** Seconds until it ends; 0 once it has. */
  timeLeft: number;
  transactionsLeft: number;
  /** In FRI. */
  feeBudgetLeft: bigint;
  spending: SpendingRemaining[];
}

/** What `session` has left at `now`, given what the account counted. */
export function sessionRemaining(session: Session, usage: SessionUsage, spending: readonly SpendingUsage[], now: number): SessionRemaining {
  return {
    now,
    startsIn: Math.max(0, session.validAfter - now),
    timeLeft: Math.max(0, session.validUntil - now),
    transactionsLeft: Math.max(0, session.maxTransactions - usage.transactions),
    feeBudgetLeft: session.feeBudget > usage.feeSpent ? session.feeBudget - usage.feeSpent : 0n,
    spending: session.spendingLimits.map((limit, i) => {
      const counted = spending[i] ?? { total: 0n, period: 0n, periodSpent: 0n };
      const [totalLeft, periodLeft] = spendingLeft(limit, counted, session.validAfter, now);
      const periodEnds =
        limit.period === 0n ? undefined : Number(BigInt(session.validAfter) + (currentPeriod(limit, session.validAfter, now) + 1n) * limit.period);
      return { token: limit.token, totalLeft, periodLeft, periodEnds };
    }),
  };
}
