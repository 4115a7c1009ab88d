// The tip jar page: connects an injected Starknet wallet (get-starknet's `window.starknet_*`,
// through starknet.js's WalletAccount), shows in words what the session will allow, has the
// wallet sign it once, then tips with the session key alone (a transaction, or gasless through
// the SNIP-29 paymaster `sk dapp` serves), shows what is left, and logs out. The session key and
// the signed session are kept in the browser's localStorage, per account, so a reload keeps
// playing without asking the wallet again.
import { RpcProvider, WalletAccount, ec, num, type Call } from 'starknet';
import {
  createSession,
  describeRequest,
  feltRule,
  formatStrk,
  formatTokenAmount,
  hex,
  isSessionError,
  randomSessionKey,
  SessionAccount,
  SessionRequest,
  sessionEpoch,
  SignedSession,
  STRK_TOKEN,
  u256Rule,
} from 'starknet-session-keys';

interface Config {
  tipJar: string;
}

const TIP = 10n ** 15n; // 0.001 STRK
const STRK = 10n ** 18n;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const provider = new RpcProvider({ nodeUrl: `${location.origin}/rpc` });
const paymaster = { nodeUrl: `${location.origin}/paymaster` };
let config: Config;
let wallet: WalletAccount | undefined;
let request: SessionRequest | undefined;
let account: SessionAccount | undefined;

function log(text: string, error = false): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  if (error) item.className = 'error';
  $('log').prepend(item);
}

function show(id: string, visible: boolean): void {
  $(id).hidden = !visible;
}

async function busy(button: string, work: () => Promise<void>): Promise<void> {
  const element = $<HTMLButtonElement>(button);
  element.disabled = true;
  try {
    await work();
  } catch (error) {
    log(isSessionError(error) ? `refused: ${error.message}` : `failed: ${(error as Error).message ?? error}`, true);
  } finally {
    element.disabled = false;
  }
}

const storageKey = (address: string) => `sk-session:${num.toHex(address)}`;

/** The session this page asks for: tips of at most 0.01 STRK each, 0.05 STRK in all, for an hour. */
async function sessionRequest(owner: string, sessionPublicKey: string): Promise<SessionRequest> {
  const block = await provider.getBlockWithTxHashes('latest');
  const jar = BigInt(config.tipJar);
  return SessionRequest.builder(sessionPublicKey)
    .validUntil(Number(block.timestamp) + 3600)
    .maxFee(STRK / 20n)
    .feeBudget(STRK / 2n)
    .maxTransactions(50)
    .epoch(await sessionEpoch(provider, BigInt(owner)))
    .spendingLimit(STRK_TOKEN, STRK / 20n)
    .allow(STRK_TOKEN, 'approve', [feltRule(0, 'EQ', [jar]), u256Rule(1, 'LE', [STRK / 100n])])
    .allow(jar, 'tip', [feltRule(0, 'EQ', [STRK_TOKEN]), u256Rule(1, 'LE', [STRK / 100n])])
    .build();
}

function tipCalls(amount: bigint): Call[] {
  return [
    { contractAddress: hex(STRK_TOKEN), entrypoint: 'approve', calldata: [config.tipJar, hex(amount), '0x0'] },
    { contractAddress: config.tipJar, entrypoint: 'tip', calldata: [hex(STRK_TOKEN), hex(amount), '0x0'] },
  ];
}

async function refresh(): Promise<void> {
  if (account === undefined) return;
  const [tipped, count] = await Promise.all([
    provider.callContract({
      contractAddress: config.tipJar,
      entrypoint: 'get_tipped',
      calldata: [hex(account.session.account), hex(STRK_TOKEN)],
    }),
    provider.callContract({ contractAddress: config.tipJar, entrypoint: 'get_tip_count', calldata: [] }),
  ]);
  $('tipped').textContent = formatStrk(BigInt(tipped[0] ?? 0) + (BigInt(tipped[1] ?? 0) << 128n));
  $('tip-count').textContent = String(BigInt(count[0] ?? 0));
  const left = await account.remaining();
  const rows: [string, string][] = [
    ['time', `${Math.floor(left.timeLeft / 60)} min`],
    ['transactions', String(left.transactionsLeft)],
    ['fees', formatStrk(left.feeBudgetLeft)],
    ...left.spending.map((limit): [string, string] => ['to spend', formatTokenAmount(limit.token, limit.totalLeft)]),
  ];
  $('left').replaceChildren(
    ...rows.flatMap(([term, value]) => {
      const [dt, dd] = [document.createElement('dt'), document.createElement('dd')];
      dt.textContent = term;
      dd.textContent = value;
      dd.dataset.left = term;
      return [dt, dd];
    }),
  );
}

function play(session: SignedSession, sessionKey: string): void {
  account = new SessionAccount({ provider, session, sessionKey, paymaster });
  show('grant', false);
  show('play', true);
  $('jar').textContent = config.tipJar;
}

async function connect(): Promise<void> {
  const injected = Object.keys(window).filter((key) => key.startsWith('starknet_'));
  const walletObject = injected.map((key) => (window as unknown as Record<string, unknown>)[key])[0];
  if (walletObject === undefined) throw new Error('no Starknet wallet is installed in this browser');
  wallet = await WalletAccount.connect(provider, walletObject as never);
  $('wallet-status').textContent = `connected: ${wallet.address}`;
  log(`wallet connected (${wallet.address})`);
  const stored = localStorage.getItem(storageKey(wallet.address));
  if (stored !== null) {
    const { session, key } = JSON.parse(stored) as { session: string; key: string };
    const restored = SignedSession.fromJson(session);
    const candidate = new SessionAccount({ provider, session: restored, sessionKey: key });
    if (!(await candidate.isRevoked()) && (await candidate.remaining()).timeLeft > 0) {
      play(restored, key);
      log('the session saved in this browser is still valid: no signature needed');
      await refresh();
      return;
    }
    localStorage.removeItem(storageKey(wallet.address));
  }
  const sessionKey = randomSessionKey(); // crypto.getRandomValues underneath; kept in this browser

  sessionStorage.setItem('sk-pending-key', sessionKey);
  request = await sessionRequest(wallet.address, ec.starkCurve.getStarkKey(sessionKey));
  $('grant-lines').replaceChildren(
    ...describeRequest(request).map((line) => {
      const item = document.createElement('li');
      item.textContent = line;
      return item;
    }),
  );
  show('grant', true);
}

async function approve(): Promise<void> {
  const sessionKey = sessionStorage.getItem('sk-pending-key');
  if (wallet === undefined || request === undefined || sessionKey === null) throw new Error('connect a wallet first');
  const session = await createSession(request, wallet);
  localStorage.setItem(storageKey(wallet.address), JSON.stringify({ session: session.toJson(), key: sessionKey }));
  sessionStorage.removeItem('sk-pending-key');
  log(`session approved: ${hex(session.hash)}`);
  play(session, sessionKey);
  await refresh();
}

async function tip(gasless: boolean): Promise<void> {
  if (account === undefined) throw new Error('approve a session first');
  const sent = gasless
    ? await account.executePaymasterTransaction(tipCalls(TIP), { feeMode: { mode: 'sponsored' } })
    : await account.execute(tipCalls(TIP));
  await provider.waitForTransaction(sent.transaction_hash, { retryInterval: 250 });
  log(`tipped ${formatStrk(TIP)}${gasless ? ', gasless (the paymaster paid the fee)' : ''}: ${sent.transaction_hash}`);
  await refresh();
}

async function logout(): Promise<void> {
  if (account === undefined || wallet === undefined) return;
  const stored = JSON.parse(localStorage.getItem(storageKey(wallet.address)) ?? '{}') as { key?: string };
  if (stored.key === undefined) throw new Error('no session key saved');
  const sent = await account.logout(stored.key);
  await provider.waitForTransaction(sent.transaction_hash, { retryInterval: 250 });
  localStorage.removeItem(storageKey(wallet.address));
  account = undefined;
  show('play', false);
  log('logged out: the session is ended on chain and its key forgotten');
}

async function main(): Promise<void> {
  config = (await (await fetch('/config.json')).json()) as Config;
  $('connect-button').addEventListener('click', () => busy('connect-button', connect));
  $('approve-button').addEventListener('click', () => busy('approve-button', approve));
  $('tip-button').addEventListener('click', () => busy('tip-button', () => tip(false)));
  $('tip-gasless-button').addEventListener('click', () => busy('tip-gasless-button', () => tip(true)));
  $('logout-button').addEventListener('click', () => busy('logout-button', logout));
  document.body.dataset.ready = 'true';
}

main().catch((error) => log(`the page failed to start: ${(error as Error).message}`, true));
