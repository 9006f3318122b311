// oidc_portal.mjs PORTAL ACCOUNT [SHOT] - single sign-on to the results
// portal of `carepulse serve` at PORTAL (http://127.0.0.1:PORT) as a
// person would: Debian's chromium opens the sign-in page PORTAL/portal/,
// follows its single sign-on link (/portal/oidc/start), signs in as
// ACCOUNT on the test provider's pages (oidc_provider.mjs), consents, and
// comes back through /portal/oidc/callback. Prints the page it ends
// on: its URL, its HTTP status, then its text. SHOT: a phone-size
// screenshot of that page.
import { launch, signIn } from './chromium.mjs';

const [portal, account, shot] = process.argv.slice(2);
const { page, close } = await launch({ viewport: { width: 390, height: 844 } });
try {
  let status = 0;
  page.on('response', (r) => {
    if (r.url().startsWith(portal) && r.request().isNavigationRequest()) status = r.status();
  });
  await page.goto(`${portal}/portal/`);
  await page.getByRole('link', { name: "sign in with your organisation's account" }).click();
  await signIn(page, account, () => page.url().startsWith(portal));
  await page.waitForLoadState('load');
  if (shot) await page.screenshot({ path: shot });
  process.stdout.write(`${page.url()}\n${status}\n${await page.locator('body').innerText()}\n`);
} finally {
  await close();
}
