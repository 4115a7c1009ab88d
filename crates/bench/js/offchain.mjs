// Times Argent's own session SDK, @argent/x-sessions, on the work our Rust stack also does:
// building a session (typed data, Merkle tree of the allowed methods, a proof for every one)
// and signing session transactions (x-sessions' SessionSigner.signTransaction).
//
// usage:  node offchain.mjs INPUT.json      (`npm ci` here first)
// stdout: one JSON object (below); nothing else. stderr: `progress: …` lines; errors: exit 1, one
// line on stderr.
//
// input:  { "chain_id", "account", "owner_key", "guardian_key", "session_key": "0x…",
//           "expires_at": number, "metadata": "<compact JSON: {\"projectID\", \"txFees\": [{\"tokenAddress\", \"maxAmount\"}]}>",
//           "allowed_methods": [{ "Contract Address": "0x…", "selector": name }, …],
//           "build_repetitions": number ≥ 1, "transactions": number ≥ 1, "cache_authorization": bool,
//           "call": { "contractAddress", "entrypoint", "calldata": ["0x…", …] }, "nonce": number,
//           "resource_bounds": { "l1_gas" | "l2_gas" | "l1_data_gas": { "max_amount", "max_price_per_unit": "0x…" } } }
//           "session_keys": null, or our TypeScript package, timed in this same process on our own
//             session format: { "module": "/abs/…/dist/index.js", "contracts": ["0x…", …] (one
//             `transfer` policy each), "max_fee", "fee_budget": "decimal", "session_hash": "0x…"
//             (the Rust SDK's, checked), "transactions": number ≥ 1 }
// output: { "node", "starknet_js", "x_sessions", "policies", "transactions", "session_hash",
//           "allowed_methods_root", "session_key_guid", "build_ms": [per repetition],
//           "sign_us": [per transaction, whole signTransaction], "guardian_us": [per transaction, inside
//           the guardian stub], "first_signature": ["0x…", …], "first_transaction_hash": "0x…",
//           "session_keys": null or { "version", "build_ms": […], "sign_us": […], "session_hash" } }
//
// x-sessions asks Argent's backend (which holds the guardian key) to co-sign every transaction:
// POST {argentSessionServiceBaseUrl}/cosigner/signSession. There is no network here, so
// globalThis.fetch is replaced before starknet.js loads (it binds fetch at import) by a stub that
// does the guardian's work locally and is timed on its own; any other request throws.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const GUARDIAN_BASE_URL = "http://guardian.invalid/v1";
const SIGN_SESSION_URL = `${GUARDIAN_BASE_URL}/cosigner/signSession`;

class InputError extends Error {}

// Progress on stderr, one line each, prefixed so the caller can tell it from an error.
function progress(message) {
  process.stderr.write(`progress: ${message}\n`);
}

// Filled in once starknet.js is loaded (sn) and the input is read (guardian).
const guardian = { key: null, publicKey: null, ns: 0n, calls: 0, transactionHash: null };
let sn = null;

globalThis.fetch = async (url, init) => {
  const start = process.hrtime.bigint();
  if (String(url) !== SIGN_SESSION_URL) {
    throw new Error(`unexpected network request to ${url}`);
  }
  const { hash, ec, stark, num } = sn;
  const body = JSON.parse(init.body);
  const tx = body.transaction;
  if (tx.version !== "3") throw new Error(`guardian stub: transaction version ${tx.version}`);
  const bounds = (name) => ({
    max_amount: BigInt(tx.resource_bounds[name].max_amount),
    max_price_per_unit: BigInt(tx.resource_bounds[name].max_price_per_unit),
  });
  const transactionHash = hash.calculateInvokeTransactionHash({
    senderAddress: tx.sender_address,
    version: "0x3",
    compiledCalldata: tx.calldata,
    chainId: num.toHex(tx.chain_id),
    nonce: tx.nonce,
    accountDeploymentData: tx.account_deployment_data,
    nonceDataAvailabilityMode: stark.intDAM(tx.nonce_data_availability_mode),
    feeDataAvailabilityMode: stark.intDAM(tx.fee_data_availability_mode),
    resourceBounds: { l1_gas: bounds("l1_gas"), l2_gas: bounds("l2_gas"), l1_data_gas: bounds("l1_data_gas") },
    tip: tx.tip,
    paymasterData: tx.paymaster_data,
  });
  const message = hash.computePoseidonHashOnElements([
    transactionHash,
    body.session.sessionHash,
    body.session.cacheAuthorisation ? 1 : 0,
  ]);
  const { r, s } = ec.starkCurve.sign(message, guardian.key);
  const response = new Response(
    JSON.stringify({ signature: { publicKey: guardian.publicKey, r: num.toHex(r), s: num.toHex(s) } }),
    { status: 200, headers: { "Content-Type": "application/json" } },
  );
  guardian.ns += process.hrtime.bigint() - start;
  guardian.calls += 1;
  guardian.transactionHash = transactionHash;
  return response;
};

sn = await import("starknet");
const xs = await import("@argent/x-sessions");
const { RpcProvider, ec, hash, merkle, num, selector, shortString, stark, transaction, typedData } = sn;

// ---- input ----

const HEX = /^0x[0-9a-fA-F]{1,64}$/;
const FELT_LIMIT = 2n ** 251n + 17n * 2n ** 192n + 1n;

function field(object, key, where) {
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    throw new InputError(`${where} must be a JSON object`);
  }
  if (!(key in object)) throw new InputError(`missing field ${where}.${key}`);
  return object[key];
}
function feltValue(value, where) {
  if (typeof value !== "string" || !HEX.test(value) || BigInt(value) >= FELT_LIMIT) {
    throw new InputError(`${where} must be a felt as a 0x-hex string, got ${JSON.stringify(value)}`);
  }
  return num.toHex(value);
}
function felt(object, key, where) {
  return feltValue(field(object, key, where), `${where}.${key}`);
}
function natural(object, key, where, min = 0) {
  const value = field(object, key, where);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InputError(`${where}.${key} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}
function text(object, key, where) {
  const value = field(object, key, where);
  if (typeof value !== "string" || value === "") {
    throw new InputError(`${where}.${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}
function list(object, key, where, min = 0) {
  const value = field(object, key, where);
  if (!Array.isArray(value) || value.length < min) {
    throw new InputError(`${where}.${key} must be an array of at least ${min} entries`);
  }
  return value;
}
function privateKey(object, key, where) {
  const value = felt(object, key, where);
  if (BigInt(value) === 0n || BigInt(value) >= ec.starkCurve.CURVE.n) {
    throw new InputError(`${where}.${key} is not a valid Stark private key`);
  }
  return value;
}

function readInput(path) {
  let source;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${error.message}`);
  }
  let input;
  try {
    input = JSON.parse(source);
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${error.message}`);
  }
  const at = "input";
  // The metadata travels as the JSON text x-sessions will stringify, so its key order (which the
  // session hash depends on) is the caller's, whatever JSON library wrote the input file.
  const metadataText = field(input, "metadata", at);
  if (typeof metadataText !== "string") throw new InputError(`${at}.metadata must be a string of JSON`);
  let metadata;
  try {
    metadata = JSON.parse(metadataText);
  } catch (error) {
    throw new InputError(`${at}.metadata is not JSON: ${error.message}`);
  }
  if (JSON.stringify(metadata) !== metadataText) {
    throw new InputError(`${at}.metadata must be compact JSON (x-sessions hashes JSON.stringify of it)`);
  }
  text(metadata, "projectID", `${at}.metadata`);
  list(metadata, "txFees", `${at}.metadata`).forEach((fee, i) => {
    felt(fee, "tokenAddress", `${at}.metadata.txFees[${i}]`);
    const amount = text(fee, "maxAmount", `${at}.metadata.txFees[${i}]`);
    if (!/^[0-9]+$/.test(amount)) throw new InputError(`${at}.metadata.txFees[${i}].maxAmount must be a decimal string`);
  });
  const allowedMethods = list(input, "allowed_methods", at, 1).map((method, i) => ({
    "Contract Address": felt(method, "Contract Address", `${at}.allowed_methods[${i}]`),
    selector: text(method, "selector", `${at}.allowed_methods[${i}]`),
  }));
  const call = field(input, "call", at);
  const parsedCall = {
    contractAddress: felt(call, "contractAddress", `${at}.call`),
    entrypoint: text(call, "entrypoint", `${at}.call`),
    calldata: list(call, "calldata", `${at}.call`).map((value, i) => feltValue(value, `${at}.call.calldata[${i}]`)),
  };
  if (!allowedMethods.some((m) => BigInt(m["Contract Address"]) === BigInt(parsedCall.contractAddress) && m.selector === parsedCall.entrypoint)) {
    throw new InputError(`${at}.call (${parsedCall.contractAddress}, ${parsedCall.entrypoint}) is not one of the allowed_methods`);
  }
  const cache = field(input, "cache_authorization", at);
  if (typeof cache !== "boolean") throw new InputError(`${at}.cache_authorization must be true or false`);
  const bounds = field(input, "resource_bounds", at);
  const resourceBounds = {};
  for (const name of ["l1_gas", "l2_gas", "l1_data_gas"]) {
    const entry = field(bounds, name, `${at}.resource_bounds`);
    const where = `${at}.resource_bounds.${name}`;
    resourceBounds[name] = {
      max_amount: BigInt(felt(entry, "max_amount", where)),
      max_price_per_unit: BigInt(felt(entry, "max_price_per_unit", where)),
    };
    if (resourceBounds[name].max_amount >= 2n ** 64n) throw new InputError(`${where}.max_amount must fit in 64 bits`);
    if (resourceBounds[name].max_price_per_unit >= 2n ** 128n) throw new InputError(`${where}.max_price_per_unit must fit in 128 bits`);
  }
  const ours = field(input, "session_keys", at);
  let sessionKeys = null;
  if (ours !== null) {
    const where = `${at}.session_keys`;
    sessionKeys = {
      module: text(ours, "module", where),
      contracts: list(ours, "contracts", where, 1).map((value, i) => feltValue(value, `${where}.contracts[${i}]`)),
      maxFee: text(ours, "max_fee", where),
      feeBudget: text(ours, "fee_budget", where),
      sessionHash: felt(ours, "session_hash", where),
      transactions: natural(ours, "transactions", where, 1),
    };
  }
  return {
    sessionKeys,
    chainId: felt(input, "chain_id", at),
    account: felt(input, "account", at),
    ownerKey: privateKey(input, "owner_key", at),
    guardianKey: privateKey(input, "guardian_key", at),
    sessionKey: privateKey(input, "session_key", at),
    expiresAt: natural(input, "expires_at", at),
    // Passed as read: x-sessions stores JSON.stringify(metaData), so key order is the input's.
    metadata,
    allowedMethods,
    buildRepetitions: natural(input, "build_repetitions", at, 1),
    transactions: natural(input, "transactions", at, 1),
    cacheAuthorization: cache,
    call: parsedCall,
    nonce: natural(input, "nonce", at),
    resourceBounds,
  };
}

function installedVersion(name) {
  const path = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(path, "utf8")).version;
}

const micros = (ns) => Number(ns) / 1e3;
const millis = (ns) => Number(ns) / 1e6;

// ---- benchmark ----

async function main() {
  if (process.argv.length !== 3) throw new InputError("usage: node offchain.mjs INPUT.json");
  const input = readInput(process.argv[2]);
  const { chainId, account } = input;
  guardian.key = input.guardianKey;
  guardian.publicKey = ec.starkCurve.getStarkKey(input.guardianKey);
  const ownerPublicKey = ec.starkCurve.getStarkKey(input.ownerKey);
  const sessionKey = { publicKey: ec.starkCurve.getStarkKey(input.sessionKey), privateKey: input.sessionKey };
  const sessionParams = {
    allowedMethods: input.allowedMethods,
    expiry: BigInt(input.expiresAt),
    sessionKey,
    metaData: input.metadata,
  };

  // What the wallet returns from signTypedData for an Argent account with a guardian:
  // [signer count, Starknet variant, owner, r, s, Starknet variant, guardian, r, s]. Made once.
  const request0 = xs.createSessionRequest({ chainId, sessionParams });
  const sessionHash = typedData.getMessageHash(request0.sessionTypedData, account);
  const owner = ec.starkCurve.sign(sessionHash, input.ownerKey);
  const cosigner = ec.starkCurve.sign(sessionHash, input.guardianKey);
  const authorisationSignature = [
    2, 0, ownerPublicKey, owner.r, owner.s, 0, guardian.publicKey, cosigner.r, cosigner.s,
  ].map((value) => num.toHex(value));

  // 1. build: session request + session (typed data hash: Merkle tree of all N methods) + a proof
  // for each of the N methods as x-sessions' getSessionProofs makes them (its tree, getProof(leaf,
  // leaves)); the call→method lookup (findIndex) is skipped since method i is known.
  const buildMs = [];
  let session = null;
  let tree = null;
  let proofs = null;
  for (let rep = 0; rep < input.buildRepetitions; rep++) {
    const start = process.hrtime.bigint();
    const sessionRequest = xs.createSessionRequest({ chainId, sessionParams });
    session = await xs.createSession({ address: account, authorisationSignature, sessionRequest, chainId });
    const leaves = sessionRequest.offchainSession.allowed_methods.map((method) =>
      hash.computePoseidonHashOnElements([
        xs.ALLOWED_METHOD_HASH,
        method["Contract Address"],
        selector.getSelectorFromName(method.selector),
      ]),
    );
    tree = new merkle.MerkleTree(leaves, hash.computePoseidonHash);
    proofs = leaves.map((_, i) => tree.getProof(tree.leaves[i], tree.leaves));
    buildMs.push(millis(process.hrtime.bigint() - start));
    progress(`built the session ${rep + 1}/${input.buildRepetitions} times`);
  }
  // Checks, untimed: the same session hash as signed; the same root as the typed data's; proofs verify.
  if (session.hash !== sessionHash) throw new Error(`session hash ${session.hash} ≠ ${sessionHash}`);
  const typedRoot = typedData.encodeValue(
    xs.sessionTypes, "merkletree", session.allowedMethods, { parent: "Session", key: "Allowed Methods" }, "1",
  )[1];
  if (BigInt(typedRoot) !== BigInt(tree.root)) throw new Error(`Merkle root ${tree.root} ≠ typed data's ${typedRoot}`);
  proofs.forEach((proof, i) => {
    if (!merkle.proofMerklePath(tree.root, tree.leaves[i], proof, hash.computePoseidonHash)) {
      throw new Error(`proof of allowed method ${i} does not verify`);
    }
  });

  // 2. sign: x-sessions' session account; its signer does the session-key signature, asks the
  // guardian (the stub) and assembles the session token. The provider is never asked anything.
  const provider = new RpcProvider({
    nodeUrl: "http://rpc.invalid",
    chainId,
    baseFetch: () => {
      throw new Error("unexpected RPC request");
    },
  });
  const sessionAccount = await xs.buildSessionAccount({
    session,
    sessionKey,
    provider,
    useCacheAuthorisation: input.cacheAuthorization,
    argentSessionServiceBaseUrl: GUARDIAN_BASE_URL,
  });
  const signUs = [];
  const guardianUs = [];
  let firstSignature = null;
  let firstTransactionHash = null;
  for (let i = 0; i < input.transactions; i++) {
    const details = signerDetails(input, sessionAccount.address, i);
    guardian.ns = 0n;
    guardian.calls = 0;
    const start = process.hrtime.bigint();
    const signature = await sessionAccount.signer.signTransaction([input.call], details);
    signUs.push(micros(process.hrtime.bigint() - start));
    if (guardian.calls !== 1) throw new Error(`transaction ${i}: the guardian was asked ${guardian.calls} times`);
    guardianUs.push(micros(guardian.ns));
    if ((i + 1) % Math.max(1, Math.floor(input.transactions / 20)) === 0 || i + 1 === input.transactions) {
      progress(`signed ${i + 1}/${input.transactions} transactions`);
    }
    if (i === 0) {
      firstSignature = signature.map((x) => num.toHex(x));
      firstTransactionHash = guardian.transactionHash;
    }
  }

  // Checks, untimed: transaction 0's hash as the client computes it, and both signatures in its token.
  const clientHash = firstTransactionHashOf(input, sessionAccount.address);
  if (clientHash !== firstTransactionHash) throw new Error(`transaction hash ${clientHash} ≠ guardian's ${firstTransactionHash}`);
  checkToken(firstSignature, {
    transactionHash: clientHash,
    sessionHash,
    cache: input.cacheAuthorization,
    sessionPrivateKey: input.sessionKey,
    authorisationSignature,
    // The proof x-sessions puts in the token: of the first allowed method that matches the call.
    proof: proofs[
      input.allowedMethods.findIndex(
        (m) => BigInt(m["Contract Address"]) === BigInt(input.call.contractAddress) && m.selector === input.call.entrypoint,
      )
    ],
  });

  const sessionKeysResult = input.sessionKeys === null ? null : await oursTypeScript(input);

  return {
    session_keys: sessionKeysResult,
    node: process.version,
    starknet_js: installedVersion("starknet"),
    x_sessions: installedVersion("@argent/x-sessions"),
    policies: input.allowedMethods.length,
    transactions: input.transactions,
    session_hash: num.toHex(session.hash),
    allowed_methods_root: num.toHex(tree.root),
    session_key_guid: num.toHex(session.sessionKeyGuid),
    build_ms: buildMs,
    sign_us: signUs,
    guardian_us: guardianUs,
    first_signature: firstSignature,
    first_transaction_hash: num.toHex(firstTransactionHash),
  };
}

// The details a signer gets for transaction `i` (nonce input.nonce + i) from `address`: as
// starknet.js Account.execute → accountInvocationsFactory builds them for a v3 invoke given
// resourceBounds and tip 0: {...v3Details(details), walletAddress, nonce, chainId, cairoVersion,
// version, skipValidate}.
function signerDetails(input, address, i) {
  return {
    ...stark.v3Details({ tip: 0, resourceBounds: input.resourceBounds }),
    walletAddress: address,
    nonce: num.toBigInt(input.nonce + i),
    chainId: input.chainId,
    cairoVersion: "1",
    version: "0x3",
    skipValidate: false,
  };
}

// Transaction 0's hash from `address`, as the client computes it (the checks' reference).
function firstTransactionHashOf(input, address) {
  return hash.calculateInvokeTransactionHash({
    ...stark.v3Details({ tip: 0, resourceBounds: input.resourceBounds }),
    senderAddress: address,
    version: "0x3",
    compiledCalldata: transaction.getExecuteCalldata([input.call], "1"),
    chainId: input.chainId,
    nonce: num.toBigInt(input.nonce),
    nonceDataAvailabilityMode: stark.intDAM("L1"),
    feeDataAvailabilityMode: stark.intDAM("L1"),
  });
}

// Our TypeScript package (starknet-session-keys, on its own starknet.js 10), in this process:
// 1. build: the request with one `transfer` policy per contract, its session hash, the policy
// tree and every policy's proof; 2. sign: its SessionSigner's signTransaction for the same call
// and bounds as above (no node: the usage checks need one, and time the signing alone).
async function oursTypeScript(input) {
  const ours = input.sessionKeys;
  const sk = await import(pathToFileURL(ours.module).href);
  const transfer = selector.getSelectorFromName("transfer");
  const sessionPublicKey = ec.starkCurve.getStarkKey(input.sessionKey);
  const build = () => {
    let builder = sk.SessionRequest.builder(sessionPublicKey)
      .validAfter(0)
      .validUntil(input.expiresAt)
      .maxFee(ours.maxFee)
      .feeBudget(ours.feeBudget);
    for (const contract of ours.contracts) builder = builder.allow(contract, transfer);
    return builder.build();
  };
  const buildMs = [];
  let request = null;
  for (let rep = 0; rep < input.buildRepetitions; rep++) {
    const start = process.hrtime.bigint();
    request = build();
    request.hash(input.account, input.chainId);
    for (const policy of request.policies.policies) request.policies.proof(policy.contract, policy.selector);
    buildMs.push(millis(process.hrtime.bigint() - start));
  }
  progress(`built our session (TypeScript) ${input.buildRepetitions} times`);
  const session = new sk.SignedSession(request, input.account, input.chainId, request.signWithKey(input.account, input.chainId, input.ownerKey));
  if (BigInt(session.hash) !== BigInt(ours.sessionHash)) {
    throw new Error(`our TypeScript package's session hash ${num.toHex(session.hash)} ≠ the Rust SDK's ${ours.sessionHash}`);
  }
  const signer = new sk.SessionSigner(session, input.sessionKey);
  const signUs = [];
  let first = null;
  for (let i = 0; i < ours.transactions; i++) {
    const details = signerDetails(input, input.account, i);
    const start = process.hrtime.bigint();
    const signature = await signer.signTransaction([input.call], details);
    signUs.push(micros(process.hrtime.bigint() - start));
    if (i === 0) first = signature;
  }
  progress(`signed ${ours.transactions} transactions with our TypeScript package`);
  // Check, untimed: transaction 0's session signature is the session key's over (transaction hash, session hash).
  const transactionHash = firstTransactionHashOf(input, input.account);
  const message = hash.computePoseidonHashOnElements([transactionHash, session.hash]);
  const at = 2 + 10 + 3; // magic, version, the session (no spending limits), the owner's [2, r, s]
  if (BigInt(first[at]) !== 2n || !sk.verifySignature(BigInt(message), BigInt(first[at + 1]), BigInt(first[at + 2]), BigInt(sessionPublicKey))) {
    throw new Error("our TypeScript package's session signature of transaction 0 does not verify");
  }
  const version = JSON.parse(readFileSync(new URL("../package.json", pathToFileURL(ours.module)), "utf8")).version;
  return { version, build_ms: buildMs, sign_us: signUs, session_hash: num.toHex(session.hash) };
}

// The token's layout: 'session-token', session (4), cache_authorization, session_authorization
// (len + items), session signature (variant 0, pubkey, r, s), guardian signature (same), proofs.
function checkToken(token, { transactionHash, sessionHash, cache, sessionPrivateKey, authorisationSignature, proof }) {
  const b = token.map((x) => BigInt(x));
  let at = 0;
  const take = (n) => b.slice(at, (at += n));
  const fail = (what) => {
    throw new Error(`session token of transaction 0: ${what}`);
  };
  if (take(1)[0] !== BigInt(shortString.encodeShortString("session-token"))) fail("no 'session-token' prefix");
  take(4); // expires_at, allowed_methods_root, metadata_hash, session_key_guid
  if (take(1)[0] !== (cache ? 1n : 0n)) fail("cache_authorization");
  const auth = take(Number(take(1)[0]));
  if (auth.map((x) => num.toHex(x)).join() !== authorisationSignature.join()) fail("session_authorization");
  const message = hash.computePoseidonHashOnElements([transactionHash, sessionHash, cache ? 1 : 0]);
  for (const [who, key] of [["session key", sessionPrivateKey], ["guardian", guardian.key]]) {
    const [variant, pubkey, r, s] = take(4);
    if (variant !== 0n || pubkey !== BigInt(ec.starkCurve.getStarkKey(key))) fail(`${who} signer`);
    const signature = new ec.starkCurve.Signature(r, s);
    if (!ec.starkCurve.verify(signature, message, ec.starkCurve.getPublicKey(key, false))) {
      fail(`${who} signature does not verify`);
    }
  }
  const proofs = take(b.length - at);
  if (proofs.map((x) => num.toHex(x)).join() !== [1, proof.length, ...proof].map((x) => num.toHex(x)).join()) fail("proofs");
}

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    const message = error instanceof InputError ? error.message : `${error?.name ?? "Error"}: ${error?.message ?? error}`;
    process.stderr.write(`offchain.mjs: ${message.replace(/\s+/g, " ")}\n`);
    process.exit(1);
  },
);
