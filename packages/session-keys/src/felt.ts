/**
 * Felts as this package handles them: `bigint` inside, `BigNumberish` in, `0x` hex out, read
 * strictly (a file or a dApp's input may be hostile: a value that is no felt is an error, never
 * truncated). The Rust SDK's `text` module; starknet.js's `num` does the conversions.
 */
import { ec, num, type BigNumberish } from 'starknet';

import { SessionError } from './errors.js';

/** The Stark field's prime: every felt is below it. */
export const PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;

/** Addresses are below 2^251. */
export const ADDRESS_BOUND = 2n ** 251n;

/** 2^128: a u128 is below it, a u256 is two of them (low, high). */
export const U128_BOUND = 2n ** 128n;

/**
 * A felt from a number, a bigint, or a decimal or `0x` hex string; `what` names the value in the
 * error when it is none.
 */
export function toFelt(value: BigNumberish, what = 'value'): bigint {
  let felt: bigint;
  try {
    if (typeof value === 'string' && !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value.trim())) throw new Error('not a number');
    felt = num.toBigInt(typeof value === 'string' ? value.trim() : value);
  } catch (cause) {
    throw new SessionError('InvalidFelt', `${what} is not a felt: ${String(value).slice(0, 80)}`, { cause });
  }
  if (felt < 0n || felt >= PRIME) {
    throw new SessionError('InvalidFelt', `${what} is not below the field's prime: ${String(value).slice(0, 80)}`);
  }
  return felt;
}

/** An unsigned integer below `2^bits` (a u32, u64, u128 or u256 of the wire format). */
export function toUint(value: BigNumberish, bits: 32 | 64 | 128 | 256, what = 'value'): bigint {
  const int = bits === 256 ? toU256(value, what) : toFelt(value, what);
  if (int >= 2n ** BigInt(bits)) {
    throw new SessionError('InvalidFelt', `${what} does not fit in a u${bits}: ${String(value).slice(0, 80)}`);
  }
  return int;
}

/** A u256 from a number, a bigint or a string (up to 2^256 - 1, which is beyond a felt). */
export function toU256(value: BigNumberish, what = 'value'): bigint {
  try {
    if (typeof value === 'string' && !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value.trim())) throw new Error('not a number');
    const int = num.toBigInt(typeof value === 'string' ? value.trim() : value);
    if (int >= 0n && int < 2n ** 256n) return int;
  } catch (cause) {
    throw new SessionError('InvalidFelt', `${what} is not a u256: ${String(value).slice(0, 80)}`, { cause });
  }
  throw new SessionError('InvalidFelt', `${what} is not a u256: ${String(value).slice(0, 80)}`);
}

/** `0x` hex, lowercase, no leading zeros: how the Rust SDK and starknet.js write felts. */
export function hex(felt: bigint): string {
  return `0x${felt.toString(16)}`;
}

/** The low and high 128-bit words of a u256. */
export function u256Words(value: bigint): [bigint, bigint] {
  return [value % U128_BOUND, value / U128_BOUND];
}

/** Whether `text` is a Cairo identifier (letters, digits and `_`, not starting with a digit). */
export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}

/**
 * Whether `(r, s)` is a valid Stark ECDSA signature of `message` by the key whose public key (the
 * point's x, as accounts store it) is `publicKey`. Either point of that x verifies, as Cairo's
 * `check_ecdsa_signature` accepts both.
 */
export function verifySignature(message: bigint, r: bigint, s: bigint, publicKey: bigint): boolean {
  const x = publicKey.toString(16).padStart(64, '0');
  return ['02', '03'].some((prefix) => {
    try {
      return ec.starkCurve.verify(new ec.starkCurve.Signature(r, s), hex(message), `0x${prefix}${x}`);
    } catch {
      return false;
    }
  });
}
