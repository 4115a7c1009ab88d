// The development wallet `sk dapp` serves for its devnet: a Starknet wallet injected as
// `window.starknet_skdev` (get-starknet's discovery: any `window.starknet_*` object), holding the
// demo account's owner key that `sk dapp` puts in `window.SK_DEV_WALLET` before this script.
// It answers the wallet API's requests (wallet_requestAccounts, wallet_requestChainId,
// wallet_signTypedData, …) and counts the signatures it was asked for (`prompts`), so a test can
// check that the page asks exactly once. Never use it with a real key.
import { ec, num, typedData, type TypedData } from 'starknet';

interface DevWalletConfig {
  address: string;
  privateKey: string;
  chainId: string;
}

declare global {
  interface Window {
    SK_DEV_WALLET?: DevWalletConfig;
    [key: `starknet_${string}`]: unknown;
  }
}

const config = window.SK_DEV_WALLET;
if (config === undefined) throw new Error('the development wallet has no account: load it from `sk dapp`');

const wallet = {
  id: 'skdev',
  name: 'sk development wallet (devnet only)',
  version: '1.0.0',
  icon: 'data:image/svg+xml;utf8,<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="%231f5fd1"/></svg>',
  /** The signatures the page asked for, by message hash: a session should need exactly one. */
  prompts: [] as string[],
  async request(call: { type: string; params?: unknown }): Promise<unknown> {
    switch (call.type) {
      case 'wallet_requestAccounts':
      case 'wallet_getPermissions':
        return call.type === 'wallet_getPermissions' ? ['accounts'] : [config.address];
      case 'wallet_requestChainId':
        return config.chainId;
      case 'wallet_supportedSpecs':
        return ['0.9', '0.10'];
      case 'wallet_supportedWalletApi':
        return ['0.7.2'];
      case 'wallet_signTypedData': {
        const data = call.params as TypedData;
        const hash = typedData.getMessageHash(data, config.address);
        wallet.prompts.push(hash);
        const signature = ec.starkCurve.sign(hash, config.privateKey);
        return [num.toHex(signature.r), num.toHex(signature.s)];
      }
      default:
        throw { code: 163, message: `the development wallet does not do ${call.type}` };
    }
  },
  on(): void {},
  off(): void {},
};

window.starknet_skdev = wallet;
