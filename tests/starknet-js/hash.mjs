// Prints starknet.js's SNIP-12 message hashes, the reference for sk_session::typed_data.
//
// stdin:  [{ "name": string, "account": "0x…", "typedData": {…} }, …]; a case may carry
//         "outsideExecution": { chainId, caller, nonce, executeAfter, executeBefore,
//         calls: [{ contractAddress, entrypoint, calldata }] } instead of "typedData": starknet.js
//         then builds the typed data itself (outsideExecution.getTypedData, SNIP-9 version 2)
// stdout: [{ "name": string, "hash": "0x…" } or { "name": string, "error": string }, …], in order
//
// Run by tests/typed_data.rs (`npm ci` here first); by hand: node hash.mjs < cases.json
import { readFileSync } from "node:fs";
import { outsideExecution, OutsideExecutionVersion, typedData } from "starknet";

// SNIP-9 version 2's typed data as starknet.js builds it for an account's execute_from_outside_v2.
function outsideTypedData({ chainId, caller, nonce, executeAfter, executeBefore, calls }) {
  const options = { caller, execute_after: executeAfter, execute_before: executeBefore };
  return outsideExecution.getTypedData(chainId, options, nonce, calls, OutsideExecutionVersion.V2);
}

const cases = JSON.parse(readFileSync(0, "utf8"));
const results = cases.map(({ name, account, typedData: data, outsideExecution: outside }) => {
  try {
    const document = outside ? outsideTypedData(outside) : data;
    return { name, hash: typedData.getMessageHash(document, account) };
  } catch (error) {
    return { name, error: String(error?.message ?? error) };
  }
});
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
