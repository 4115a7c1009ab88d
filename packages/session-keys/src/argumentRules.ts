/**
 * Argument rules: what a policy lets a call pass as arguments, by their position in the calldata
 * (docs/protocol.md §2, "Argument rules"). The Rust SDK's `argument_rules` module; a rule's hash
 * is with the other signed types in `sessionHash`.
 */
import { shortString, type BigNumberish } from 'starknet';

import { SessionError } from './errors.js';
import { hex, toFelt, toU256, U128_BOUND } from './felt.js';

/** The operators, by their names on the wire (shortstrings). */
export const OPERATORS = ['EQ', 'NEQ', 'LT', 'LE', 'GT', 'GE', 'IN_RANGE', 'ONE_OF'] as const;
/** An operator's name. */
export type Operator = (typeof OPERATORS)[number];

const SYMBOLS: Record<Operator, string> = {
  EQ: '==',
  NEQ: '!=',
  LT: '<',
  LE: '<=',
  GT: '>',
  GE: '>=',
  IN_RANGE: 'in',
  ONE_OF: 'one of',
};

/**
 * A rule on the argument at `word`: a felt rule compares the felt there with `values`; a u256
 * rule (`u256Values`) the u256 whose low word is at `word` and high word at `word + 1`.
 */
export interface ArgumentRule {
  /** The calldata word (a u32). */
  readonly word: number;
  /** The operator's shortstring felt (`'EQ'` is `0x4551`). */
  readonly operator: bigint;
  /** The felt values (empty for a u256 rule). */
  readonly values: readonly bigint[];
  /** The u256 values (empty for a felt rule). */
  readonly u256Values: readonly bigint[];
}

/** The felt of `operator` (its shortstring). */
export function operatorFelt(operator: Operator): bigint {
  return BigInt(shortString.encodeShortString(operator));
}

/** The operator whose felt is `felt`, if any. */
export function operatorOf(felt: bigint): Operator | undefined {
  return OPERATORS.find((operator) => operatorFelt(operator) === felt);
}

/** An operator from its name (any case) or symbol (`==`, `<=`, …). */
export function parseOperator(text: string): Operator {
  const trimmed = text.trim();
  const found = OPERATORS.find((op) => op === trimmed.toUpperCase() || SYMBOLS[op] === trimmed);
  if (found === undefined) {
    throw new SessionError(
      'UnknownOperator',
      `\`${trimmed.slice(0, 40)}\` is not an operator: use EQ, NEQ, LT, LE, GT, GE, IN_RANGE or ONE_OF (or ==, !=, <, <=, >, >=)`,
      { details: { operator: trimmed } },
    );
  }
  return found;
}

function checkWord(word: number): number {
  if (!Number.isInteger(word) || word < 0 || word >= 2 ** 32) {
    throw new SessionError('InvalidFelt', `a rule's word must be a u32, not ${word}`);
  }
  return word;
}

/** A felt rule: the felt at `word` compared with `values`. */
export function feltRule(word: number, operator: Operator, values: readonly BigNumberish[]): ArgumentRule {
  return {
    word: checkWord(word),
    operator: operatorFelt(operator),
    values: values.map((v) => toFelt(v, 'a rule value')),
    u256Values: [],
  };
}

/** A u256 rule: the u256 at `word` (low) and `word + 1` (high) compared with `values`. */
export function u256Rule(word: number, operator: Operator, values: readonly BigNumberish[]): ArgumentRule {
  return {
    word: checkWord(word),
    operator: operatorFelt(operator),
    values: [],
    u256Values: values.map((v) => toU256(v, 'a rule value')),
  };
}

/** Whether `rule` compares a u256. */
export function isU256Rule(rule: ArgumentRule): boolean {
  return rule.u256Values.length > 0;
}

/** The rule in words: `word 1 (u256) <= 1000`, `word 0 == 0xb0b`. */
export function describeRule(rule: ArgumentRule, u256: (value: bigint) => string = String): string {
  const operator = operatorOf(rule.operator);
  const symbol = operator === undefined ? `operator ${hex(rule.operator)}` : SYMBOLS[operator];
  const values = isU256Rule(rule) ? rule.u256Values.map(u256) : rule.values.map(hex);
  const kind = isU256Rule(rule) ? ' (u256)' : '';
  const shown =
    values.length === 1 && operator !== 'ONE_OF' && operator !== 'IN_RANGE' ? values[0] : `[${values.join(', ')}]`;
  return `word ${rule.word}${kind} ${symbol} ${shown}`;
}

/** The operator, if the rule can be evaluated; else a `BadRule` error saying why. */
function evaluable(rule: ArgumentRule): Operator {
  const bad = (reason: string) =>
    new SessionError('BadRule', `the argument rule \`${describeRule(rule)}\` cannot be evaluated: ${reason}`, {
      details: { rule: describeRule(rule), reason },
    });
  const operator = operatorOf(rule.operator);
  if (operator === undefined) throw bad('its operator is unknown');
  const [felts, words] = [rule.values.length, rule.u256Values.length];
  if (felts === 0 && words === 0) throw bad('it has no values');
  if (felts > 0 && words > 0) throw bad('it has both felt and u256 values');
  const count = felts || words;
  const takes = operator === 'IN_RANGE' ? count === 2 : operator === 'ONE_OF' ? count >= 1 : count === 1;
  if (!takes) {
    throw bad(
      operator === 'IN_RANGE'
        ? 'IN_RANGE takes two values, the minimum and the maximum'
        : operator === 'ONE_OF'
          ? 'ONE_OF takes at least one value'
          : 'its operator takes exactly one value',
    );
  }
  return operator;
}

/** Throws `BadRule` if the account could not evaluate `rule`. */
export function checkRule(rule: ArgumentRule): void {
  evaluable(rule);
}

/** Whether `rule` holds on `calldata` (false for a word past its end, or a u256 word ≥ 2^128). */
export function ruleHolds(rule: ArgumentRule, calldata: readonly bigint[]): boolean {
  const operator = evaluable(rule);
  let x: bigint | undefined;
  if (isU256Rule(rule)) {
    const [low, high] = [calldata[rule.word], calldata[rule.word + 1]];
    if (low !== undefined && high !== undefined && low < U128_BOUND && high < U128_BOUND) x = low + high * U128_BOUND;
  } else {
    x = calldata[rule.word];
  }
  if (x === undefined) return false;
  const values = isU256Rule(rule) ? rule.u256Values : rule.values;
  const [v, w] = [values[0] ?? 0n, values[1] ?? 0n];
  switch (operator) {
    case 'EQ':
      return x === v;
    case 'NEQ':
      return x !== v;
    case 'LT':
      return x < v;
    case 'LE':
      return x <= v;
    case 'GT':
      return x > v;
    case 'GE':
      return x >= v;
    case 'IN_RANGE':
      return v <= x && x <= w;
    case 'ONE_OF':
      return values.includes(x);
  }
}

/** Checks every rule on the calldata of call `index`: the first that fails is an `ArgumentRule` error. */
export function checkRules(rules: readonly ArgumentRule[], calldata: readonly bigint[], index: number): void {
  for (const rule of rules) {
    if (!ruleHolds(rule, calldata)) {
      const text = describeRule(rule);
      throw new SessionError('ArgumentRule', `call #${index} breaks the session's argument rule \`${text}\``, {
        details: { index, rule: text },
      });
    }
  }
}

function compareLists(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i] as bigint, b[i] as bigint];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The canonical order of rules: by word, operator, values, u256 values, as integers. */
export function compareRules(a: ArgumentRule, b: ArgumentRule): number {
  if (a.word !== b.word) return a.word - b.word;
  if (a.operator !== b.operator) return a.operator < b.operator ? -1 : 1;
  return compareLists(a.values, b.values) || compareLists(a.u256Values, b.u256Values);
}

/** `rules` checked, in canonical order; a rule listed twice is a `DuplicateRule` error. */
export function canonicalRules(rules: readonly ArgumentRule[]): ArgumentRule[] {
  rules.forEach(checkRule);
  const sorted = [...rules].sort(compareRules);
  for (let i = 1; i < sorted.length; i++) {
    if (compareRules(sorted[i - 1] as ArgumentRule, sorted[i] as ArgumentRule) === 0) {
      const text = describeRule(sorted[i] as ArgumentRule);
      throw new SessionError('DuplicateRule', `the argument rule \`${text}\` is listed twice in one policy`, {
        details: { rule: text },
      });
    }
  }
  return sorted;
}

/** A rule's felts on the wire: word, operator, values (length first), u256 values (low, high). */
export function ruleFelts(rule: ArgumentRule): bigint[] {
  const out = [BigInt(rule.word), rule.operator, BigInt(rule.values.length), ...rule.values];
  out.push(BigInt(rule.u256Values.length));
  for (const value of rule.u256Values) out.push(value % U128_BOUND, value / U128_BOUND);
  return out;
}
