// The devnet the end-to-end tests run on, described by the Rust harness (tests/typescript.rs) in
// SK_E2E: its URL, our account's class (declared), a funded account and the example tip jar.
// Each test deploys accounts of its own, so the tests run independently.
import { Account, ec, hash, RpcProvider, stark, type Call } from 'starknet';

import { hex, SessionRequest, STRK_TOKEN, type SessionRequestBuilder } from '../../src/index.js';

interface Environment {
  rpc: string;
  accountClassHash: string;
  tipJar: string;
  funder: { address: string; privateKey: string };
}

function environment(): Environment {
  const text = process.env.SK_E2E;
  if (text === undefined) {
    throw new Error('SK_E2E is not set: the end-to-end tests run from `cargo test --test typescript` (tests/typescript.rs), which starts a devnet');
  }
  return JSON.parse(text) as Environment;
}

export const env = environment();
export const provider = new RpcProvider({ nodeUrl: env.rpc });
export const funder = new Account({ provider, address: env.funder.address, signer: env.funder.privateKey, cairoVersion: '1' });
export const STRK = 10n ** 18n;

async function devnet(method: string, params: unknown): Promise<unknown> {
  const response = await fetch(env.rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** Waits for a transaction: devnet mines at once, so poll often (starknet.js waits 5 s between polls by default). */
export async function wait(transactionHash: string) {
  return provider.waitForTransaction(transactionHash, { retryInterval: 100 });
}

/** Moves the devnet's clock `seconds` ahead (and mines a block). */
export async function increaseTime(seconds: number): Promise<void> {
  await devnet('devnet_increaseTime', { time: seconds });
}

/** A new random key. */
export function newKey(): string {
  return hex(BigInt(stark.randomAddress()) % (ec.starkCurve.CURVE.n - 1n) + 1n);
}

/** Deploys an account of ours owned by a new key, funded with 10 STRK; returns it as the owner's starknet.js account. */
export async function deployAccount(): Promise<{ owner: Account; ownerKey: string }> {
  const ownerKey = newKey();
  const publicKey = ec.starkCurve.getStarkKey(ownerKey);
  const salt = stark.randomAddress();
  const address = hash.calculateContractAddressFromHash(salt, env.accountClassHash, [publicKey], 0);
  const minted = (await devnet('devnet_mint', { address, amount: Number(10n * STRK), unit: 'FRI' })) as { tx_hash: string };
  await wait(minted.tx_hash);
  const owner = new Account({ provider, address, signer: ownerKey, cairoVersion: '1' });
  const deployed = await owner.deployAccount({ classHash: env.accountClassHash, constructorCalldata: [publicKey], addressSalt: salt });
  await wait(deployed.transaction_hash);
  return { owner, ownerKey };
}

/** The chain's time now. */
export async function chainTime(): Promise<number> {
  const block = await provider.getBlockWithTxHashes('latest');
  return Number(block.timestamp);
}

/** A request for STRK transfers for an hour, with fee limits: the tests add what they test. */
export async function baseRequest(sessionPublicKey: string): Promise<SessionRequestBuilder> {
  return SessionRequest.builder(sessionPublicKey)
    .validUntil((await chainTime()) + 3600)
    .maxFee(STRK / 20n)
    .feeBudget(STRK)
    .maxTransactions(20);
}

/** A STRK transfer. */
export function transfer(recipient: string, amount: bigint): Call {
  return { contractAddress: hex(STRK_TOKEN), entrypoint: 'transfer', calldata: [recipient, hex(amount), '0x0'] };
}

/** STRK balance of `address`. */
export async function balance(address: string): Promise<bigint> {
  const [low, high] = await provider.callContract({ contractAddress: hex(STRK_TOKEN), entrypoint: 'balance_of', calldata: [address] });
  return BigInt(low as string) + (BigInt(high as string) << 128n);
}
