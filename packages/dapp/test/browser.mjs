// Drives the tip jar page in headless Chromium (Debian's, through playwright-core) as a user
// does: connect the injected development wallet, read what the session will allow, approve it
// (the one wallet prompt), tip twice (a transaction, then gasless through the paymaster), read
// what is left, reload (the session is kept: no new prompt), and log out. Prints one JSON
// object of what it saw on stdout; the Rust test (crates/cli/tests/dapp.rs) checks it and the
// chain. A failure exits 1 with the reason and the page's activity log on stderr.
//
// usage: node test/browser.mjs PAGE_URL SCREENSHOT.png     (CHROMIUM: the browser, default /usr/bin/chromium)
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (url === undefined || screenshot === undefined) {
  console.error('usage: node test/browser.mjs PAGE_URL SCREENSHOT.png');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const seen = {};
const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));
const activity = () => page.$$eval('#log li', (items) => items.map((item) => item.textContent));
const waitForLog = async (pattern, count = 1) =>
  page.waitForFunction(
    ([source, n]) => [...document.querySelectorAll('#log li')].filter((li) => new RegExp(source).test(li.textContent)).length >= n,
    [pattern, count],
    { timeout: 60_000 },
  );
const noErrors = async () => {
  const errors = await page.$$eval('#log li.error', (items) => items.map((item) => item.textContent));
  if (errors.length > 0 || pageErrors.length > 0) throw new Error(`the page reported: ${[...errors, ...pageErrors].join(' | ')}`);
};
try {
  await page.goto(`${url}?devwallet`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#connect-button');
  await page.waitForSelector('#grant:not([hidden])', { timeout: 60_000 });
  seen.grant = await page.$$eval('#grant-lines li', (items) => items.map((item) => item.textContent));
  await page.click('#approve-button');
  await page.waitForSelector('#play:not([hidden])', { timeout: 60_000 });
  await noErrors();
  await page.click('#tip-button');
  await waitForLog('tipped', 1);
  await page.click('#tip-gasless-button');
  await waitForLog('gasless', 1);
  await noErrors();
  await page.waitForFunction(() => document.querySelector('#tip-count')?.textContent === '2', null, { timeout: 30_000 });
  // The relayed tip is a use of the session too: 50 - 2 transactions left.
  await page.waitForFunction(() => document.querySelector('[data-left="transactions"]')?.textContent === '48', null, { timeout: 30_000 });
  seen.tipped = await page.textContent('#tipped');
  seen.tipCount = await page.textContent('#tip-count');
  seen.left = await page.$$eval('#left dd', (items) => Object.fromEntries(items.map((dd) => [dd.dataset.left, dd.textContent])));
  seen.prompts = await page.evaluate(() => window.starknet_skdev.prompts.length);
  seen.session = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('sk-session:'));
    return key === undefined ? null : JSON.parse(JSON.parse(localStorage.getItem(key)).session).session_hash;
  });
  await page.screenshot({ path: screenshot, fullPage: true });

  // A reload keeps playing: the session is read back from the browser's storage, no new prompt.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#connect-button');
  await page.waitForSelector('#play:not([hidden])', { timeout: 60_000 });
  seen.promptsAfterReload = await page.evaluate(() => window.starknet_skdev.prompts.length);
  await page.click('#tip-button');
  await waitForLog('tipped', 1);
  await noErrors();

  await page.click('#logout-button');
  await waitForLog('logged out', 1);
  await noErrors();
  seen.storedAfterLogout = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('sk-session:')).length);
  seen.activity = await activity();
  process.stdout.write(JSON.stringify(seen));
} catch (error) {
  console.error(`the browser test failed: ${error.message}`);
  console.error(`activity: ${JSON.stringify(await activity().catch(() => []))}`);
  await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
