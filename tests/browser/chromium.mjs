// chromium.mjs - Debian's chromium through playwright-core, headless and
// off the network, in a fresh profile: how every browser test here
// (form.mjs, portal.mjs, the single sign-on scripts) starts it.
// launch(options) gives { context, page, close }; options go to
// launchPersistentContext (a viewport, for example); close() closes the
// browser and removes its profile, and may be called more than once.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync'],
    ...options,
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// signIn(page, account): on the test provider's login page, signs in as
// account (any password) and consents, until done() is true.
export async function signIn(page, account, done) {
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  for (let i = 0; i < 3 && !done(); i++) {
    await page.waitForLoadState('load').catch(() => {});
    if (!done() && await page.locator('button[type=submit]').count() > 0)
      await page.click('button[type=submit]');
  }
}
