/**
 * `SessionAccount`: a starknet.js `Account` that acts as a session of our account, with only the
 * signed session and the session key; and `createSession`, the owner's one signature through any
 * starknet.js account or wallet. The Rust SDK's `account` module.
 */
import {
  Account,
  ec,
  RPCResponseParser,
  RpcProvider,
  stark,
  type BigNumberish,
  type Call,
  type EstimateFeeResponseOverhead,
  type InvokeFunctionResponse,
  type PaymasterInterface,
  type PaymasterOptions,
  type ProviderInterface,
  type RpcProviderOptions,
  type UniversalDetails,
} from 'starknet';

import { SessionError } from './errors.js';
import { hex, toFelt } from './felt.js';
import { blockTime, readView, shortCause } from './node.js';
import { sessionRemaining, sessionSpending, sessionUsage, type SessionRemaining, type SessionUsage } from './limits.js';
import type { SessionRequest } from './request.js';
import { isSessionRevoked, logoutHash, sessionEpoch } from './revocation.js';
import { sessionFelts } from './sessionHash.js';
import { SessionSigner } from './signer.js';
import { SignedSession } from './signedSession.js';

/**
 * How far above the fee estimate a session's transaction sets its resource bounds, in percent:
 * the account counts each transaction at its maximum fee against the fee budget, so the bounds
 * stay tight (the Rust SDK's `GAS_MARGIN` 1.1 and `PRICE_MARGIN` 1.2; starknet.js's default is 50
 * and 50).
 */
export const SESSION_RESOURCE_OVERHEAD = {
  l1_gas: { max_amount: 10, max_price_per_unit: 20 },
  l1_data_gas: { max_amount: 10, max_price_per_unit: 20 },
  l2_gas: { max_amount: 10, max_price_per_unit: 20 },
};

/** What a {@link SessionAccount} needs: a node, the signed session and the session's private key. */
export interface SessionAccountOptions {
  /** A starknet.js provider, or the options of one (`{ nodeUrl }`). */
  provider: ProviderInterface | RpcProviderOptions;
  /** The session the owner signed. */
  session: SignedSession;
  /** The session's private key (kept by the dApp, e.g. in the browser's storage). */
  sessionKey: BigNumberish;
  /** A SNIP-29 paymaster, for `executePaymasterTransaction`. */
  paymaster?: PaymasterOptions | PaymasterInterface;
  /** Check the session's limits against the account's count before signing (default true: one or two view calls). */
  checkUsage?: boolean;
}

/**
 * A session of our account as a starknet.js `Account`: `execute`, `estimateInvokeFee`,
 * multicalls, `getOutsideTransaction` (relayed, SNIP-9) and `executePaymasterTransaction`
 * (SNIP-29) all sign with the session key, after the checks the account will make; a refusal is
 * a {@link SessionError} thrown before anything is signed or sent.
 */
export class SessionAccount extends Account {
  /** The signed session. */
  readonly session: SignedSession;

  constructor(options: SessionAccountOptions) {
    // A provider of its own, sharing the given one's channel, whose fee estimates carry the
    // session's tight margins.
    const provider = new RpcProvider(options.provider as RpcProviderOptions);
    provider.responseParser = new RPCResponseParser(SESSION_RESOURCE_OVERHEAD);
    const signer = new SessionSigner(options.session, toFelt(options.sessionKey, 'the session key'), {
      ...(options.checkUsage === false ? {} : { provider }),
    });
    super({
      provider,
      address: hex(options.session.account),
      signer,
      cairoVersion: '1',
      ...(options.paymaster === undefined ? {} : { paymaster: options.paymaster }),
    });
    this.session = options.session;
  }

  /**
   * A session account after asking the node what would otherwise only surface as a rejected
   * transaction: the chain is the session's, the account's current owner signed it, it is not
   * revoked, and the owner epoch has not moved on.
   */
  static async connect(options: SessionAccountOptions): Promise<SessionAccount> {
    const account = new SessionAccount(options);
    await account.checkWithNode();
    return account;
  }

  /** Throws `ChainMismatch`, `InvalidOwnerSignature`, `Revoked` or `StaleEpoch` if the node says the session cannot act. */
  async checkWithNode(): Promise<void> {
    const session = this.session;
    let chain: bigint;
    try {
      chain = BigInt(await this.provider.getChainId());
    } catch (cause) {
      throw new SessionError('Provider', `the node failed to give its chain id: ${shortCause(cause)}`, { cause });
    }
    if (chain !== session.chainId) {
      throw new SessionError('ChainMismatch', `the session was signed for chain ${hex(session.chainId)}, but the node serves chain ${hex(chain)}`, {
        details: { session: session.chainId, node: chain },
      });
    }
    const [owner] = await readView(this.provider, session.account, 'get_owner', [], 1);
    session.verifyOwner(owner as bigint);
    if (await isSessionRevoked(this.provider, session.account, session.hash)) {
      throw new SessionError('Revoked', `the account revoked session ${hex(session.hash)}`, { details: { sessionHash: session.hash } });
    }
    const epoch = await sessionEpoch(this.provider, session.account);
    if (epoch !== session.request.epoch) {
      throw new SessionError(
        'StaleEpoch',
        `the session is of owner epoch ${hex(session.request.epoch)}, but the account is at epoch ${hex(epoch)}: the owner revoked all sessions or changed the owner key since it was signed; ask the owner for a new one`,
        { details: { session: session.request.epoch, account: epoch } },
      );
    }
  }

  /**
   * The fee estimate, with the session's validation (starknet.js skips validation by default,
   * which misses what a session's checks cost) and the session's tight margins.
   */
  override async estimateInvokeFee(calls: Call | Call[], details: UniversalDetails = {}): Promise<EstimateFeeResponseOverhead> {
    return super.estimateInvokeFee(calls, { ...details, skipValidate: details.skipValidate ?? false });
  }

  /** Sessions never deploy accounts: refused before anything is asked of the node. */
  override async deployAccount(..._args: Parameters<Account['deployAccount']>): Promise<never> {
    throw new SessionError('NotAnInvoke', 'a session cannot deploy accounts', { details: { what: 'deploy account' } });
  }

  /** Sessions never declare classes: refused before anything is asked of the node. */
  override async declare(..._args: Parameters<Account['declare']>): Promise<never> {
    throw new SessionError('NotAnInvoke', 'a session cannot declare classes', { details: { what: 'declare' } });
  }

  /** What the account has counted for this session: transactions, fee, the recorded authorization. */
  async usage(): Promise<SessionUsage> {
    return sessionUsage(this.provider, this.session.account, this.session.hash);
  }

  /** What is left of this session by the chain's clock: time, transactions, fee budget, each spending limit. */
  async remaining(): Promise<SessionRemaining> {
    const session = this.session.session();
    const now = await blockTime(this.provider);
    const usage = await this.usage();
    const spending = [];
    for (const limit of session.spendingLimits) {
      spending.push(await sessionSpending(this.provider, this.session.account, this.session.hash, limit.token));
    }
    return sessionRemaining(session, usage, spending, now);
  }

  /** Whether the account revoked this session (or it logged out). */
  async isRevoked(): Promise<boolean> {
    return isSessionRevoked(this.provider, this.session.account, this.session.hash);
  }

  /** The account's `logout_session` call for this session, with the session key's signature: send it yourself, or relay it. */
  logoutCall(sessionPrivateKey: BigNumberish): Call {
    const signature = ec.starkCurve.sign(hex(logoutHash(this.session.hash)), hex(toFelt(sessionPrivateKey, 'the session key')));
    const felts = [...sessionFelts(this.session.session()), 2n, signature.r, signature.s];
    return { contractAddress: hex(this.session.account), entrypoint: 'logout_session', calldata: felts.map(hex) };
  }

  /** Logs out: ends the session for good, as a transaction of the session itself (no owner needed). */
  async logout(sessionPrivateKey: BigNumberish, details: UniversalDetails = {}): Promise<InvokeFunctionResponse> {
    return this.execute(this.logoutCall(sessionPrivateKey), details);
  }
}

/** The owner's side, anything that signs typed data for the account: a starknet.js `Account` or `WalletAccount`. */
export interface OwnerAccount {
  /** The owner's account address. */
  address: string;
  /** Its node. */
  provider: ProviderInterface;
  /** SNIP-12 signing (a wallet shows the typed data to its user). */
  signMessage(typedData: import('starknet').TypedData): Promise<import('starknet').Signature>;
}

/**
 * Asks the owner to sign `request` once (`owner.signMessage(typedData)`: a wallet shows the
 * session's typed data), and returns the signed session after checking, against the chain, that
 * the signature is the account owner's and the request's owner epoch is the account's.
 */
export async function createSession(request: SessionRequest, owner: OwnerAccount): Promise<SignedSession> {
  let chainId: bigint;
  try {
    chainId = BigInt(await owner.provider.getChainId());
  } catch (cause) {
    throw new SessionError('Provider', `the node failed to give its chain id: ${shortCause(cause)}`, { cause });
  }
  const account = toFelt(owner.address, "the owner's account");
  const epoch = await sessionEpoch(owner.provider, account);
  if (epoch !== request.epoch) {
    throw new SessionError(
      'StaleEpoch',
      `the request is of owner epoch ${hex(request.epoch)}, but the account is at epoch ${hex(epoch)}: build it with .epoch(${hex(epoch)}) (sessionEpoch reads it)`,
      { details: { session: request.epoch, account: epoch } },
    );
  }
  let signature: string[];
  try {
    signature = stark.formatSignature(await owner.signMessage(request.typedData(chainId)));
  } catch (cause) {
    throw new SessionError('OwnerDidNotSign', `the owner did not sign the session: ${shortCause(cause)}`, { cause });
  }
  const session = new SignedSession(request, account, chainId, signature);
  const [ownerKey] = await readView(owner.provider, account, 'get_owner', [], 1);
  session.verifyOwner(ownerKey as bigint);
  return session;
}
