// The words a dApp shows before the wallet's prompt.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeRequest, feltRule, SessionRequest, STRK_TOKEN, u256Rule } from '../src/index.js';

test('a request in words: window, fees, count, spending, each call with its rules in tokens', () => {
  const jar = 0x7a4n;
  const request = SessionRequest.builder('0x5e55')
    .validUntil(1_767_225_600)
    .maxFee(5n * 10n ** 16n)
    .feeBudget(10n ** 18n)
    .maxTransactions(50)
    .periodicSpendingLimit(STRK_TOKEN, 5n * 10n ** 16n, 10n ** 16n, 86400)
    .allow(STRK_TOKEN, 'approve', [feltRule(0, 'EQ', [jar]), u256Rule(1, 'LE', [10n ** 16n])])
    .allow(jar, 'tip', [feltRule(0, 'EQ', [STRK_TOKEN]), u256Rule(1, 'LE', [10n ** 16n])])
    .build();
  const lines = describeRequest(request);
  assert.match(lines[0]!, /until 2026-01-01 00:00 UTC/);
  assert.equal(lines[1], 'Fees: at most 0.05 STRK per transaction and 1 STRK in all, paid by your account.');
  assert.equal(lines[2], 'At most 50 transactions.');
  assert.equal(lines[3], 'May spend at most 0.05 STRK in all, and 0.01 STRK per day (what leaves your balance, approvals included).');
  assert.ok(lines.includes('May call `tip` on 0x7a4, only if word 0 == 0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d and word 1 (u256) <= 0.01 STRK.'), lines.join('\n'));
  assert.ok(lines.includes('May call `approve` on the STRK token, only if word 0 == 0x7a4 and word 1 (u256) <= 0.01 STRK.'), lines.join('\n'));
  assert.match(lines.at(-1)!, /^Nothing else/);
});

test('random session keys are keys of the curve, and differ', async () => {
  const { randomSessionKey } = await import('../src/index.js');
  const { ec } = await import('starknet');
  const [a, b] = [randomSessionKey(), randomSessionKey()];
  assert.notEqual(a, b);
  for (const key of [a, b]) {
    assert.match(key, /^0x[0-9a-f]{64}$/);
    assert.ok(BigInt(key) > 0n && BigInt(key) < ec.starkCurve.CURVE.n);
  }
});
