// oidc_login.mjs AUTH_URL ACCOUNT REDIRECT_URL - signs in at a test
// provider (oidc_provider.mjs) as a person would: Debian's chromium
// through playwright-core opens the authorization URL carepulse made,
// types the account name on the provider's login page, consents, and is
// sent back to REDIRECT_URL. That last request is seen (nothing needs to
// listen there) and its full URL, with code and state, printed.
import { launch, signIn } from './chromium.mjs';

const [authUrl, account, redirect] = process.argv.slice(2);
const { page, close } = await launch();
let callback = null;
try {
  // The provider redirects there, and Playwright's routes never see a
  // redirect's target: the request event does.
  page.on('request', (r) => {
    if (callback === null && r.url().startsWith(redirect)) callback = r.url();
  });
  await page.goto(authUrl);
  await signIn(page, account, () => callback !== null);
  if (callback === null) throw new Error(`never sent back to ${redirect}: at ${page.url()}`);
  process.stdout.write(`${callback}\n`);
} finally {
  await close();
}
