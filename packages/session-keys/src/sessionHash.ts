/**
 * What the owner signs: the session's SNIP-12 revision 1 types, their hashes, the session hash
 * and the typed data a wallet shows (docs/protocol.md §1). The Rust SDK's `session_hash` module
 * and the contract's `session_hash.cairo`.
 *
 * The encodings of text (shortstrings, strings) are starknet.js's own `typedData.encodeValue`:
 * that is what wallets run, so a session hashes here exactly as the owner's wallet hashes it.
 */
import { byteArray, ec, hash, shortString, typedData, TypedDataRevision, type TypedData } from 'starknet';

import { describeRule, operatorOf, type ArgumentRule } from './argumentRules.js';
import { SessionError } from './errors.js';
import { ADDRESS_BOUND, hex, isIdentifier, U128_BOUND } from './felt.js';
import { FEE_TOKEN } from './strk.js';

/** `poseidon_hash_many([])`, the hash of every empty list (a policy without rules): computed once. */
const EMPTY_LIST_HASH = ec.starkCurve.poseidonHashMany([]);
const poseidon = (values: bigint[]): bigint => (values.length === 0 ? EMPTY_LIST_HASH : ec.starkCurve.poseidonHashMany(values));

/** The typed data's domain name. */
export const DOMAIN_NAME = 'SessionKeys.session';
/** The typed data's domain version: the version of the `Session` type. */
export const DOMAIN_VERSION = 4;

/** `"Session"(…)` and the types it uses, as SNIP-12 revision 1 encodes them. */
export const SESSION_TYPE_STRING =
  '"Session"("Session Key":"felt","Valid After":"timestamp","Valid Until":"timestamp",' +
  '"Max Fee Per Transaction":"TokenAmount","Fee Budget":"TokenAmount","Max Transactions":"u128",' +
  '"Owner Epoch":"felt","Policies":"merkletree","Spending Limits":"SpendingLimit*",' +
  '"Messages":"MessagePolicy*")' +
  '"ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")' +
  '"MessagePolicy"("Domain Name":"shortstring","Domain Version":"shortstring","Type":"string",' +
  '"Rules":"ArgumentRule*")' +
  '"SpendingLimit"("Total":"TokenAmount","Per Period":"TokenAmount","Period":"u128")' +
  '"TokenAmount"("token_address":"ContractAddress","amount":"u256")' +
  '"u256"("low":"u128","high":"u128")';
/** `"SpendingLimit"(…)` and the types it uses. */
export const SPENDING_LIMIT_TYPE_STRING =
  '"SpendingLimit"("Total":"TokenAmount","Per Period":"TokenAmount","Period":"u128")' +
  '"TokenAmount"("token_address":"ContractAddress","amount":"u256")' +
  '"u256"("low":"u128","high":"u128")';
/** `"MessagePolicy"(…)` and the types it uses. */
export const MESSAGE_POLICY_TYPE_STRING =
  '"MessagePolicy"("Domain Name":"shortstring","Domain Version":"shortstring","Type":"string",' +
  '"Rules":"ArgumentRule*")' +
  '"ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")' +
  '"u256"("low":"u128","high":"u128")';
/** `"TokenAmount"(…)` (a preset type of revision 1). */
export const TOKEN_AMOUNT_TYPE_STRING =
  '"TokenAmount"("token_address":"ContractAddress","amount":"u256")"u256"("low":"u128","high":"u128")';
/** `"u256"(…)` (a preset type of revision 1). */
export const U256_TYPE_STRING = '"u256"("low":"u128","high":"u128")';
/** `"Policy"(…)`, the policy tree's leaf type. */
export const POLICY_TYPE_STRING =
  '"Policy"("Contract":"ContractAddress","Selector":"selector","Rules":"ArgumentRule*")' +
  '"ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")' +
  '"u256"("low":"u128","high":"u128")';
/** `"ArgumentRule"(…)`. */
export const ARGUMENT_RULE_TYPE_STRING =
  '"ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")' +
  '"u256"("low":"u128","high":"u128")';
/** `"StarknetDomain"(…)` of revision 1. */
export const DOMAIN_TYPE_STRING =
  '"StarknetDomain"("name":"shortstring","version":"shortstring","chainId":"shortstring","revision":"shortstring")';

/** Each type string's hash (`starknet_keccak`), by type name. */
export const TYPE_HASHES = {
  Session: hash.starknetKeccak(SESSION_TYPE_STRING),
  SpendingLimit: hash.starknetKeccak(SPENDING_LIMIT_TYPE_STRING),
  MessagePolicy: hash.starknetKeccak(MESSAGE_POLICY_TYPE_STRING),
  TokenAmount: hash.starknetKeccak(TOKEN_AMOUNT_TYPE_STRING),
  u256: hash.starknetKeccak(U256_TYPE_STRING),
  Policy: hash.starknetKeccak(POLICY_TYPE_STRING),
  ArgumentRule: hash.starknetKeccak(ARGUMENT_RULE_TYPE_STRING),
  StarknetDomain: hash.starknetKeccak(DOMAIN_TYPE_STRING),
} as const;

/** `'StarkNet Message'`, the first felt of every SNIP-12 message hash. */
const STARKNET_MESSAGE = BigInt(shortString.encodeShortString('StarkNet Message'));

/** A spending limit: at most `total` of `token` over the session's life, `perPeriod` per `period` seconds. */
export interface SpendingLimit {
  /** The token's address. */
  readonly token: bigint;
  /** The most the session may spend over its life (a u256). */
  readonly total: bigint;
  /** The most it may spend in each period (a u256). */
  readonly perPeriod: bigint;
  /** The period in seconds, counted from the session's start (a u64); 0: one period that never renews. */
  readonly period: bigint;
}

/** A call the session may make: `selector` on `contract`, with its arguments' rules. */
export interface Policy {
  /** The contract's address. */
  readonly contract: bigint;
  /** The entry point's selector. */
  readonly selector: bigint;
  /** Its argument rules, in canonical order. */
  readonly rules: readonly ArgumentRule[];
}

/** A kind of SNIP-12 message the session may sign (docs/protocol.md §6). */
export interface MessagePolicy {
  /** The domain's name as the typed data writes it. */
  readonly domainName: string;
  /** The domain's version as the typed data writes it. */
  readonly domainVersion: string;
  /** The primary type's encoded type string. */
  readonly typeString: string;
  /** Rules on the message's members, by index, in canonical order. */
  readonly rules: readonly ArgumentRule[];
}

/** The session as the account sees it: what the owner signs, in the token (docs/protocol.md §3). */
export interface Session {
  /** The session key's public key. */
  readonly sessionKey: bigint;
  /** Start of the window (Unix seconds, inclusive). */
  readonly validAfter: number;
  /** End of the window (Unix seconds, exclusive). */
  readonly validUntil: number;
  /** The most one transaction may cost, in FRI (a u128). */
  readonly maxFee: bigint;
  /** The most all its transactions together may cost, in FRI (a u128). */
  readonly feeBudget: bigint;
  /** How many transactions it may send (a u32). */
  readonly maxTransactions: number;
  /** The account's owner epoch when the owner signed. */
  readonly epoch: bigint;
  /** The root of the policy tree. */
  readonly policiesRoot: bigint;
  /** The spending limits, each token once in increasing address order. */
  readonly spendingLimits: readonly SpendingLimit[];
  /** The hash of the message policies (`poseidon` of their struct hashes). */
  readonly messagesHash: bigint;
}

/** The struct hash of a `u256`. */
export function u256Hash(value: bigint): bigint {
  return poseidon([TYPE_HASHES.u256, value % U128_BOUND, value / U128_BOUND]);
}

/** The struct hash of a `TokenAmount`. */
export function tokenAmountHash(token: bigint, amount: bigint): bigint {
  return poseidon([TYPE_HASHES.TokenAmount, token, u256Hash(amount)]);
}

/** The struct hash of an `ArgumentRule`. */
export function ruleHash(rule: ArgumentRule): bigint {
  return poseidon([
    TYPE_HASHES.ArgumentRule,
    BigInt(rule.word),
    rule.operator,
    poseidon([...rule.values]),
    poseidon(rule.u256Values.map(u256Hash)),
  ]);
}

/** The struct hash of a `Policy`: the policy tree's leaf. */
export function policyHash(contract: bigint, selector: bigint, rules: readonly ArgumentRule[]): bigint {
  return poseidon([TYPE_HASHES.Policy, contract, selector, poseidon(rules.map(ruleHash))]);
}

/** The struct hash of a `SpendingLimit`. */
export function spendingLimitHash(limit: SpendingLimit): bigint {
  return poseidon([
    TYPE_HASHES.SpendingLimit,
    tokenAmountHash(limit.token, limit.total),
    tokenAmountHash(limit.token, limit.perPeriod),
    limit.period,
  ]);
}

/** A `shortstring` as revision 1 encodes it (starknet.js's encoding: `"4"` is the felt 4). */
export function shortstringFelt(text: string, field: string): bigint {
  try {
    return BigInt(typedData.encodeValue({}, 'shortstring', text, undefined, TypedDataRevision.ACTIVE)[1]);
  } catch (cause) {
    throw new SessionError('InvalidMessage', `${field} \`${text.slice(0, 40)}\` is not a shortstring`, {
      cause,
      details: { reason: `${field} is not a shortstring` },
    });
  }
}

/** A `string` as revision 1 hashes it: the Poseidon hash of its `ByteArray` serialization. */
export function stringHash(text: string): bigint {
  return poseidon(byteArrayFelts(text));
}

/** A string's Cairo `ByteArray` serialization: the count of full 31-byte words, the words, the pending word, its length. */
export function byteArrayFelts(text: string): bigint[] {
  const array = byteArray.byteArrayFromString(text);
  return [
    BigInt(array.data.length),
    ...array.data.map((word) => BigInt(word)),
    BigInt(array.pending_word),
    BigInt(array.pending_word_len),
  ];
}

/** The struct hash of a `MessagePolicy`. */
export function messagePolicyHash(policy: MessagePolicy): bigint {
  return poseidon([
    TYPE_HASHES.MessagePolicy,
    shortstringFelt(policy.domainName, 'Domain Name'),
    shortstringFelt(policy.domainVersion, 'Domain Version'),
    stringHash(policy.typeString),
    poseidon(policy.rules.map(ruleHash)),
  ]);
}

/** The `Messages` member: `poseidon` of the message policies' struct hashes. */
export function messagesHash(messages: readonly MessagePolicy[]): bigint {
  return poseidon(messages.map(messagePolicyHash));
}

/** The struct hash of a `Session`. */
export function sessionStructHash(session: Session): bigint {
  return poseidon([
    TYPE_HASHES.Session,
    session.sessionKey,
    BigInt(session.validAfter),
    BigInt(session.validUntil),
    tokenAmountHash(FEE_TOKEN, session.maxFee),
    tokenAmountHash(FEE_TOKEN, session.feeBudget),
    BigInt(session.maxTransactions),
    session.epoch,
    session.policiesRoot,
    poseidon(session.spendingLimits.map(spendingLimitHash)),
    session.messagesHash,
  ]);
}

/** The hash of a revision 1 `StarknetDomain` of `name`, `version` and `chainId`. */
export function starknetDomainHash(name: bigint, version: bigint, chainId: bigint): bigint {
  return poseidon([TYPE_HASHES.StarknetDomain, name, version, chainId, 1n]);
}

/** The session domain's hash on `chainId`. */
export function domainHash(chainId: bigint): bigint {
  return starknetDomainHash(BigInt(shortString.encodeShortString(DOMAIN_NAME)), BigInt(DOMAIN_VERSION), chainId);
}

/** A SNIP-12 message hash: `poseidon(['StarkNet Message', domain, account, struct])`. */
export function typedMessageHash(domain: bigint, account: bigint, structHash: bigint): bigint {
  return poseidon([STARKNET_MESSAGE, domain, account, structHash]);
}

/** The session hash: what the owner signs, bound to `account` and `chainId`. */
export function sessionHash(session: Session, account: bigint, chainId: bigint): bigint {
  return typedMessageHash(domainHash(chainId), account, sessionStructHash(session));
}

/** The session's fields as the token carries them (docs/protocol.md §3, from offset 2). */
export function sessionFelts(session: Session): bigint[] {
  const out = [
    session.sessionKey,
    BigInt(session.validAfter),
    BigInt(session.validUntil),
    session.maxFee,
    session.feeBudget,
    BigInt(session.maxTransactions),
    session.epoch,
    session.policiesRoot,
    BigInt(session.spendingLimits.length),
  ];
  for (const limit of session.spendingLimits) {
    out.push(limit.token, limit.total % U128_BOUND, limit.total / U128_BOUND);
    out.push(limit.perPeriod % U128_BOUND, limit.perPeriod / U128_BOUND, limit.period);
  }
  out.push(session.messagesHash);
  return out;
}

/** Throws `InvalidAddress` unless `address` may be a contract's (not 0, below 2^251). */
export function checkAddress(address: bigint): bigint {
  if (address === 0n || address >= ADDRESS_BOUND) {
    throw new SessionError('InvalidAddress', `${hex(address)} is not a contract address`, { details: { address } });
  }
  return address;
}

/**
 * A selector from an entry point name (`transfer`) or a hex felt (`0x83af…`), as the typed data's
 * `selector` type reads it.
 */
export function parseSelector(selector: string): bigint {
  const invalid = () =>
    new SessionError(
      'InvalidSelector',
      `\`${selector.slice(0, 60)}\` is not a selector: give an entry point name like \`transfer\` (an identifier: letters, digits and \`_\`, nothing around it) or a hex felt below P`,
      { details: { selector } },
    );
  if (/^0[xX]/.test(selector)) {
    if (!/^0[xX][0-9a-fA-F]{1,64}$/.test(selector)) throw invalid();
    const felt = BigInt(selector);
    if (felt >= 2n ** 251n + 17n * 2n ** 192n + 1n) throw invalid();
    return felt;
  }
  if (!isIdentifier(selector)) throw invalid();
  return BigInt(hash.getSelectorFromName(selector));
}

/** The chain id as the typed data writes it: its shortstring (`SN_SEPOLIA`), or hex if that would not read back. */
export function chainName(chainId: bigint): string {
  let text: string;
  try {
    text = shortString.decodeShortString(hex(chainId));
  } catch {
    return hex(chainId);
  }
  const graphic = text.length > 0 && [...text].every((c) => c >= '!' && c <= '~');
  let numeric = false;
  try {
    BigInt(text);
    numeric = true;
  } catch {
    numeric = false;
  }
  return graphic && !numeric ? text : hex(chainId);
}

/** The `StarknetDomain` type of SNIP-12 revision 1, for typed data of one's own (a game's moves). */
export function starknetDomainType(): { name: string; type: string }[] {
  return [
    { name: 'name', type: 'shortstring' },
    { name: 'version', type: 'shortstring' },
    { name: 'chainId', type: 'shortstring' },
    { name: 'revision', type: 'shortstring' },
  ];
}

function u256Value(value: bigint) {
  return { low: hex(value % U128_BOUND), high: hex(value / U128_BOUND) };
}

function tokenAmount(token: bigint, amount: bigint) {
  return { token_address: hex(token), amount: u256Value(amount) };
}

function ruleValue(rule: ArgumentRule) {
  return {
    Word: rule.word,
    Operator: operatorOf(rule.operator) ?? hex(rule.operator),
    Values: rule.values.map(hex),
    'U256 Values': rule.u256Values.map(u256Value),
  };
}

/** An integer a JavaScript wallet reads exactly: a number below 2^53, a decimal string from there. */
function integerValue(value: bigint): number | string {
  return value < 2n ** 53n ? Number(value) : value.toString();
}

/**
 * The SNIP-12 revision 1 typed data of `session` (for `account.signMessage`): its policies in
 * canonical order, each selector by the name `names` gives it (else in hex), and its message
 * policies.
 */
export function sessionTypedData(
  session: Session,
  policies: readonly Policy[],
  messages: readonly MessagePolicy[],
  chainId: bigint,
  names: (selector: bigint) => string | undefined = () => undefined,
): TypedData {
  return {
    types: {
      StarknetDomain: starknetDomainType(),
      Session: [
        { name: 'Session Key', type: 'felt' },
        { name: 'Valid After', type: 'timestamp' },
        { name: 'Valid Until', type: 'timestamp' },
        { name: 'Max Fee Per Transaction', type: 'TokenAmount' },
        { name: 'Fee Budget', type: 'TokenAmount' },
        { name: 'Max Transactions', type: 'u128' },
        { name: 'Owner Epoch', type: 'felt' },
        { name: 'Policies', type: 'merkletree', contains: 'Policy' },
        { name: 'Spending Limits', type: 'SpendingLimit*' },
        { name: 'Messages', type: 'MessagePolicy*' },
      ],
      MessagePolicy: [
        { name: 'Domain Name', type: 'shortstring' },
        { name: 'Domain Version', type: 'shortstring' },
        { name: 'Type', type: 'string' },
        { name: 'Rules', type: 'ArgumentRule*' },
      ],
      SpendingLimit: [
        { name: 'Total', type: 'TokenAmount' },
        { name: 'Per Period', type: 'TokenAmount' },
        { name: 'Period', type: 'u128' },
      ],
      Policy: [
        { name: 'Contract', type: 'ContractAddress' },
        { name: 'Selector', type: 'selector' },
        { name: 'Rules', type: 'ArgumentRule*' },
      ],
      ArgumentRule: [
        { name: 'Word', type: 'u128' },
        { name: 'Operator', type: 'shortstring' },
        { name: 'Values', type: 'felt*' },
        { name: 'U256 Values', type: 'u256*' },
      ],
    },
    primaryType: 'Session',
    domain: { name: DOMAIN_NAME, version: String(DOMAIN_VERSION), chainId: chainName(chainId), revision: '1' },
    message: {
      'Session Key': hex(session.sessionKey),
      'Valid After': session.validAfter,
      'Valid Until': session.validUntil,
      'Max Fee Per Transaction': tokenAmount(FEE_TOKEN, session.maxFee),
      'Fee Budget': tokenAmount(FEE_TOKEN, session.feeBudget),
      'Max Transactions': session.maxTransactions,
      'Owner Epoch': hex(session.epoch),
      Policies: policies.map((policy) => ({
        Contract: hex(policy.contract),
        Selector: names(policy.selector) ?? hex(policy.selector),
        Rules: policy.rules.map(ruleValue),
      })),
      'Spending Limits': session.spendingLimits.map((limit) => ({
        Total: tokenAmount(limit.token, limit.total),
        'Per Period': tokenAmount(limit.token, limit.perPeriod),
        Period: integerValue(limit.period),
      })),
      Messages: messages.map((message) => ({
        'Domain Name': message.domainName,
        'Domain Version': message.domainVersion,
        Type: message.typeString,
        Rules: message.rules.map(ruleValue),
      })),
    },
  };
}

/** A message policy in words: `messages of Chess version 1 of type Move (0x…)`. */
export function describeMessagePolicy(policy: MessagePolicy): string {
  const name = /^"([^"]*)"/.exec(policy.typeString)?.[1] ?? '?';
  return `messages of ${policy.domainName} version ${policy.domainVersion} of type ${name} (${hex(hash.starknetKeccak(policy.typeString))})`;
}

export { describeRule };
