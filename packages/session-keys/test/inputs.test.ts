// Bad input on every path the package reads: a session file, an outside execution's typed data
// (from a relayer or a paymaster), a message, a key, the signer's details. Each is refused with
// its specific error.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { outsideExecution, type TypedData } from 'starknet';

import {
  allowedMessage,
  isSessionError,
  outsideExecutionParts,
  SessionRequest,
  SessionSigner,
  SignedSession,
  starknetDomainType,
  type SessionErrorCode,
} from '../src/index.js';

const KEY = '0x5e55';
const SESSION_PUBLIC_KEY = '0x120e787ca1f17710f1119792d718b93f5fb4fe403cd33e0d058c0490d6cbb26';
const request = SessionRequest.builder(SESSION_PUBLIC_KEY)
  .validUntil(2_000_000_000)
  .maxFee(10n ** 16n)
  .feeBudget(10n ** 17n)
  .allow('0xb0b', 'play')
  .allowMessagesLike({
    types: { StarknetDomain: starknetDomainType(), Move: [{ name: 'Game', type: 'felt' }] },
    primaryType: 'Move',
    domain: { name: 'Chess', version: '1', chainId: 'SN_SEPOLIA', revision: '1' },
    message: { Game: '0x7' },
  })
  .build();
const session = new SignedSession(request, '0xacc0', '0x534e5f5345504f4c4941', request.signWithKey('0xacc0', '0x534e5f5345504f4c4941', '0x1'));
const json = JSON.parse(session.toJson());

function refuses(code: SessionErrorCode, run: () => unknown, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isSessionError(error, code), `expected ${code}, got ${String(error)}`);
    if (message !== undefined) assert.match((error as Error).message, message);
    return true;
  });
}

test('a session file that is not what it must be names the field and the cause', () => {
  const edit = (change: (file: Record<string, unknown>) => void) => {
    const file = structuredClone(json);
    change(file);
    return JSON.stringify(file);
  };
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => (f.surprise = 1))), /unknown field `surprise`/);
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => (f.account = 'acc0'))), /at `account`.*0x-prefixed hex felt/);
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => (f.max_fee = '1e16'))), /at `max_fee`/);
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => ((f.policies as { contract: unknown }[])[0]!.contract = 7))), /policies\[0\]\.contract/);
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => (f.owner_signature = ['0x1', 2]))), /owner_signature\[1\]/);
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => delete f.epoch)), /at `epoch`: missing field/);
  refuses('UnsupportedFileVersion', () => SignedSession.fromJson(edit((f) => (f.version = 3))));
  refuses('SelectorNameMismatch', () => SignedSession.fromJson(edit((f) => ((f.policies as { name: string }[])[0]!.name = 'transfer'))));
  refuses('InvalidJson', () => SignedSession.fromJson(edit((f) => ((f.policies as { name: string }[])[0]!.name = 'play()'))), /not an entry point name/);
  refuses('HashMismatch', () => SignedSession.fromJson(edit((f) => (f.valid_until = 2_000_000_001))));
  refuses('InvalidJson', () => SignedSession.fromJson('[]'), /expected an object/);
});

test('an outside execution that is not SNIP-9 version 2, or can never run, is refused', () => {
  const calls = [{ contractAddress: '0xb0b', entrypoint: 'play', calldata: [] }];
  const options = { caller: 'ANY_CALLER', execute_after: 100, execute_before: 200 };
  const v2 = outsideExecution.getTypedData('SN_SEPOLIA', options, '0x1', calls, '2') as TypedData;
  assert.equal(outsideExecutionParts(v2).calls.length, 1);
  refuses('InvalidMessage', () => outsideExecutionParts(outsideExecution.getTypedData('SN_SEPOLIA', options, '0x1', calls, '1') as TypedData), /version 2/);
  const empty = outsideExecution.getTypedData('SN_SEPOLIA', { ...options, execute_before: 101 }, '0x1', calls, '2') as TypedData;
  refuses('EmptyOutsideWindow', () => outsideExecutionParts(empty));
  const malformed = { ...v2, message: { ...v2.message, Calls: [{ To: '0xb0b', Selector: '0x1' }] } } as TypedData;
  refuses('InvalidMessage', () => outsideExecutionParts(malformed), /call #0 is malformed/);
  const notFelt = { ...v2, message: { ...v2.message, Calls: [{ To: 'b0b', Selector: '0x1', Calldata: [] }] } } as TypedData;
  refuses('InvalidFelt', () => outsideExecutionParts(notFelt), /To/);
});

test('a message of another chain, revision or domain type is refused before signing', () => {
  const move = {
    types: { StarknetDomain: starknetDomainType(), Move: [{ name: 'Game', type: 'felt' }] },
    primaryType: 'Move',
    domain: { name: 'Chess', version: '1', chainId: 'SN_SEPOLIA', revision: '1' },
    message: { Game: '0x7' },
  };
  assert.equal(allowedMessage(session, move).index, 0);
  refuses('MessageChain', () => allowedMessage(session, { ...move, domain: { ...move.domain, chainId: 'SN_MAIN' } }));
  refuses('InvalidMessage', () => allowedMessage(session, { ...move, domain: { ...move.domain, revision: '0' } }), /revision 1/);
  const extraDomain = { ...move, types: { ...move.types, StarknetDomain: [...starknetDomainType(), { name: 'salt', type: 'felt' }] } };
  refuses('InvalidMessage', () => allowedMessage(session, extraDomain), /StarknetDomain/);
  // A felt starknet.js cannot encode (text of more than 31 characters), as a wallet would refuse it.
  refuses('InvalidMessage', () => allowedMessage(session, { ...move, message: { Game: 'x'.repeat(40) } }));
});

test('a wrong or malformed session key, and a transaction of another version, are refused', async () => {
  refuses('WrongSessionKey', () => new SessionSigner(session, '0x5e56'));
  refuses('InvalidFelt', () => new SessionSigner(session, 'key'));
  refuses('InvalidPrivateKey', () => new SessionSigner(session, 0n));
  const signer = new SessionSigner(session, KEY);
  const bounds = { l1_gas: { max_amount: 0n, max_price_per_unit: 0n }, l2_gas: { max_amount: 0n, max_price_per_unit: 0n }, l1_data_gas: { max_amount: 0n, max_price_per_unit: 0n } };
  const details = {
    walletAddress: '0xacc0', chainId: '0x534e5f5345504f4c4941', cairoVersion: '1', version: '0x1', nonce: 0, resourceBounds: bounds,
    tip: 0, paymasterData: [], accountDeploymentData: [], nonceDataAvailabilityMode: 'L1', feeDataAvailabilityMode: 'L1',
  } as never;
  await assert.rejects(signer.signTransaction([{ contractAddress: '0xb0b', entrypoint: 'play', calldata: [] }], details), (e: unknown) => isSessionError(e, 'NotAnInvoke'));
  await assert.rejects(signer.signMessage({ types: {}, primaryType: 'X', domain: {}, message: {} } as TypedData, '0xbad'), (e: unknown) => isSessionError(e, 'InvalidMessage'));
});
