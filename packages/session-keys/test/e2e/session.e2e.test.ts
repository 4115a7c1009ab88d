// A session from TypeScript on devnet: created through the owner's starknet.js account, then used
// with the session key alone; each refusal with its error; limits; relayed execution; messages;
// revocation and logout.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';

import { ec, outsideExecution } from 'starknet';

import {
  createSession,
  feltRule,
  hex,
  isSessionError,
  revokeSessionCall,
  SessionAccount,
  SignedSession,
  starknetDomainType,
  STRK_TOKEN,
  u256Rule,
} from '../../src/index.js';
import { balance, baseRequest, deployAccount, env, funder, newKey, provider, STRK, transfer, wait } from './devnet.js';

const RECIPIENT = '0x7e57';

async function session(adjust: (builder: Awaited<ReturnType<typeof baseRequest>>) => typeof builder = (b) => b) {
  const { owner } = await deployAccount();
  const sessionKey = newKey();
  const request = adjust((await baseRequest(ec.starkCurve.getStarkKey(sessionKey))).allow(STRK_TOKEN, 'transfer')).build();
  const signed = await createSession(request, owner);
  const account = await SessionAccount.connect({ provider, session: signed, sessionKey });
  return { owner, sessionKey, signed, account };
}

async function refused(promise: Promise<unknown>, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isSessionError(error, code as never), `expected ${code}, got ${String(error)}`);
    return (error as Error).message;
  }
  assert.fail(`expected ${code}, but it was sent`);
}

test('the owner signs once, then the session key alone transfers, and usage counts it', async () => {
  const { signed, account, sessionKey } = await session((b) => b.spendingLimit(STRK_TOKEN, STRK / 10n));
  const before = await balance(RECIPIENT);
  const sent = await account.execute(transfer(RECIPIENT, 1000n));
  await wait(sent.transaction_hash);
  assert.equal((await balance(RECIPIENT)) - before, 1000n);
  const left = await account.remaining();
  assert.equal(left.transactionsLeft, 19);
  assert.ok(left.feeBudgetLeft < STRK && left.feeBudgetLeft > STRK / 2n);
  assert.equal(left.spending[0]!.totalLeft, STRK / 10n - 1000n);
  assert.ok(left.timeLeft > 0 && left.timeLeft <= 3600);
  assert.equal((await account.usage()).authorized, true);
  // The session file, for a backend (the Rust SDK reads it: tests/typescript.rs).
  if (process.env.SK_E2E_SESSION_OUT) {
    writeFileSync(process.env.SK_E2E_SESSION_OUT, JSON.stringify({ session: signed.toJson(), key: sessionKey }));
  }
});

test('a multicall, and a second transaction in the short form, are accepted', async () => {
  const { account } = await session();
  const before = await balance(RECIPIENT);
  for (const calls of [[transfer(RECIPIENT, 1n), transfer(RECIPIENT, 2n)], [transfer(RECIPIENT, 3n)]]) {
    const sent = await account.execute(calls);
    await wait(sent.transaction_hash);
  }
  assert.equal((await balance(RECIPIENT)) - before, 6n);
});

test('the fee estimate includes the session\'s validation', async () => {
  const { account } = await session();
  const withValidation = await account.estimateInvokeFee(transfer(RECIPIENT, 1n));
  const without = await account.estimateInvokeFee(transfer(RECIPIENT, 1n), { skipValidate: true });
  assert.ok(withValidation.overall_fee > without.overall_fee, `${withValidation.overall_fee} vs ${without.overall_fee}`);
});

test('what the session does not allow is refused before signing, each with its error', async () => {
  const { account } = await session((b) =>
    b.spendingLimit(STRK_TOKEN, 500n).allow('0xb0b', 'play', [feltRule(0, 'LE', [9])]),
  );
  const message = await refused(account.execute({ contractAddress: hex(STRK_TOKEN), entrypoint: 'approve', calldata: [RECIPIENT, '1', '0'] }), 'CallNotAllowed');
  assert.match(message, /call #0 \(0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d, `approve` \(selector 0x219209e0/);
  await refused(account.execute({ contractAddress: '0xb0b', entrypoint: 'play', calldata: ['10'] }), 'ArgumentRule');
  await refused(account.execute({ contractAddress: hex(account.session.account), entrypoint: 'set_owner', calldata: [] }), 'SelfCall');
  const over = await refused(account.execute(transfer(RECIPIENT, 501n)), 'SpendingLimitExceeded');
  assert.match(over, /500 base units|0.0000000000000005 STRK/);
  const bounds = { l1_gas: { max_amount: 0n, max_price_per_unit: 0n }, l1_data_gas: { max_amount: 10n ** 6n, max_price_per_unit: 10n ** 12n }, l2_gas: { max_amount: 10n ** 8n, max_price_per_unit: 10n ** 12n } };
  await refused(account.execute(transfer(RECIPIENT, 1n), { resourceBounds: bounds }), 'FeeCapExceeded');
  await refused(account.deployAccount({ classHash: env.accountClassHash, constructorCalldata: ['0x1'] }), 'NotAnInvoke');
});

test('the transaction count and the fee budget stop the session', async () => {
  const { account } = await session((b) => b.maxTransactions(1));
  await wait((await account.execute(transfer(RECIPIENT, 1n))).transaction_hash);
  await refused(account.execute(transfer(RECIPIENT, 1n)), 'TransactionLimitReached');
});

test('a relayer sends the session\'s calls and pays the fee (SNIP-9 version 2)', async () => {
  const { account } = await session((b) => b.spendingLimit(STRK_TOKEN, 100n));
  const now = Math.floor(Date.now() / 1000);
  const options = { caller: 'ANY_CALLER', execute_after: now - 7200, execute_before: now + 7200 };
  const userBefore = await balance(hex(account.session.account));
  const outside = await account.getOutsideTransaction(options, [transfer(RECIPIENT, 40n)]);
  const sent = await funder.executeFromOutside(outside);
  await wait(sent.transaction_hash);
  assert.equal(userBefore - (await balance(hex(account.session.account))), 40n, 'the account paid the transfer and no fee');
  // The same limit holds across both paths.
  await refused(account.getOutsideTransaction(options, [transfer(RECIPIENT, 61n)]), 'SpendingLimitExceeded');
  assert.equal(outsideExecution.buildExecuteFromOutsideCall(outside).length, 1);
});

test('a session signs the messages its policies allow, and the account says VALID', async () => {
  const move = {
    types: {
      StarknetDomain: starknetDomainType(),
      Move: [{ name: 'Game', type: 'felt' }, { name: 'Square', type: 'shortstring' }],
    },
    primaryType: 'Move',
    domain: { name: 'Chess', version: '1', chainId: 'SN_SEPOLIA', revision: '1' },
    message: { Game: '0x7', Square: 'e4' },
  };
  const { account } = await session((b) => b.allowMessagesLike(move, [feltRule(0, 'EQ', [7])]));
  const signature = await account.signMessage(move);
  assert.equal(await provider.verifyMessageInStarknet(move, signature, account.address), true);
  await refused(account.signMessage({ ...move, message: { Game: '0x8', Square: 'e4' } }), 'MessageRule');
  await refused(account.signMessage({ ...move, domain: { ...move.domain, name: 'Checkers' } }), 'MessageNotAllowed');
});

test('revoked and logged-out sessions are refused by the account', async () => {
  const { owner, account } = await session();
  await wait((await owner.execute(revokeSessionCall(account.session.account, account.session.hash))).transaction_hash);
  assert.equal(await account.isRevoked(), true);
  await assert.rejects(account.execute(transfer(RECIPIENT, 1n)), /session\/revoked/);
  await refused(SessionAccount.connect({ provider, session: account.session, sessionKey: '0x1' }), 'WrongSessionKey');

  const other = await session();
  const sessionKey = other.sessionKey;
  await wait((await other.account.logout(sessionKey)).transaction_hash);
  assert.equal(await other.account.isRevoked(), true);
  await assert.rejects(other.account.execute(transfer(RECIPIENT, 1n)), /session\/revoked/);
  await refused(SessionAccount.connect({ provider, session: other.account.session, sessionKey }), 'Revoked');
});

test('the session file reads back the same, byte for byte', async () => {
  const { signed } = await session((b) => b.periodicSpendingLimit(STRK_TOKEN, 1000n, 100n, 86400).allow('0xb0b', 'play', [u256Rule(1, 'LE', [5])]));
  const json = signed.toJson();
  assert.equal(SignedSession.fromJson(json).toJson(), json);
  const edited = json.replace('"max_transactions": 20', '"max_transactions": 21');
  assert.throws(() => SignedSession.fromJson(edited), (e: unknown) => isSessionError(e, 'HashMismatch'));
  assert.throws(() => SignedSession.fromJson('{'), (e: unknown) => isSessionError(e, 'InvalidJson'));
});
