/**
 * Amounts as people write them: fees and limits are counted in FRI (10^-18 STRK) on chain and
 * shown in STRK; ETH amounts in ETH. The Rust SDK's `strk` module.
 */
import { hex } from './felt.js';

/** The STRK token's address (the same on Mainnet, Sepolia and devnet): the fee token. */
export const STRK_TOKEN = 0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938dn;
/** The fee token (STRK: v3 transactions pay fees in it). */
export const FEE_TOKEN = STRK_TOKEN;
/** The ETH token's address (the same on Mainnet, Sepolia and devnet). */
export const ETH_TOKEN = 0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7n;
/** FRI per STRK (and wei per ETH). */
export const FRI_PER_STRK = 10n ** 18n;

function withDecimals(base: bigint, symbol: string): string {
  const whole = base / FRI_PER_STRK;
  const fraction = base % FRI_PER_STRK;
  if (fraction === 0n) return `${whole} ${symbol}`;
  return `${whole}.${fraction.toString().padStart(18, '0').replace(/0+$/, '')} ${symbol}`;
}

/** `fri` in STRK, with as many decimals as it needs (`0.0031 STRK`, `2 STRK`). */
export function formatStrk(fri: bigint): string {
  return withDecimals(fri, 'STRK');
}

/**
 * `amount` of `token` for people: STRK and ETH in tokens (`1.5 STRK`); any other token, or an
 * amount of 2^128 base units or more, in base units of its address, since the SDK does not know
 * its decimals.
 */
export function formatTokenAmount(token: bigint, amount: bigint): string {
  const symbol = token === STRK_TOKEN ? 'STRK' : token === ETH_TOKEN ? 'ETH' : undefined;
  if (symbol !== undefined && amount < 2n ** 128n) return withDecimals(amount, symbol);
  return `${amount} base units of ${hex(token)}`;
}

/**
 * An amount of STRK written in decimal (`0.05`, `2`, `1.5 STRK`) in FRI; `undefined` for anything
 * else (signs, exponents, more than 18 decimals, 2^128 FRI or more).
 */
export function parseStrk(text: string): bigint | undefined {
  let body = text.trim();
  if (body.endsWith('STRK')) body = body.slice(0, -4).trimEnd();
  const [whole = '', fraction = '', ...rest] = body.split('.');
  if (rest.length > 0 || (whole === '' && fraction === '')) return undefined;
  if (!/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(fraction) || fraction.length > 18) return undefined;
  const fri = BigInt(whole || '0') * FRI_PER_STRK + BigInt(fraction.padEnd(18, '0'));
  return fri < 2n ** 128n ? fri : undefined;
}
