// Driven by the Rust test `tests/typescript.rs` (differential, TypeScript ↔ Rust): reads random
// cases the Rust SDK made (a session file, calls) from the file named by its argument, and prints
// what this package makes of each: the session hash, root, typed data, its own session file, and
// for each call list the token (with the case's fixed signature) or the error's code.
import { readFileSync } from 'node:fs';

import { checkSpending, hex, isSessionError, SignedSession, spends } from '../src/index.js';

interface JsonCall {
  to: string;
  selector: string;
  calldata: string[];
}

interface Case {
  name: string;
  session: string;
  signature: string[];
  calls: JsonCall[][];
  spending: null | {
    calls: JsonCall[];
    usage: { token: string; total: string; period: number; period_spent: string }[];
    now: number;
  };
}

const felts = (calls: JsonCall[]) =>
  calls.map((call) => ({ to: BigInt(call.to), selector: BigInt(call.selector), calldata: call.calldata.map(BigInt) }));

const cases: Case[] = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'));
const results = cases.map((input) => {
  try {
    const session = SignedSession.fromJson(input.session);
    const verdicts = input.calls.map((calls) => {
      try {
        const proofs = session.callProofs(felts(calls));
        return { token: session.token(input.signature.map(BigInt), proofs).map(hex) };
      } catch (error) {
        if (isSessionError(error)) return { error: error.code };
        throw error;
      }
    });
    let spending = null;
    if (input.spending !== null) {
      const { calls, usage, now } = input.spending;
      try {
        const spent = spends(session.session(), session.account, felts(calls));
        for (const [limit, amount] of spent) {
          const counted = usage.find((u) => BigInt(u.token) === limit.token);
          const sofar = counted === undefined
            ? { total: 0n, period: 0n, periodSpent: 0n }
            : { total: BigInt(counted.total), period: BigInt(counted.period), periodSpent: BigInt(counted.period_spent) };
          checkSpending(limit, sofar, amount, session.session().validAfter, now);
        }
        spending = { ok: spent.map(([limit, amount]) => [hex(limit.token), amount.toString()]) };
      } catch (error) {
        if (!isSessionError(error)) throw error;
        spending = { error: error.code };
      }
    }
    return {
      name: input.name,
      spending,
      hash: hex(session.hash),
      root: hex(session.request.policies.root),
      typedData: session.request.typedData(session.chainId),
      json: session.toJson(),
      verdicts,
    };
  } catch (error) {
    return { name: input.name, failure: isSessionError(error) ? `${error.code}: ${error.message}` : String(error) };
  }
});
process.stdout.write(JSON.stringify(results));
