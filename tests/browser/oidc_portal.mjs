// oidc_portal.mjs PORTAL ACCOUNT [SHOT] - single sign-on to the results
// portal of `carepulse serve` at PORTAL (http://127.0.0.1:PORT) as a
// person would: Debian's chromium opens PORTAL/portal/oidc/start, signs in
// as ACCOUNT on the test provider's pages (oidc_provider.mjs), consents,
// and comes back through /portal/oidc/callback. Prints the page it ends
// on: its URL, its HTTP status, then its text. SHOT: a phone-size
// screenshot of that page.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [portal, account, shot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
  viewport: { width: 390, height: 844 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  let status = 0;
  page.on('response', (r) => {
    if (r.url().startsWith(portal) && r.request().isNavigationRequest()) status = r.status();
  });
  await page.goto(`${portal}/portal/oidc/start`);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  // The consent page, then back to the portal.
  for (let i = 0; i < 3 && !page.url().startsWith(portal); i++) {
    await page.waitForLoadState('load').catch(() => {});
    if (!page.url().startsWith(portal) && await page.locator('button[type=submit]').count() > 0)
      await page.click('button[type=submit]');
  }
  await page.waitForLoadState('load');
  if (shot) await page.screenshot({ path: shot });
  process.stdout.write(`${page.url()}\n${status}\n${await page.locator('body').innerText()}\n`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
