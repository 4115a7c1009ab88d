/**
 * Session keys for Starknet dApps: the TypeScript counterpart of the Rust SDK `sk-session`, on
 * starknet.js. A dApp builds a {@link SessionRequest}, the owner's wallet signs its typed data
 * once ({@link createSession}), and the dApp then acts with a {@link SessionAccount}, a
 * starknet.js `Account` holding the session key alone, within limits the account enforces.
 *
 * Each module has the name of its Rust twin (docs/architecture.md): `sessionHash`, `policyTree`,
 * `argumentRules`, `sessionToken`, `limits`, `revocation`, `outsideExecution`, `sessionMessage`,
 * `request`, `signedSession`, `signer`, `account`, `strk`, `errors`.
 */
export * from './account.js';
export * from './argumentRules.js';
export * from './errors.js';
export { ADDRESS_BOUND, hex, PRIME, toFelt, toU256, verifySignature } from './felt.js';
export * from './limits.js';
export { blockTime, READ_BLOCK } from './node.js';
export * from './outsideExecution.js';
export * from './policyTree.js';
export * from './request.js';
export * from './revocation.js';
export * from './sessionHash.js';
export * from './sessionMessage.js';
export * from './sessionToken.js';
export * from './signedSession.js';
export * from './signer.js';
export * from './strk.js';
