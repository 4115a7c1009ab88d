/**
 * The package's one error type. Like the Rust SDK's `Error`, each failure has a code (the Rust
 * variant's name), a message in words that says what happened and what to do, the values behind
 * it in `details`, and the underlying error as `cause` (the starknet.js or node error, when there
 * is one). Narrow with {@link isSessionError}: `if (isSessionError(e, 'CallNotAllowed'))
 * e.details.index`.
 */

/** The values behind each kind of error (felts and amounts as bigints). */
export interface SessionErrorDetails {
  /** A number or string that is not a felt (or not the integer the wire format needs). */
  InvalidFelt: Record<string, never>;
  /** A policy's contract or a spending limit's token is 0 or not below 2^251. */
  InvalidAddress: { address: bigint };
  /** A selector that is neither a hex felt nor a Cairo identifier. */
  InvalidSelector: { selector: string };
  /** The same (contract, selector) listed twice. */
  DuplicatePolicy: { contract: bigint; selector: bigint };
  /** A policy or message policy lists the same argument rule twice. */
  DuplicateRule: { rule: string };
  /** An argument rule the account cannot evaluate (the contract's `session/bad-rule`). */
  BadRule: { rule: string; reason: string };
  /** An operator name that is not one of the rules' operators. */
  UnknownOperator: { operator: string };
  /** A token with two spending limits. */
  DuplicateSpendingLimit: { token: bigint };
  /** A session's spending limits that are not each token once in increasing address order. */
  SpendingLimitsOutOfOrder: Record<string, never>;
  /** A rule that reads one word of a u256 amount a spending limit counts. */
  RuleSplitsAmount: { selector: string; word: number; amountWord: number };
  /** A message policy of a type that may authorize token spending, not allowed on purpose. */
  TokenAuthorizingMessage: { policy: string; what: string };
  /** A message that breaks a rule of its policy. */
  MessageRule: { rule: string };
  /** A limited token with a selector allowed on it whose allowances the limit would not see. */
  UncountedSelector: { token: bigint; selector: bigint };
  /** A session without policies. */
  NoPolicies: Record<string, never>;
  /** An empty validity window. */
  EmptyWindow: { validAfter: bigint; validUntil: bigint };
  /** An outside execution no block time can satisfy. */
  EmptyOutsideWindow: { executeAfter: bigint; executeBefore: bigint };
  /** A time beyond 2^53 - 1 seconds. */
  TimeOutOfRange: { time: bigint };
  /** A request without its fee cap or fee budget. */
  MissingFeeLimits: Record<string, never>;
  /** A limit of 0. */
  ZeroLimit: { limit: string };
  /** A session key of 0. */
  MissingSessionKey: Record<string, never>;
  /** A policy name that does not hash to its selector. */
  SelectorNameMismatch: { name: string; selector: bigint };
  /** A session file of another version. */
  UnsupportedFileVersion: { found: number; supported: number };
  /** A session file whose hash is not the hash of its content. */
  HashMismatch: { stored: bigint; computed: bigint };
  /** An owner signature that does not verify for the session hash and the owner key. */
  InvalidOwnerSignature: { owner: bigint };
  /** The wallet did not sign (refused, or failed). */
  OwnerDidNotSign: Record<string, never>;
  /** The key used is not the session's key. */
  WrongSessionKey: { expected: bigint; given: bigint };
  /** The node serves another chain than the session's. */
  ChainMismatch: { session: bigint; node: bigint };
  /** The account revoked the session (or the session logged out). */
  Revoked: { sessionHash: bigint };
  /** The session is of an owner epoch the account has moved on from. */
  StaleEpoch: { session: bigint; account: bigint };
  /** The node failed to answer, or answered something unexpected. */
  Provider: Record<string, never>;
  /** A call the session's policies do not allow. */
  CallNotAllowed: { index: number; contract: bigint; selector: bigint; name?: string };
  /** A call to the account itself. */
  SelfCall: { index: number };
  /** A call that breaks an argument rule of its policy. */
  ArgumentRule: { index: number; rule: string };
  /** A transaction that may cost more than the session's cap per transaction. */
  FeeCapExceeded: { maxFee: bigint; cap: bigint };
  /** A transaction that may cost more than the fee budget has left. */
  FeeBudgetExceeded: { maxFee: bigint; left: bigint; budget: bigint };
  /** A call on a limited token without a valid u256 amount. */
  BadAmount: { index: number };
  /** Calls that would move more of a token than the session has left. */
  SpendingLimitExceeded: { token: bigint; amount: bigint; left: bigint; scope: 'life' | 'period' };
  /** The session has sent all its transactions. */
  TransactionLimitReached: { limit: number };
  /** A session cannot declare classes or deploy accounts. */
  NotAnInvoke: { what: string };
  /** The felts are not a session signature, or do not parse. */
  MalformedSignature: { reason: string };
  /** Typed data that cannot be a session-signed message. */
  InvalidMessage: { reason: string };
  /** A message policy listed twice. */
  DuplicateMessagePolicy: { policy: string };
  /** A message policy for one of the account's own domains. */
  ReservedMessageDomain: { domain: string };
  /** A message whose domain and type the session does not allow. */
  MessageNotAllowed: { message: string };
  /** A message of another chain than the session's. */
  MessageChain: { expected: bigint; found: bigint };
  /** A session file or JSON value that is not what it must be. */
  InvalidJson: { field: string };
  /** A private key outside 1..n-1. */
  InvalidPrivateKey: Record<string, never>;
  /** Stored session data that cannot be read back. */
  Storage: Record<string, never>;
}

/** The kinds of {@link SessionError}. */
export type SessionErrorCode = keyof SessionErrorDetails;

/** A failure of the session package: `code` says which, `message` says it in words. */
export class SessionError<C extends SessionErrorCode = SessionErrorCode> extends Error {
  override name = 'SessionError';
  /** Which failure (the Rust SDK's `Error` variant of the same name). */
  readonly code: C;
  /** The values behind it. */
  readonly details: SessionErrorDetails[C];

  constructor(
    code: C,
    message: string,
    options: { cause?: unknown; details?: SessionErrorDetails[C] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? ({} as SessionErrorDetails[C]);
  }
}

/** Whether `error` is a {@link SessionError}, of `code` if given (and then typed as one). */
export function isSessionError<C extends SessionErrorCode>(error: unknown, code?: C): error is SessionError<C> {
  return error instanceof SessionError && (code === undefined || error.code === code);
}
