/**
 * A session the owner has signed, and its file: the JSON the Rust SDK and `sk` read and write,
 * byte for byte (docs/protocol.md §8). The Rust SDK's `signed_session` module.
 */
import { ec, hash, type BigNumberish } from 'starknet';

import { feltRule, operatorOf, parseOperator, u256Rule, type ArgumentRule, type Operator } from './argumentRules.js';
import { SessionError } from './errors.js';
import { hex, isIdentifier, toFelt, verifySignature } from './felt.js';
import type { FeltCall } from './policyTree.js';
import { SessionRequest, messagePolicy, type SessionRequestBuilder } from './request.js';
import type { MessagePolicy, Session } from './sessionHash.js';
import { sessionMessageHash, tokenFelts, type CallProof } from './sessionToken.js';

/** The version of the session file's layout. */
export const SESSION_FILE_VERSION = 4;

/** A session request with the owner's signature of it, for one account on one chain. */
export class SignedSession {
  /** What the owner signed. */
  readonly request: SessionRequest;
  /** The account the session acts for. */
  readonly account: bigint;
  /** The chain it was signed for. */
  readonly chainId: bigint;
  /** The session hash. */
  readonly hash: bigint;
  /** The owner's signature of the hash (`[r, s]`; empty for a session the account has recorded). */
  readonly ownerSignature: readonly bigint[];

  constructor(request: SessionRequest, account: BigNumberish, chainId: BigNumberish, ownerSignature: readonly BigNumberish[]) {
    this.request = request;
    this.account = toFelt(account, 'the account');
    this.chainId = toFelt(chainId, 'the chain id');
    this.hash = request.hash(this.account, this.chainId);
    this.ownerSignature = ownerSignature.map((felt) => toFelt(felt, 'the owner signature'));
  }

  /** The session as the account sees it. */
  session(): Session {
    return this.request.session();
  }

  /** Throws `InvalidOwnerSignature` unless the owner signature is `owner`'s (a public key) over the hash. */
  verifyOwner(owner: BigNumberish): void {
    const key = toFelt(owner, "the owner's public key");
    const [r, s] = this.ownerSignature;
    const valid = this.ownerSignature.length === 2 && r !== undefined && s !== undefined && verifySignature(this.hash, r, s, key);
    if (!valid) {
      throw new SessionError(
        'InvalidOwnerSignature',
        `the owner signature is not a valid signature of the session hash by owner key ${hex(key)}`,
        { details: { owner: key } },
      );
    }
  }

  /** What the session key signs for the transaction (or outside execution message) `transactionHash`. */
  messageHash(transactionHash: BigNumberish): bigint {
    return sessionMessageHash(toFelt(transactionHash, 'the transaction hash'), this.hash);
  }

  /** One proof per call, checked against the policies and their rules (calls as {@link feltCalls} reads them). */
  callProofs(calls: readonly FeltCall[]): CallProof[] {
    return this.request.policies.callProofs(this.account, calls, (selector) => this.request.selectorName(selector));
  }

  /** The transaction signature: the session token with the session key's signature and the calls' proofs. */
  token(sessionSignature: readonly bigint[], proofs: readonly CallProof[]): bigint[] {
    return tokenFelts({ session: this.session(), ownerSignature: this.ownerSignature, sessionSignature, proofs });
  }

  /** The short token: {@link token} without the owner signature, for a session the account has recorded. */
  shortToken(sessionSignature: readonly bigint[], proofs: readonly CallProof[]): bigint[] {
    return tokenFelts({ session: this.session(), ownerSignature: [], sessionSignature, proofs });
  }

  /** The transaction signature of `calls` in the transaction `transactionHash`, signed with the session's private key. */
  signTransaction(sessionPrivateKey: BigNumberish, transactionHash: BigNumberish, calls: readonly FeltCall[]): bigint[] {
    const proofs = this.callProofs(calls);
    const signature = ec.starkCurve.sign(hex(this.messageHash(transactionHash)), hex(toFelt(sessionPrivateKey, 'the session key')));
    return this.token([signature.r, signature.s], proofs);
  }

  /** The session file: pretty-printed JSON, the Rust SDK's `SignedSession::to_json`. */
  toJson(): string {
    const request = this.request;
    const rules = (list: readonly ArgumentRule[]) =>
      list.map((rule) => ({
        word: rule.word,
        operator: operatorOf(rule.operator) ?? hex(rule.operator),
        ...(rule.values.length > 0 ? { values: rule.values.map(hex) } : {}),
        ...(rule.u256Values.length > 0 ? { u256_values: rule.u256Values.map(String) } : {}),
      }));
    const file = {
      version: SESSION_FILE_VERSION,
      account: hex(this.account),
      chain_id: hex(this.chainId),
      session_hash: hex(this.hash),
      session_key: hex(request.sessionKey),
      valid_after: request.validAfter,
      valid_until: request.validUntil,
      max_fee: request.maxFee.toString(),
      fee_budget: request.feeBudget.toString(),
      max_transactions: request.maxTransactions,
      epoch: hex(request.epoch),
      spending_limits: request.spendingLimits.map((limit) => ({
        token: hex(limit.token),
        total: limit.total.toString(),
        per_period: limit.perPeriod.toString(),
        period: safeNumber(limit.period, 'a spending limit\'s period'),
      })),
      policies: request.policies.policies.map((policy) => ({
        contract: hex(policy.contract),
        selector: hex(policy.selector),
        ...(request.selectorName(policy.selector) !== undefined ? { name: request.selectorName(policy.selector) } : {}),
        ...(request.isUncounted(policy.contract, policy.selector) ? { uncounted: true } : {}),
        ...(policy.rules.length > 0 ? { rules: rules(policy.rules) } : {}),
      })),
      ...(request.messages.length > 0
        ? {
            messages: request.messages.map((message) => ({
              domain_name: message.domainName,
              domain_version: message.domainVersion,
              type: message.typeString,
              ...(message.rules.length > 0 ? { rules: rules(message.rules) } : {}),
              ...(request.isTokenAuthorizing(message) ? { token_authorizing: true } : {}),
            })),
          }
        : {}),
      owner_signature: this.ownerSignature.map(hex),
    };
    return JSON.stringify(file, null, 2);
  }

  /**
   * Reads a session file, with the Rust SDK's checks: every field known and of its type, the
   * request rebuilt (canonical order, limits), and the stored hash the hash of the content.
   */
  static fromJson(json: string): SignedSession {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new SessionError('InvalidJson', `invalid session JSON: ${(cause as Error).message}`, { cause, details: { field: '' } });
    }
    const file = new Reader(value, '');
    file.only([
      'version', 'account', 'chain_id', 'session_hash', 'session_key', 'valid_after', 'valid_until', 'max_fee',
      'fee_budget', 'max_transactions', 'epoch', 'spending_limits', 'policies', 'messages', 'owner_signature',
    ]);
    const version = file.integer('version');
    if (version !== SESSION_FILE_VERSION) {
      throw new SessionError(
        'UnsupportedFileVersion',
        `unsupported session file version ${version} (this SDK reads version ${SESSION_FILE_VERSION})`,
        { details: { found: version, supported: SESSION_FILE_VERSION } },
      );
    }
    let builder: SessionRequestBuilder = SessionRequest.builder(file.felt('session_key'))
      .validAfter(file.integer('valid_after'))
      .validUntil(file.integer('valid_until'))
      .maxFee(file.decimal('max_fee'))
      .feeBudget(file.decimal('fee_budget'))
      .maxTransactions(file.integer('max_transactions'))
      .epoch(file.felt('epoch'));
    for (const limit of file.list('spending_limits')) {
      limit.only(['token', 'total', 'per_period', 'period']);
      builder = builder.periodicSpendingLimit(limit.felt('token'), limit.decimal('total'), limit.decimal('per_period'), limit.integer('period'));
    }
    for (const entry of file.list('policies')) {
      entry.only(['contract', 'selector', 'name', 'uncounted', 'rules']);
      const selector = entry.felt('selector');
      const name = entry.optionalText('name');
      if (name !== undefined && !isIdentifier(name)) {
        throw entry.error('name', `\`${name.slice(0, 40)}\` is not an entry point name (an identifier: letters, digits and \`_\`, nothing around it)`);
      }
      if (name !== undefined && BigInt(hash.getSelectorFromName(name)) !== selector) {
        throw new SessionError('SelectorNameMismatch', `the policy name \`${name}\` does not match its selector ${hex(selector)}`, {
          details: { name, selector },
        });
      }
      const rules = entry.optionalList('rules').map(readRule);
      const allow = entry.optionalBoolean('uncounted') ? builder.allowUncounted.bind(builder) : builder.allow.bind(builder);
      builder = allow(entry.felt('contract'), name ?? hex(selector), rules);
    }
    for (const entry of file.optionalList('messages')) {
      entry.only(['domain_name', 'domain_version', 'type', 'rules', 'token_authorizing']);
      const policy: MessagePolicy = messagePolicy(
        entry.text('domain_name'),
        entry.text('domain_version'),
        entry.text('type'),
        entry.optionalList('rules').map(readRule),
      );
      builder = entry.optionalBoolean('token_authorizing')
        ? builder.allowTokenAuthorizingMessage(policy)
        : builder.allowMessage(policy);
    }
    const request = builder.build();
    const session = new SignedSession(request, file.felt('account'), file.felt('chain_id'), file.feltList('owner_signature'));
    const stored = file.felt('session_hash');
    if (stored !== session.hash) {
      throw new SessionError(
        'HashMismatch',
        `the session hash in the file (${hex(stored)}) is not the hash of its content (${hex(session.hash)}): the file was edited or is for another format`,
        { details: { stored, computed: session.hash } },
      );
    }
    return session;
  }
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SessionError('InvalidJson', `${what} of ${value} cannot be written exactly in JSON read by JavaScript`, {
      details: { field: what },
    });
  }
  return Number(value);
}

function readRule(entry: Reader): ArgumentRule {
  entry.only(['word', 'operator', 'values', 'u256_values']);
  let operator: Operator;
  try {
    operator = parseOperator(entry.text('operator'));
  } catch (cause) {
    throw entry.error('operator', (cause as Error).message);
  }
  const felts = entry.optionalFeltList('values');
  const words = entry.optionalList('u256_values').map((value) => value.asDecimal());
  if (felts.length > 0 && words.length > 0) throw entry.error('values', 'a rule has felt values or u256 values, not both');
  return words.length > 0 ? u256Rule(entry.integer('word'), operator, words) : feltRule(entry.integer('word'), operator, felts);
}

/** Reads a JSON value strictly, naming the field in its errors (`policies[2].selector`). */
class Reader {
  constructor(
    readonly value: unknown,
    readonly path: string,
  ) {}

  error(field: string, reason: string): SessionError {
    const at = this.path === '' ? field : `${this.path}.${field}`;
    return new SessionError('InvalidJson', `invalid session JSON at \`${at}\`: ${reason}`, { details: { field: at } });
  }

  #object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) {
      throw new SessionError('InvalidJson', `invalid session JSON at \`${this.path || '.'}\`: expected an object`, {
        details: { field: this.path },
      });
    }
    return this.value as Record<string, unknown>;
  }

  only(fields: readonly string[]): void {
    const unknown = Object.keys(this.#object()).find((key) => !fields.includes(key));
    if (unknown !== undefined) throw this.error(unknown, `unknown field \`${unknown.slice(0, 40)}\``);
  }

  #get(field: string): unknown {
    const value = this.#object()[field];
    if (value === undefined) throw this.error(field, 'missing field');
    return value;
  }

  integer(field: string): number {
    const value = this.#get(field);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw this.error(field, `expected a non-negative integer below 2^53, found ${JSON.stringify(value)?.slice(0, 40)}`);
    }
    return value;
  }

  text(field: string): string {
    const value = this.#get(field);
    if (typeof value !== 'string') throw this.error(field, 'expected a string');
    return value;
  }

  optionalText(field: string): string | undefined {
    return this.#object()[field] === undefined ? undefined : this.text(field);
  }

  optionalBoolean(field: string): boolean {
    const value = this.#object()[field];
    if (value === undefined) return false;
    if (typeof value !== 'boolean') throw this.error(field, 'expected true or false');
    return value;
  }

  felt(field: string): bigint {
    const text = this.text(field);
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(text)) throw this.error(field, `\`${text.slice(0, 70)}\` is not a 0x-prefixed hex felt`);
    try {
      return toFelt(text, field);
    } catch (cause) {
      throw this.error(field, (cause as Error).message);
    }
  }

  decimal(field: string): bigint {
    return new Reader(this.#get(field), this.path === '' ? field : `${this.path}.${field}`).asDecimal();
  }

  asDecimal(): bigint {
    if (typeof this.value !== 'string' || !/^[0-9]{1,78}$/.test(this.value)) {
      throw new SessionError('InvalidJson', `invalid session JSON at \`${this.path}\`: expected a decimal integer in a string`, {
        details: { field: this.path },
      });
    }
    return BigInt(this.value);
  }

  list(field: string): Reader[] {
    const value = this.#get(field);
    if (!Array.isArray(value)) throw this.error(field, 'expected a list');
    const at = this.path === '' ? field : `${this.path}.${field}`;
    return value.map((item, index) => new Reader(item, `${at}[${index}]`));
  }

  optionalList(field: string): Reader[] {
    return this.#object()[field] === undefined ? [] : this.list(field);
  }

  feltList(field: string): bigint[] {
    return this.list(field).map((item) => {
      if (typeof item.value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(item.value)) {
        throw new SessionError('InvalidJson', `invalid session JSON at \`${item.path}\`: expected a 0x-prefixed hex felt`, {
          details: { field: item.path },
        });
      }
      return toFelt(item.value, item.path);
    });
  }

  optionalFeltList(field: string): bigint[] {
    return this.#object()[field] === undefined ? [] : this.feltList(field);
  }
}
