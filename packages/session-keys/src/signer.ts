/**
 * The session key as a starknet.js signer: it signs transactions, outside executions (SNIP-9,
 * relayed or through a SNIP-29 paymaster) and messages as the session, after checking what the
 * account will check. The Rust SDK's `signer` module (`SessionKeySigner`).
 */
import {
  ec,
  hash,
  stark,
  transaction,
  typedData as snip12,
  type Call,
  type DeclareSignerDetails,
  type DeployAccountSignerDetails,
  type InvocationsSignerDetails,
  type ProviderInterface,
  type Signature,
  type SignerInterface,
  type TypedData,
} from 'starknet';

import { SessionError } from './errors.js';
import { hex, toFelt } from './felt.js';
import { blockTime } from './node.js';
import { checkFeeCap, checkLimits, checkSpending, maxFee, sessionSpending, sessionUsage, spends } from './limits.js';
import { isOutsideExecution, outsideExecutionParts } from './outsideExecution.js';
import { feltCalls, type FeltCall } from './policyTree.js';
import { allowedMessage, messageTokenFelts, sessionMessageSignedHash } from './sessionMessage.js';
import type { SignedSession } from './signedSession.js';

/**
 * A new random session private key (`0x` hex), from the platform's secure random source
 * (`crypto.getRandomValues`, in browsers and Node.js alike); its public key
 * (`ec.starkCurve.getStarkKey(key)`) goes into the request.
 */
export function randomSessionKey(): string {
  return `0x${Array.from(ec.starkCurve.utils.randomPrivateKey(), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** Transactions whose version has this bit are queries (fee estimates), never executed. */
const QUERY_VERSION_BASE = 2n ** 128n;

/** How the signer checks the session's limits before signing. */
export interface SessionSignerOptions {
  /**
   * The node to read the account's count of the session from (transactions, fee, spending), so
   * that a transaction over a limit fails here with a typed error instead of on chain. Without
   * it, only the policies, their rules and the fee cap are checked before signing.
   */
  provider?: ProviderInterface;
}

/**
 * Signs as a session of `session` with the session's private key. Every path checks the calls
 * against the policies and their rules, and the limits the account will check; a refusal is a
 * {@link SessionError} naming the cause, thrown before anything is signed.
 */
export class SessionSigner implements SignerInterface {
  /** The signed session. */
  readonly session: SignedSession;
  readonly #key: string;
  readonly #provider: ProviderInterface | undefined;

  constructor(session: SignedSession, sessionPrivateKey: string | bigint, options: SessionSignerOptions = {}) {
    const key = toFelt(sessionPrivateKey, 'the session key');
    let publicKey: bigint;
    try {
      publicKey = BigInt(ec.starkCurve.getStarkKey(hex(key)));
    } catch (cause) {
      throw new SessionError('InvalidPrivateKey', 'the session key is not a private key: a Stark private key is a number from 1 to n - 1, n the curve\'s order', { cause });
    }
    if (publicKey !== session.request.sessionKey) {
      throw new SessionError(
        'WrongSessionKey',
        `the session key given (${hex(publicKey)}) is not the session's key (${hex(session.request.sessionKey)})`,
        { details: { expected: session.request.sessionKey, given: publicKey } },
      );
    }
    this.session = session;
    this.#key = hex(key);
    this.#provider = options.provider;
  }

  /** The session key's public key. */
  async getPubKey(): Promise<string> {
    return hex(this.session.request.sessionKey);
  }

  /**
   * A session transaction's signature (the session token, docs/protocol.md §3), after the checks:
   * the calls against the policies, the fee cap (not for a fee estimate, whose bounds are 0) and,
   * with a provider, the transaction count, the fee budget and the spending limits.
   */
  async signTransaction(calls: Call[], details: InvocationsSignerDetails): Promise<Signature> {
    const version = BigInt(details.version);
    if (version % QUERY_VERSION_BASE !== 3n) {
      throw new SessionError('NotAnInvoke', `a session signs version 3 transactions only, not version ${hex(version)}`, {
        details: { what: `version ${hex(version)}` },
      });
    }
    const compiledCalldata = transaction.getExecuteCalldata(calls, '1');
    const felts = feltCalls(calls);
    const proofs = this.session.callProofs(felts);
    const bounds = details.resourceBounds;
    const fee = maxFee({
      l1Gas: { maxAmount: BigInt(bounds.l1_gas.max_amount), maxPricePerUnit: BigInt(bounds.l1_gas.max_price_per_unit) },
      l2Gas: { maxAmount: BigInt(bounds.l2_gas.max_amount), maxPricePerUnit: BigInt(bounds.l2_gas.max_price_per_unit) },
      l1DataGas: {
        maxAmount: BigInt(bounds.l1_data_gas.max_amount),
        maxPricePerUnit: BigInt(bounds.l1_data_gas.max_price_per_unit),
      },
      tip: BigInt(details.tip ?? 0),
    });
    const query = version >= QUERY_VERSION_BASE;
    if (!query) checkFeeCap(this.session.session(), fee);
    const recorded = await this.#checkUsage(felts, fee);
    const transactionHash = BigInt(
      hash.calculateInvokeTransactionHash({
        ...details,
        senderAddress: details.walletAddress,
        compiledCalldata,
        version: details.version,
        nonceDataAvailabilityMode: stark.intDAM(details.nonceDataAvailabilityMode),
        feeDataAvailabilityMode: stark.intDAM(details.feeDataAvailabilityMode),
      }),
    );
    return this.#token(this.session.messageHash(transactionHash), proofs, recorded);
  }

  /**
   * A message's signature: an outside execution (SNIP-9 version 2, as starknet.js and SNIP-29
   * paymasters build it) is signed as a session over its message hash, after the same checks as a
   * transaction but the fee (the relayer pays); any other SNIP-12 message is signed as a
   * session-signed message, if the session's message policies allow it.
   */
  async signMessage(typedData: TypedData, accountAddress: string): Promise<Signature> {
    if (toFelt(accountAddress, 'the account') !== this.session.account) {
      throw new SessionError('InvalidMessage', `the session is for account ${hex(this.session.account)}, not ${accountAddress}`, {
        details: { reason: 'another account' },
      });
    }
    if (isOutsideExecution(typedData)) {
      const { calls } = outsideExecutionParts(typedData);
      const proofs = this.session.callProofs(calls);
      const recorded = await this.#checkUsage(calls, 0n);
      const messageHash = BigInt(snip12.getMessageHash(typedData, accountAddress));
      return this.#token(this.session.messageHash(messageHash), proofs, recorded);
    }
    const message = allowedMessage(this.session, typedData);
    const recorded = this.#provider === undefined ? false : (await this.#usage()).authorized;
    const signature = ec.starkCurve.sign(hex(sessionMessageSignedHash(message.messageHash, this.session.hash)), this.#key);
    const owner = recorded ? [] : this.session.ownerSignature;
    return messageTokenFelts(this.session, owner, [signature.r, signature.s], message).map(hex);
  }

  /** Sessions never deploy accounts. */
  async signDeployAccountTransaction(_details: DeployAccountSignerDetails): Promise<Signature> {
    throw new SessionError('NotAnInvoke', 'a session cannot deploy accounts', { details: { what: 'deploy account' } });
  }

  /** Sessions never declare classes. */
  async signDeclareTransaction(_details: DeclareSignerDetails): Promise<Signature> {
    throw new SessionError('NotAnInvoke', 'a session cannot declare classes', { details: { what: 'declare' } });
  }

  /** The session key's signature of `message`, in the token with the call proofs. */
  #token(message: bigint, proofs: ReturnType<SignedSession['callProofs']>, recorded: boolean): string[] {
    const signature = ec.starkCurve.sign(hex(message), this.#key);
    const felts = this.session.token([signature.r, signature.s], proofs);
    if (!recorded) return felts.map(hex);
    // The short form: the account recorded the owner's authorization, so the token leaves it out.
    return this.session.shortToken([signature.r, signature.s], proofs).map(hex);
  }

  async #usage() {
    return sessionUsage(this.#provider as ProviderInterface, this.session.account, this.session.hash);
  }

  /**
   * The account's count, read once: throws if one more use costing `fee` is over the transaction
   * count, the fee budget or a spending limit. Returns whether the account recorded the owner's
   * authorization (the token may then leave it out). Without a provider, nothing is read.
   */
  async #checkUsage(calls: readonly FeltCall[], fee: bigint): Promise<boolean> {
    const provider = this.#provider;
    if (provider === undefined) return false;
    const session = this.session.session();
    const usage = await this.#usage();
    checkLimits(session, usage, fee);
    const spent = spends(session, this.session.account, calls);
    if (spent.length > 0) {
      const now = await blockTime(provider);
      for (const [limit, amount] of spent) {
        const counted = await sessionSpending(provider, this.session.account, this.session.hash, limit.token);
        checkSpending(limit, counted, amount, session.validAfter, now);
      }
    }
    return usage.authorized;
  }
}
