// Prints starknet.js's SNIP-12 message hashes, the reference for sk_session::typed_data.
//
// stdin:  [{ "name": string, "account": "0x…", "typedData": {…} }, …]
// stdout: [{ "name": string, "hash": "0x…" } or { "name": string, "error": string }, …], in order
//
// Run by tests/typed_data.rs (`npm ci` here first); by hand: node hash.mjs < cases.json
import { readFileSync } from "node:fs";
import { typedData } from "starknet";

const cases = JSON.parse(readFileSync(0, "utf8"));
const results = cases.map(({ name, account, typedData: data }) => {
  try {
    return { name, hash: typedData.getMessageHash(data, account) };
  } catch (error) {
    return { name, error: String(error?.message ?? error) };
  }
});
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
