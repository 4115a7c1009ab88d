/**
 * Session keys for Starknet dApps: the TypeScript counterpart of the Rust SDK `sk-session`, on
 * starknet.js. A dApp builds a {@link SessionRequest}, the owner's wallet signs its typed data
 * once, and the dApp then acts with the session key alone, within limits the account enforces.
 *
 * Each module has the name of its Rust twin (docs/architecture.md): `sessionHash`, `policyTree`,
 * `argumentRules`, `sessionToken`, `limits`, `request`, `signedSession`, `strk`, `errors`.
 */
export * from './argumentRules.js';
export * from './errors.js';
export { ADDRESS_BOUND, hex, PRIME, toFelt, toU256, verifySignature } from './felt.js';
export * from './limits.js';
export * from './policyTree.js';
export * from './request.js';
export * from './sessionHash.js';
export * from './sessionToken.js';
export * from './signedSession.js';
export * from './strk.js';
