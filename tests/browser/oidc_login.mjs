// oidc_login.mjs AUTH_URL ACCOUNT REDIRECT_URL - signs in at a test
// provider (oidc_provider.mjs) as a person would: Debian's chromium
// through playwright-core opens the authorization URL carepulse made,
// types the account name on the provider's login page, consents, and is
// sent back to REDIRECT_URL. That last request is seen (nothing needs to
// listen there) and its full URL, with code and state, printed.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [authUrl, account, redirect] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
});
let callback = null;
try {
  const page = context.pages()[0] ?? await context.newPage();
  // The provider redirects there, and Playwright's routes never see a
  // redirect's target: the request event does.
  page.on('request', (r) => {
    if (callback === null && r.url().startsWith(redirect)) callback = r.url();
  });
  await page.goto(authUrl);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  // The consent page (first sign-in of this browser), then the callback.
  for (let i = 0; i < 3 && callback === null; i++) {
    await page.waitForLoadState('load').catch(() => {});
    if (callback === null && await page.locator('button[type=submit]').count() > 0)
      await page.click('button[type=submit]');
  }
  if (callback === null) throw new Error(`never sent back to ${redirect}: at ${page.url()}`);
  process.stdout.write(`${callback}\n`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
