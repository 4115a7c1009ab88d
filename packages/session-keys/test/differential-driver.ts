// Driven by the Rust test `tests/typescript.rs` (differential, TypeScript ↔ Rust): reads random
// cases the Rust SDK made (a session file, calls) from the file named by its argument, and prints
// what this package makes of each: the session hash, root, typed data, its own session file, and
// for each call list the token (with the case's fixed signature) or the error's code.
import { readFileSync } from 'node:fs';

import { hex, isSessionError, SignedSession } from '../src/index.js';

interface Case {
  name: string;
  session: string;
  signature: string[];
  calls: { to: string; selector: string; calldata: string[] }[][];
}

const cases: Case[] = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'));
const results = cases.map((input) => {
  try {
    const session = SignedSession.fromJson(input.session);
    const verdicts = input.calls.map((calls) => {
      try {
        const proofs = session.callProofs(
          calls.map((call) => ({ to: BigInt(call.to), selector: BigInt(call.selector), calldata: call.calldata.map(BigInt) })),
        );
        return { token: session.token(input.signature.map(BigInt), proofs).map(hex) };
      } catch (error) {
        if (isSessionError(error)) return { error: error.code };
        throw error;
      }
    });
    return {
      name: input.name,
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
