// The protocol's vectors (docs/protocol.md §7), read from the files the Rust and Cairo tests read:
// this package must hash, build trees and write tokens exactly as the account and the Rust SDK do.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { hash, outsideExecution, shortString, typedData as snip12, type TypedData } from 'starknet';

import {
  allowedMessage,
  describeRule,
  messageTokenFelts,
  outsideExecutionParts,
  sessionMessageSignedHash,
  domainHash,
  feltRule,
  hex,
  messagesHash,
  policyHash,
  ruleHash,
  SessionRequest,
  sessionMessageHash,
  sessionStructHash,
  SignedSession,
  TYPE_HASHES,
  u256Rule,
  verifyProof,
  verifySignature,
} from '../src/index.js';

const root = new URL('../../../', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('tests/vectors/session-v4.json', root), 'utf8'));
const typedDataVector = JSON.parse(readFileSync(new URL('tests/vectors/session-v4.typed-data.json', root), 'utf8'));
const inputs = vectors.inputs;
const chainId = BigInt(shortString.encodeShortString(inputs.chain_id));
const account = BigInt(inputs.account);

/** The rules `policies (as written)` describes, for the transfer policy. */
const transferRules = [feltRule(0, 'EQ', [0xb0b]), u256Rule(1, 'LE', [1000])];

function request(policies: 'all' | 'first' = 'all'): SessionRequest {
  let builder = SessionRequest.builder(inputs.session_public_key)
    .validAfter(inputs.valid_after)
    .validUntil(inputs.valid_until)
    .maxFee(inputs.max_fee)
    .feeBudget(inputs.fee_budget)
    .maxTransactions(inputs.max_transactions)
    .epoch(inputs.epoch);
  for (const limit of inputs.spending_limits) {
    builder = builder.periodicSpendingLimit(limit.token, limit.total, limit.per_period, limit.period);
  }
  const [[contract, name], ...rest] = inputs['policies (as written)'];
  builder = builder.allow(contract, name, transferRules);
  if (policies === 'all') for (const [other, selector] of rest) builder = builder.allow(other, selector);
  return builder.allowMessagesLike(vectors.message.typed_data as TypedData).build();
}

test('the rules are the ones the vectors describe', () => {
  assert.equal(transferRules.map((rule) => describeRule(rule)).join(', '), inputs['policies (as written)'][0][2]);
});

test('type hashes are the vectors\'', () => {
  for (const [name, value] of Object.entries(vectors.type_hashes)) {
    assert.equal(hex(TYPE_HASHES[name as keyof typeof TYPE_HASHES]), value, name);
  }
});

test('leaves, rule hashes and the root are the vectors\'', () => {
  const built = request();
  const policies = vectors['policies (canonical order)'];
  assert.equal(built.policies.policies.length, policies.length);
  built.policies.policies.forEach((policy, i) => {
    const expected = policies[i];
    assert.equal(hex(policy.contract), expected.contract);
    assert.equal(hex(policy.selector), expected.selector);
    assert.equal(hex(policyHash(policy.contract, policy.selector, policy.rules)), expected.leaf);
    policy.rules.forEach((rule, j) => assert.equal(hex(ruleHash(rule)), expected.rules[j].struct_hash));
  });
  assert.equal(hex(built.policies.root), vectors.root);
});

test('the session\'s hashes are the vectors\', and starknet.js (a wallet) hashes its typed data the same', () => {
  const built = request();
  assert.equal(hex(domainHash(chainId)), vectors.domain_hash);
  assert.equal(hex(messagesHash(built.messages)), vectors.message.messages_hash);
  assert.equal(hex(sessionStructHash(built.session())), vectors.session_struct_hash);
  assert.equal(hex(built.hash(account, chainId)), vectors.session_hash);
  const typed = built.typedData(chainId);
  assert.deepEqual(JSON.parse(JSON.stringify(typed)), typedDataVector);
  assert.equal(snip12.getMessageHash(typed, account), vectors.session_hash);
});

test('a one-policy session\'s root is its leaf', () => {
  const built = request('first');
  assert.equal(hex(built.policies.root), vectors.one_policy.root);
  assert.equal(hex(built.hash(account, chainId)), vectors.one_policy.session_hash);
  assert.deepEqual(built.policies.proof(built.policies.policies[0]!.contract, built.policies.policies[0]!.selector)!.proof, []);
});

test('the session token is the vectors\' but for the ECDSA nonces, and its signatures verify', () => {
  const built = request();
  const owner = built.signWithKey(account, chainId, inputs.owner_private_key);
  const session = new SignedSession(built, account, chainId, owner);
  session.verifyOwner(inputs.owner_public_key);
  assert.equal(hex(session.messageHash(inputs.transaction_hash)), vectors.session_message_hash);
  assert.equal(hex(sessionMessageHash(BigInt(inputs.transaction_hash), session.hash)), vectors.session_message_hash);
  const calls = inputs.calls.map((call: { to: string; selector: string; calldata: string[] }) => ({
    to: BigInt(call.to),
    selector: BigInt(call.selector),
    calldata: call.calldata.map(BigInt),
  }));
  const token = session.signTransaction(inputs.session_private_key, inputs.transaction_hash, calls).map(hex);
  const expected: string[] = vectors.signature;
  // Layout: magic, version, the session (10 + 6k felts), then [2, r, s] of the owner and of the key.
  const head = 2 + 10 + 6 * inputs.spending_limits.length;
  assert.deepEqual(token.slice(0, head), expected.slice(0, head));
  assert.deepEqual(token.slice(head + 6), expected.slice(head + 6), 'the proofs');
  const verify = (at: number, message: string, key: string) =>
    verifySignature(BigInt(message), BigInt(token[at + 1]!), BigInt(token[at + 2]!), BigInt(key));
  assert.ok(verify(head, vectors.session_hash, inputs.owner_public_key), 'the owner signature');
  assert.ok(verify(head + 3, vectors.session_message_hash, inputs.session_public_key), 'the session signature');
  // And the vectors' own signatures verify for the same hashes: only the nonces differ.
  const [r, s] = [BigInt(expected[head + 4]!), BigInt(expected[head + 5]!)];
  assert.ok(verifySignature(BigInt(vectors.session_message_hash), r, s, BigInt(inputs.session_public_key)));
});

test('every proof leads to the root, and only its own leaf', () => {
  const tree = request().policies;
  for (const policy of tree.policies) {
    const proof = tree.proof(policy.contract, policy.selector)!;
    assert.ok(verifyProof(tree.root, policyHash(policy.contract, policy.selector, proof.rules), proof.proof));
    assert.ok(!verifyProof(tree.root, policyHash(policy.contract, policy.selector + 1n, proof.rules), proof.proof));
  }
});

test('the message policy is the vectors\'', () => {
  const [policy] = request().messages;
  assert.equal(policy!.typeString, vectors.message.policy.type);
  assert.equal(hex(hash.starknetKeccak(policy!.typeString)), vectors.message.policy.type_hash);
});

function signedWithVectorSignatures(): SignedSession {
  const expected: string[] = vectors.signature;
  const head = 2 + 10 + 6 * inputs.spending_limits.length;
  return new SignedSession(request(), account, chainId, [expected[head + 1]!, expected[head + 2]!]);
}

test('with the vectors\' own signatures, the transaction token is the vectors\' felt for felt', () => {
  const session = signedWithVectorSignatures();
  const expected: string[] = vectors.signature;
  const head = 2 + 10 + 6 * inputs.spending_limits.length;
  const calls = inputs.calls.map((call: { to: string; selector: string; calldata: string[] }) => ({
    to: BigInt(call.to),
    selector: BigInt(call.selector),
    calldata: call.calldata.map(BigInt),
  }));
  const token = session.token([BigInt(expected[head + 4]!), BigInt(expected[head + 5]!)], session.callProofs(calls));
  assert.deepEqual(token.map(hex), expected);
});

test('a session-signed message: its hash, members and token are the vectors\'', () => {
  const session = signedWithVectorSignatures();
  const message = allowedMessage(session, vectors.message.typed_data as TypedData);
  assert.equal(hex(message.messageHash), vectors.message.message_hash);
  assert.deepEqual(message.members.map(hex), vectors.message.members);
  assert.equal(hex(sessionMessageSignedHash(message.messageHash, session.hash)), vectors.message.signed_hash);
  const expected: string[] = vectors.message.signature;
  const at = 2 + 10 + 6 * inputs.spending_limits.length + 3;
  const token = messageTokenFelts(session, session.ownerSignature, [BigInt(expected[at + 1]!), BigInt(expected[at + 2]!)], message);
  assert.deepEqual(token.map(hex), expected);
});

test('an outside execution: starknet.js\'s typed data hashes to the vectors\' message hash, and its token is theirs', () => {
  const session = signedWithVectorSignatures();
  const oe = vectors.outside_execution.inputs;
  const names = ['transfer', 'play'];
  const calls = inputs.calls.map((call: { to: string; selector: string; calldata: string[] }, i: number) => {
    assert.equal(hash.getSelectorFromName(names[i]!), call.selector);
    return { contractAddress: call.to, entrypoint: names[i]!, calldata: call.calldata };
  });
  const typed = outsideExecution.getTypedData(
    inputs.chain_id,
    { caller: oe.caller, execute_after: oe.execute_after, execute_before: oe.execute_before },
    oe.nonce,
    calls,
    '2',
  );
  assert.equal(snip12.getMessageHash(typed, account), vectors.outside_execution.message_hash);
  const parts = outsideExecutionParts(typed);
  const expected: string[] = vectors.outside_execution.session_signature;
  const at = 2 + 10 + 6 * inputs.spending_limits.length + 3;
  const token = session.token([BigInt(expected[at + 1]!), BigInt(expected[at + 2]!)], session.callProofs(parts.calls));
  assert.deepEqual(token.map(hex), expected);
});
