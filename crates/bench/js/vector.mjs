// Prints @argent/x-sessions' results on Argent's published session vector: the "createSession"
// case of x-sessions' src/__tests__/utils.test.ts (expected sessionKeyGuid and hash below), and the
// same session with three allowed methods. Also the session domain's hash on Sepolia, which
// Argent's contract tests publish.
//
// usage:  node vector.mjs      (`npm ci` here first)
// stdout: { "session_key_guid", "session_hash", "metadata", "typed_data", "allowed_methods_root",
//           "domain_hash_sepolia" (decimal), "x_sessions",
//           "three_methods": { "session_hash", "allowed_methods_root" } }
// Exits 1 if a published value is not reproduced.
import { readFileSync } from "node:fs";
import { constants, typedData } from "starknet";
import { createSession, createSessionRequest, getSessionDomain, sessionTypes } from "@argent/x-sessions";

const PUBLISHED = {
  session_key_guid: "0x4bef97e579cdb4c9fa3546db3017a69ddbc40598cd7311359f1e6c03f02b155",
  session_hash: "0x87f8341a9fb39398e15dec07024475dd96406fe4880b9a24d10fb9e6bbf6bd",
  domain_hash_sepolia: "619758417781242245767049076918858457415551753537846667520424572098880841663",
};

const chainId = constants.StarknetChainId.SN_SEPOLIA;
const address = "0x1234567890abcdef";
const sessionKey = { privateKey: new Uint8Array([1, 2, 3, 4, 5]), publicKey: "0x1234567890abcdef" };
const metaData = { projectID: "test", txFees: [{ tokenAddress: "0x987654321", maxAmount: "1000000000000" }] };

async function sessionWith(allowedMethods) {
  const sessionRequest = createSessionRequest({
    chainId,
    sessionParams: { allowedMethods, expiry: 1234567890n, sessionKey, metaData },
  });
  const session = await createSession({
    address,
    authorisationSignature: ["0x123", "0x456"],
    sessionRequest,
    chainId,
  });
  const root = typedData.encodeValue(
    sessionTypes,
    "merkletree",
    allowedMethods,
    { parent: "Session", key: "Allowed Methods" },
    "1",
  )[1];
  return { sessionRequest, session, root };
}

const one = await sessionWith([{ "Contract Address": "0x123456789", selector: "some_method" }]);
const three = await sessionWith([
  { "Contract Address": "0x123456789", selector: "some_method" },
  { "Contract Address": "0x987654321", selector: "transfer" },
  { "Contract Address": "0x123456789", selector: "other_method" },
]);
const domainHash = BigInt(typedData.getStructHash(sessionTypes, "StarknetDomain", getSessionDomain(chainId), "1"));

const version = JSON.parse(
  readFileSync(new URL("./node_modules/@argent/x-sessions/package.json", import.meta.url), "utf8"),
).version;
const result = {
  session_key_guid: one.session.sessionKeyGuid,
  session_hash: one.session.hash,
  metadata: one.session.metadata,
  typed_data: one.sessionRequest.sessionTypedData,
  allowed_methods_root: one.root,
  domain_hash_sepolia: domainHash.toString(10),
  x_sessions: version,
  three_methods: { session_hash: three.session.hash, allowed_methods_root: three.root },
};
process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);

const wrong = Object.keys(PUBLISHED).filter((key) => BigInt(result[key]) !== BigInt(PUBLISHED[key]));
if (wrong.length > 0) {
  process.stderr.write(`vector.mjs: not the published ${wrong.join(", ")}\n`);
  process.exit(1);
}
