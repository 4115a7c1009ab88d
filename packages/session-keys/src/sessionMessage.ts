/**
 * Session-signed messages: SNIP-12 messages a session signs for the account's
 * `is_valid_signature` (a game move, an order), within its message policies (docs/protocol.md
 * §6). The Rust SDK's `session_message` module.
 */
import { ec, hash, shortString, typedData as snip12, TypedDataRevision, type TypedData } from 'starknet';

import { checkRules, ruleFelts } from './argumentRules.js';
import { SessionError } from './errors.js';
import { hex, toFelt } from './felt.js';
import { byteArrayFelts, sessionFelts, shortstringFelt } from './sessionHash.js';
import type { SignedSession } from './signedSession.js';
import { SESSION_TOKEN_VERSION } from './sessionToken.js';

/** `'sk-session-msg'`, the first felt of a session-signed message's signature. */
export const SESSION_MESSAGE_MAGIC = BigInt(shortString.encodeShortString('sk-session-msg'));

/** What the session key signs for a message: `poseidon(['sk-session-msg', messageHash, sessionHash])`. */
export function sessionMessageSignedHash(messageHash: bigint, sessionHash: bigint): bigint {
  return ec.starkCurve.poseidonHashMany([SESSION_MESSAGE_MAGIC, messageHash, sessionHash]);
}

/** A message the session may sign: its hash for the account, its encoded members, its policy's index. */
export interface AllowedMessage {
  messageHash: bigint;
  members: bigint[];
  index: number;
}

const DOMAIN_MEMBERS = ['name', 'version', 'chainId', 'revision'];

/**
 * Checks that `session` may sign `typedData` (revision 1, of the session's chain, of a domain and
 * type its message policies list, whose members obey the policy's rules) and returns what the
 * signature carries. The hash is starknet.js's, as the app verifying it computes it.
 */
export function allowedMessage(session: SignedSession, typedData: TypedData): AllowedMessage {
  const invalid = (reason: string, cause?: unknown) =>
    new SessionError('InvalidMessage', `the message cannot be signed: ${reason}`, { cause, details: { reason } });
  if (String(typedData?.domain?.revision ?? '') !== '1') throw invalid('it is not SNIP-12 revision 1 typed data');
  const domainType = (typedData.types.StarknetDomain ?? []).map((member) => member.name);
  if (domainType.join() !== DOMAIN_MEMBERS.join()) {
    throw invalid('its StarknetDomain type is not revision 1\'s (name, version, chainId, revision)');
  }
  const chain = shortstringFelt(String(typedData.domain.chainId), 'chainId');
  if (chain !== session.chainId) {
    throw new SessionError('MessageChain', `the message is for the chain ${hex(chain)}, the session for ${hex(session.chainId)}`, {
      details: { expected: session.chainId, found: chain },
    });
  }
  const name = shortstringFelt(String(typedData.domain.name ?? ''), 'the domain name');
  const version = shortstringFelt(String(typedData.domain.version ?? ''), 'the domain version');
  let typeString: string;
  let encoded: bigint[];
  let messageHash: bigint;
  try {
    typeString = snip12.encodeType(typedData.types, typedData.primaryType, TypedDataRevision.ACTIVE);
    const [, values] = snip12.encodeData(typedData.types, typedData.primaryType, typedData.message, TypedDataRevision.ACTIVE);
    encoded = values.map((value) => toFelt(value, 'an encoded member'));
    messageHash = BigInt(snip12.getMessageHash(typedData, hex(session.account)));
  } catch (cause) {
    if (cause instanceof SessionError) throw cause;
    throw invalid(String((cause as Error).message ?? cause), cause);
  }
  const typeHash = hash.starknetKeccak(typeString);
  const index = session.request.messages.findIndex(
    (policy) =>
      shortstringFelt(policy.domainName, 'Domain Name') === name &&
      shortstringFelt(policy.domainVersion, 'Domain Version') === version &&
      hash.starknetKeccak(policy.typeString) === typeHash,
  );
  if (index < 0) {
    const text = `messages of type ${typedData.primaryType} (${hex(typeHash)}) in the domain ${JSON.stringify(typedData.domain.name)} version ${JSON.stringify(typedData.domain.version)}`;
    throw new SessionError('MessageNotAllowed', `the session does not allow ${text}`, { details: { message: text } });
  }
  const members = encoded.slice(1);
  const policy = session.request.messages[index];
  try {
    checkRules(policy?.rules ?? [], members, 0);
  } catch (error) {
    if (error instanceof SessionError && error.code === 'ArgumentRule') {
      const rule = (error.details as { rule: string }).rule;
      throw new SessionError('MessageRule', `the message breaks the rule \`${rule}\` of its policy (words are the members' indexes)`, {
        details: { rule },
      });
    }
    throw error;
  }
  return { messageHash, members, index };
}

/** A session-signed message's signature (docs/protocol.md §6), with the session key's `sessionSignature`. */
export function messageTokenFelts(
  session: SignedSession,
  ownerSignature: readonly bigint[],
  sessionSignature: readonly bigint[],
  message: AllowedMessage,
): bigint[] {
  const out = [SESSION_MESSAGE_MAGIC, SESSION_TOKEN_VERSION, ...sessionFelts(session.session())];
  out.push(BigInt(ownerSignature.length), ...ownerSignature);
  out.push(BigInt(sessionSignature.length), ...sessionSignature);
  out.push(BigInt(session.request.messages.length));
  for (const policy of session.request.messages) {
    out.push(shortstringFelt(policy.domainName, 'Domain Name'), shortstringFelt(policy.domainVersion, 'Domain Version'));
    const typeString = byteArrayFelts(policy.typeString);
    out.push(BigInt(typeString.length), ...typeString);
    out.push(BigInt(policy.rules.length));
    for (const rule of policy.rules) out.push(...ruleFelts(rule));
  }
  out.push(BigInt(message.index), BigInt(message.members.length), ...message.members);
  return out;
}

