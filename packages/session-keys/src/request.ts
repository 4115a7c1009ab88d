/**
 * What a dApp asks for: a session request, built, checked and put in canonical order, ready to
 * be shown to the owner and signed (docs/protocol.md §1 and §2). The Rust SDK's `request` module.
 */
import { ec, shortString, typedData as snip12, TypedDataRevision, type BigNumberish, type TypedData } from 'starknet';

import { canonicalRules, compareRules, describeRule, isU256Rule, operatorOf, type ArgumentRule } from './argumentRules.js';
import { SessionError } from './errors.js';
import { hex, isIdentifier, toFelt, toU256, toUint } from './felt.js';
import { isCountedSelector, ruleSplitsAmount, countedAmountWord } from './limits.js';
import { knownSelectorName, policy, PolicyTree } from './policyTree.js';
import { ETH_TOKEN, formatStrk, formatTokenAmount, STRK_TOKEN } from './strk.js';
import {
  checkAddress,
  describeMessagePolicy,
  messagesHash,
  parseSelector,
  sessionHash,
  sessionTypedData,
  shortstringFelt,
  stringHash,
  type MessagePolicy,
  type Session,
  type SpendingLimit,
} from './sessionHash.js';

/** The latest time a session may name: 2^53 - 1 seconds, which JavaScript wallets read exactly. */
export const MAX_TIME = 2 ** 53 - 1;
/** The transaction count of a request that sets none: no practical limit (2^32 - 1). */
export const UNLIMITED_TRANSACTIONS = 2 ** 32 - 1;
/** The account's own message domains, which no session may sign messages of (as felts). */
export const RESERVED_DOMAINS: readonly bigint[] = [
  BigInt(shortString.encodeShortString('SessionKeys.session')),
  BigInt(shortString.encodeShortString('Account.execute_from_outside')),
];

/** Message types that may authorize someone to take the account's tokens: their type strings, and what they do. */
export const TOKEN_AUTHORIZING_TYPES: readonly (readonly [string, string])[] = [
  [
    '"Permit"("token":"ContractAddress","spender":"ContractAddress","amount":"u256","nonce":"felt","deadline":"u128")"u256"("low":"u128","high":"u128")',
    "ERC-20 permits (OpenZeppelin's), which let a spender take the account's tokens",
  ],
  [
    '"Permit"("token":"ContractAddress","spender":"ContractAddress","amount":"u256","nonce":"felt","deadline":"u128")',
    "ERC-20 permits (OpenZeppelin's), which let a spender take the account's tokens",
  ],
  [
    '"Delegation"("verifying_contract":"ContractAddress","delegatee":"ContractAddress","nonce":"felt","expiry":"u128")',
    "vote delegations (OpenZeppelin's), which hand the account's voting power to another",
  ],
];
const TOKEN_AUTHORIZING_NAMES = ['approval', 'approve', 'allowance', 'delegation', 'authorization'];

/** What a message type may authorize, if it may authorize token spending (by its type string or its name). */
export function tokenAuthorizingType(typeString: string): string | undefined {
  const known = TOKEN_AUTHORIZING_TYPES.find(([string]) => string === typeString);
  if (known !== undefined) return known[1];
  const name = /^"([^"]*)"/.exec(typeString)?.[1]?.toLowerCase();
  if (name === undefined) return undefined;
  return name.includes('permit') || TOKEN_AUTHORIZING_NAMES.includes(name)
    ? "messages whose type is named like a permit or an approval, which may let someone take the account's tokens"
    : undefined;
}

const SCALAR_MEMBER_TYPES = ['felt', 'bool', 'u128', 'i128', 'ContractAddress', 'ClassHash', 'timestamp', 'shortstring', 'selector'];

const utf8 = new TextEncoder();
function compareText(a: string, b: string): number {
  const [x, y] = [utf8.encode(a), utf8.encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** The canonical order of message policies: by domain name, version, type string, rules. */
export function compareMessagePolicies(a: MessagePolicy, b: MessagePolicy): number {
  const text = compareText(a.domainName, b.domainName) || compareText(a.domainVersion, b.domainVersion);
  if (text !== 0) return text;
  const type = compareText(a.typeString, b.typeString);
  if (type !== 0) return type;
  for (let i = 0; i < Math.min(a.rules.length, b.rules.length); i++) {
    const order = compareRules(a.rules[i] as ArgumentRule, b.rules[i] as ArgumentRule);
    if (order !== 0) return order;
  }
  return a.rules.length - b.rules.length;
}

/** A message policy from its parts, checked (the domain's texts are shortstrings, the type string a string). */
export function messagePolicy(domainName: string, domainVersion: string, typeString: string, rules: readonly ArgumentRule[] = []): MessagePolicy {
  shortstringFelt(domainName, 'Domain Name');
  shortstringFelt(domainVersion, 'Domain Version');
  if (typeString === '') {
    throw new SessionError('InvalidMessage', "a message policy's type string is empty", {
      details: { reason: "a message policy's type string is empty" },
    });
  }
  stringHash(typeString);
  return { domainName, domainVersion, typeString, rules: canonicalRules(rules) };
}

/**
 * The message policy of messages like `typedData` (SNIP-12 revision 1): its domain's name and
 * version, its primary type's encoded type string, and `rules` on its members by index (only
 * members encoded as their value can be compared).
 */
export function messagePolicyLike(typedData: TypedData, rules: readonly ArgumentRule[] = []): MessagePolicy {
  const invalid = (reason: string, cause?: unknown) =>
    new SessionError('InvalidMessage', `the message cannot be signed: ${reason}`, { cause, details: { reason } });
  if (String(typedData?.domain?.revision ?? '') !== '1') throw invalid('it is not SNIP-12 revision 1 typed data');
  const primary = typedData.primaryType;
  let typeString: string;
  try {
    typeString = snip12.encodeType(typedData.types, primary, TypedDataRevision.ACTIVE);
  } catch (cause) {
    throw invalid(`its types do not encode: ${String(cause)}`, cause);
  }
  const members = (typedData.types[primary] ?? []) as readonly { name: string; type: string }[];
  for (const rule of rules) {
    const bad = (reason: string) =>
      new SessionError('BadRule', `the argument rule \`${describeRule(rule)}\` cannot be evaluated: ${reason}`, {
        details: { rule: describeRule(rule), reason },
      });
    if (isU256Rule(rule)) throw bad('a message member is one felt: a rule on it has felt values, not u256 ones');
    const member = members[rule.word];
    if (member === undefined) throw bad("the message's primary type has no member at that index");
    if (!SCALAR_MEMBER_TYPES.includes(member.type)) {
      throw bad(
        'that member is encoded as a hash (a u256, a string, a struct, an enum or an array), not its value: a rule cannot compare it',
      );
    }
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
  return messagePolicy(text(typedData.domain.name), text(typedData.domain.version), typeString, rules);
}

interface PolicyInput {
  contract: BigNumberish;
  selector: string | bigint;
  rules: readonly ArgumentRule[];
  uncounted: boolean;
}

interface MessageInput {
  policy: MessagePolicy | (() => MessagePolicy);
  onPurpose: boolean;
}

/** Builds a {@link SessionRequest}: set the window and limits, allow calls and messages, then `build()`. */
export class SessionRequestBuilder {
  #sessionKey: BigNumberish;
  #validAfter: BigNumberish = 0;
  #validUntil: BigNumberish | undefined;
  #maxFee: BigNumberish | undefined;
  #feeBudget: BigNumberish | undefined;
  #maxTransactions: BigNumberish = UNLIMITED_TRANSACTIONS;
  #epoch: BigNumberish = 0;
  #limits: { token: BigNumberish; total: BigNumberish; perPeriod: BigNumberish; period: BigNumberish }[] = [];
  #policies: PolicyInput[] = [];
  #messages: MessageInput[] = [];

  constructor(sessionKey: BigNumberish) {
    this.#sessionKey = sessionKey;
  }

  /** The session starts at this time (Unix seconds; default 0: at once). */
  validAfter(unixSeconds: BigNumberish): this {
    this.#validAfter = unixSeconds;
    return this;
  }

  /** The session ends at this time (Unix seconds, exclusive). Required. */
  validUntil(unixSeconds: BigNumberish): this {
    this.#validUntil = unixSeconds;
    return this;
  }

  /** The most one transaction may cost, in FRI (its resource bounds times their prices, plus the tip). Required. */
  maxFee(fri: BigNumberish): this {
    this.#maxFee = fri;
    return this;
  }

  /** The most all the session's transactions together may cost, in FRI. Required. */
  feeBudget(fri: BigNumberish): this {
    this.#feeBudget = fri;
    return this;
  }

  /** How many transactions the session may send (default: no practical limit, 2^32 - 1). */
  maxTransactions(count: BigNumberish): this {
    this.#maxTransactions = count;
    return this;
  }

  /** The account's owner epoch (its `get_session_epoch()`), 0 for a new account. */
  epoch(epoch: BigNumberish): this {
    this.#epoch = epoch;
    return this;
  }

  /** At most `total` of `token` may leave the account over the session's life. */
  spendingLimit(token: BigNumberish, total: BigNumberish): this {
    return this.periodicSpendingLimit(token, total, total, 0);
  }

  /** At most `total` of `token` over the session's life, and `perPeriod` in each period of `period` seconds. */
  periodicSpendingLimit(token: BigNumberish, total: BigNumberish, perPeriod: BigNumberish, period: BigNumberish): this {
    this.#limits.push({ token, total, perPeriod, period });
    return this;
  }

  /** The session may call `selector` (a name or hex) on `contract`, with any arguments or only those `rules` allow. */
  allow(contract: BigNumberish, selector: string, rules: readonly ArgumentRule[] = []): this {
    this.#policies.push({ contract, selector, rules, uncounted: false });
    return this;
  }

  /** As {@link allow}, on a limited token, for a selector whose allowances its limit would not count, on purpose. */
  allowUncounted(contract: BigNumberish, selector: string, rules: readonly ArgumentRule[] = []): this {
    this.#policies.push({ contract, selector, rules, uncounted: true });
    return this;
  }

  /** The session may sign messages of this policy. */
  allowMessage(policy: MessagePolicy): this {
    this.#messages.push({ policy, onPurpose: false });
    return this;
  }

  /** The session may sign messages of this policy, which may authorize token spending (a permit), on purpose. */
  allowTokenAuthorizingMessage(policy: MessagePolicy): this {
    this.#messages.push({ policy, onPurpose: true });
    return this;
  }

  /** The session may sign messages like `typedData` (its domain and primary type), with `rules` on its members. */
  allowMessagesLike(typedData: TypedData, rules: readonly ArgumentRule[] = []): this {
    this.#messages.push({ policy: () => messagePolicyLike(typedData, rules), onPurpose: false });
    return this;
  }

  /** As {@link allowMessagesLike}, for a type that may authorize token spending (a permit), on purpose. */
  allowTokenAuthorizingMessagesLike(typedData: TypedData, rules: readonly ArgumentRule[] = []): this {
    this.#messages.push({ policy: () => messagePolicyLike(typedData, rules), onPurpose: true });
    return this;
  }

  /** The request, checked: throws a {@link SessionError} naming the first problem. */
  build(): SessionRequest {
    const sessionKey = toFelt(this.#sessionKey, 'the session key');
    if (sessionKey === 0n) throw new SessionError('MissingSessionKey', 'the session key is missing (0)');
    const validAfter = toUint(this.#validAfter, 64, 'valid after');
    const validUntil = this.#validUntil === undefined ? 0n : toUint(this.#validUntil, 64, 'valid until');
    if (validUntil > BigInt(MAX_TIME)) {
      throw new SessionError(
        'TimeOutOfRange',
        `${validUntil} is too far in the future: times must stay below 2^53 seconds so wallets hash them exactly`,
        { details: { time: validUntil } },
      );
    }
    if (validUntil <= validAfter) {
      throw new SessionError('EmptyWindow', `the validity window is empty: valid after ${validAfter}, valid until ${validUntil}`, {
        details: { validAfter, validUntil },
      });
    }
    if (this.#maxFee === undefined || this.#feeBudget === undefined) {
      throw new SessionError(
        'MissingFeeLimits',
        'a session needs a fee cap per transaction and a fee budget (maxFee and feeBudget, in FRI): the owner must see what it may cost',
      );
    }
    const maxFee = toUint(this.#maxFee, 128, 'the max fee');
    const feeBudget = toUint(this.#feeBudget, 128, 'the fee budget');
    const maxTransactions = toUint(this.#maxTransactions, 32, 'the max transactions');
    for (const [limit, value] of [['max fee', maxFee], ['fee budget', feeBudget], ['max transactions', maxTransactions]] as const) {
      if (value === 0n) {
        throw new SessionError('ZeroLimit', `the ${limit} is 0, so the session could send nothing`, { details: { limit } });
      }
    }
    const spendingLimits: SpendingLimit[] = this.#limits
      .map((limit) => ({
        token: checkAddress(toFelt(limit.token, 'a spending limit\'s token')),
        total: toU256(limit.total, 'a spending limit\'s total'),
        perPeriod: toU256(limit.perPeriod, 'a spending limit\'s amount per period'),
        period: toUint(limit.period, 64, 'a spending limit\'s period'),
      }))
      .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
    for (let i = 1; i < spendingLimits.length; i++) {
      const token = (spendingLimits[i] as SpendingLimit).token;
      if ((spendingLimits[i - 1] as SpendingLimit).token === token) {
        throw new SessionError('DuplicateSpendingLimit', `the token ${hex(token)} has more than one spending limit`, {
          details: { token },
        });
      }
    }
    const limited = new Set(spendingLimits.map((limit) => limit.token));
    const names = new Map<bigint, string>();
    const uncounted: [bigint, bigint][] = [];
    const policies = this.#policies.map((input) => {
      const selector = typeof input.selector === 'bigint' ? input.selector : parseSelector(input.selector);
      if (typeof input.selector === 'string' && isIdentifier(input.selector)) names.set(selector, input.selector);
      const built = policy(toFelt(input.contract, "a policy's contract"), selector, input.rules);
      const amountWord = countedAmountWord(built.selector);
      const splitting = built.rules.find((rule) => ruleSplitsAmount(built.selector, rule));
      if (amountWord !== undefined && splitting !== undefined) {
        const name = names.get(selector) ?? hex(selector);
        throw new SessionError(
          'RuleSplitsAmount',
          `the rule on word ${splitting.word} of ${name} reads one word of its u256 amount (words ${amountWord} and ${amountWord + 1}): a felt rule on the low word lets a high word through; write it as a u256 rule on word ${amountWord}`,
          { details: { selector: name, word: splitting.word, amountWord } },
        );
      }
      if (input.uncounted) uncounted.push([built.contract, built.selector]);
      else if (limited.has(built.contract) && !isCountedSelector(built.selector)) {
        throw new SessionError(
          'UncountedSelector',
          `the session limits spending of ${hex(built.contract)} but also allows selector ${hex(built.selector)} on it: the limit counts what it moves out of the balance, but not an allowance it may grant (it reads only approve and increase_allowance); allow it with allowUncounted if that is intended`,
          { details: { token: built.contract, selector: built.selector } },
        );
      }
      return built;
    });
    const tokenAuthorizing: MessagePolicy[] = [];
    const messages = this.#messages
      .map((input) => {
        const built = typeof input.policy === 'function' ? input.policy() : messagePolicy(
          input.policy.domainName,
          input.policy.domainVersion,
          input.policy.typeString,
          input.policy.rules,
        );
        const what = tokenAuthorizingType(built.typeString);
        if (input.onPurpose) tokenAuthorizing.push(built);
        else if (what !== undefined) {
          throw new SessionError(
            'TokenAuthorizingMessage',
            `the session would sign ${describeMessagePolicy(built)}, which are ${what}: a session allowed them could sign any number of them, for any amount, outside its spending limits, transaction count and fees; allow them only on purpose (allowTokenAuthorizingMessagesLike)`,
            { details: { policy: describeMessagePolicy(built), what } },
          );
        }
        return built;
      })
      .sort(compareMessagePolicies);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as MessagePolicy;
      if (i > 0 && compareMessagePolicies(messages[i - 1] as MessagePolicy, message) === 0) {
        throw new SessionError('DuplicateMessagePolicy', `the message policy \`${describeMessagePolicy(message)}\` is listed twice`, {
          details: { policy: describeMessagePolicy(message) },
        });
      }
      if (RESERVED_DOMAINS.includes(shortstringFelt(message.domainName, 'Domain Name'))) {
        throw new SessionError('ReservedMessageDomain', `a session may not sign messages of the domain \`${message.domainName}\`: it is the account's own`, {
          details: { domain: message.domainName },
        });
      }
    }
    return new SessionRequest({
      sessionKey,
      validAfter: Number(validAfter),
      validUntil: Number(validUntil),
      maxFee,
      feeBudget,
      maxTransactions: Number(maxTransactions),
      epoch: toFelt(this.#epoch, 'the owner epoch'),
      spendingLimits,
      tree: new PolicyTree(policies),
      names,
      uncounted,
      messages,
      tokenAuthorizing,
    });
  }
}

interface RequestParts {
  sessionKey: bigint;
  validAfter: number;
  validUntil: number;
  maxFee: bigint;
  feeBudget: bigint;
  maxTransactions: number;
  epoch: bigint;
  spendingLimits: SpendingLimit[];
  tree: PolicyTree;
  names: Map<bigint, string>;
  uncounted: [bigint, bigint][];
  messages: MessagePolicy[];
  tokenAuthorizing: MessagePolicy[];
}

/** A session request, in canonical order, ready to be shown to the owner and signed. */
export class SessionRequest {
  readonly #parts: RequestParts;
  readonly #messagesHash: bigint;

  /** Use {@link SessionRequest.builder}. */
  constructor(parts: RequestParts) {
    this.#parts = parts;
    this.#messagesHash = messagesHash(parts.messages);
  }

  /** A builder for a session of the key whose public key is `sessionKey`. */
  static builder(sessionKey: BigNumberish): SessionRequestBuilder {
    return new SessionRequestBuilder(sessionKey);
  }

  /** The session key's public key. */
  get sessionKey(): bigint {
    return this.#parts.sessionKey;
  }
  /** Start of the window (Unix seconds). */
  get validAfter(): number {
    return this.#parts.validAfter;
  }
  /** End of the window (Unix seconds, exclusive). */
  get validUntil(): number {
    return this.#parts.validUntil;
  }
  /** The fee cap per transaction, in FRI. */
  get maxFee(): bigint {
    return this.#parts.maxFee;
  }
  /** The fee budget, in FRI. */
  get feeBudget(): bigint {
    return this.#parts.feeBudget;
  }
  /** The transaction count. */
  get maxTransactions(): number {
    return this.#parts.maxTransactions;
  }
  /** The owner epoch. */
  get epoch(): bigint {
    return this.#parts.epoch;
  }
  /** The spending limits, in increasing token order. */
  get spendingLimits(): readonly SpendingLimit[] {
    return this.#parts.spendingLimits;
  }
  /** The policies and their tree. */
  get policies(): PolicyTree {
    return this.#parts.tree;
  }
  /** The message policies, in canonical order. */
  get messages(): readonly MessagePolicy[] {
    return this.#parts.messages;
  }
  /** The selector's name, when the request named it. */
  selectorName(selector: bigint): string | undefined {
    return this.#parts.names.get(selector);
  }
  /** Whether `(contract, selector)` was allowed with {@link SessionRequestBuilder.allowUncounted}. */
  isUncounted(contract: bigint, selector: bigint): boolean {
    return this.#parts.uncounted.some(([c, s]) => c === contract && s === selector);
  }
  /** Whether a message policy was allowed on purpose although it may authorize token spending. */
  isTokenAuthorizing(policy: MessagePolicy): boolean {
    return this.#parts.tokenAuthorizing.some((other) => compareMessagePolicies(other, policy) === 0);
  }

  /** The session as the account sees it. */
  session(): Session {
    return {
      sessionKey: this.sessionKey,
      validAfter: this.validAfter,
      validUntil: this.validUntil,
      maxFee: this.maxFee,
      feeBudget: this.feeBudget,
      maxTransactions: this.maxTransactions,
      epoch: this.epoch,
      policiesRoot: this.policies.root,
      spendingLimits: this.spendingLimits,
      messagesHash: this.#messagesHash,
    };
  }

  /** The session hash the owner signs for `account` on `chainId`. */
  hash(account: BigNumberish, chainId: BigNumberish): bigint {
    return sessionHash(this.session(), toFelt(account, 'the account'), toFelt(chainId, 'the chain id'));
  }

  /** The SNIP-12 typed data the owner's wallet shows and signs (`account.signMessage(typedData)`). */
  typedData(chainId: BigNumberish): TypedData {
    return sessionTypedData(
      this.session(),
      this.policies.policies,
      this.messages,
      toFelt(chainId, 'the chain id'),
      (selector) => this.selectorName(selector),
    );
  }

  /** The owner's signature of the session hash with the owner's private key (tests, scripts; a dApp asks the wallet). */
  signWithKey(account: BigNumberish, chainId: BigNumberish, ownerPrivateKey: BigNumberish): bigint[] {
    const signature = ec.starkCurve.sign(hex(this.hash(account, chainId)), hex(toFelt(ownerPrivateKey, 'the owner key')));
    return [signature.r, signature.s];
  }
}


function utc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

function duration(seconds: bigint): string {
  const units: [bigint, string][] = [[86400n, 'day'], [3600n, 'hour'], [60n, 'minute'], [1n, 'second']];
  const [size, name] = units.find(([size]) => seconds % size === 0n && seconds >= size) ?? [1n, 'second'];
  const count = seconds / size;
  return count === 1n ? name : `${count} ${name}s`;
}

/**
 * What `request` allows, in words, one line per thing the owner grants: for a dApp to show
 * before the wallet's prompt (the wallet shows the same as typed data). Amounts of STRK and ETH
 * are in tokens; an amount rule on a call naming a known token (`tip(token == STRK, amount <=
 * …)`) is shown in that token.
 */
export function describeRequest(request: SessionRequest): string[] {
  const lines: string[] = [];
  const key = hex(request.sessionKey);
  const from = request.validAfter > 0 ? ` from ${utc(request.validAfter)}` : '';
  lines.push(`Session key ${key.slice(0, 10)}… may act for your account${from} until ${utc(request.validUntil)}.`);
  lines.push(
    `Fees: at most ${formatStrk(request.maxFee)} per transaction and ${formatStrk(request.feeBudget)} in all, paid by your account.`,
  );
  lines.push(
    request.maxTransactions === UNLIMITED_TRANSACTIONS
      ? 'No limit on the number of transactions (only the fees and the window bound them).'
      : `At most ${request.maxTransactions} transactions.`,
  );
  for (const limit of request.spendingLimits) {
    const per =
      limit.period > 0n && limit.perPeriod < limit.total
        ? `, and ${formatTokenAmount(limit.token, limit.perPeriod)} per ${duration(limit.period)}`
        : '';
    lines.push(
      `May spend at most ${formatTokenAmount(limit.token, limit.total)} in all${per} (what leaves your balance, approvals included).`,
    );
  }
  for (const policy of request.policies.policies) {
    const name = request.selectorName(policy.selector) ?? knownSelectorName(policy.selector) ?? hex(policy.selector);
    const token = [STRK_TOKEN, ETH_TOKEN].includes(policy.contract)
      ? policy.contract
      : policy.rules.flatMap((rule) => (operatorOf(rule.operator) === 'EQ' ? rule.values : [])).find((v) => v === STRK_TOKEN || v === ETH_TOKEN);
    const amount = (value: bigint) => (token === undefined ? value.toString() : formatTokenAmount(token, value));
    const rules = policy.rules.length === 0 ? ', with any arguments' : `, only if ${policy.rules.map((rule) => describeRule(rule, amount)).join(' and ')}`;
    const contract = policy.contract === STRK_TOKEN ? 'the STRK token' : policy.contract === ETH_TOKEN ? 'the ETH token' : hex(policy.contract);
    lines.push(`May call \`${name}\` on ${contract}${rules}.`);
  }
  for (const message of request.messages) {
    const rules = message.rules.length === 0 ? '' : `, only if ${message.rules.map((rule) => describeRule(rule)).join(' and ')}`;
    lines.push(`May sign ${describeMessagePolicy(message)}${rules}: signed messages are outside the limits above.`);
  }
  lines.push('Nothing else: your account refuses any other call, and you can end the session at any time.');
  return lines;
}
