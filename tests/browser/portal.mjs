// portal.mjs BASE SINK SHOT_DIR WAVE TEAM_A TEAM_B - the results portal in
// a real browser: Debian's chromium through playwright-core, off the
// network, at 390 px. With JavaScript off, a leader signs in by the link
// the SMTP sink captured (typing the address, pressing the buttons), sees
// their team, is refused another's, and signs out; HR signs in and opens
// the heat map. Then, with JavaScript on only for axe-core (the pages
// have none of their own), every page is checked for WCAG 2.2 AA
// violations. Screenshots of the pages go to SHOT_DIR.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch } from './chromium.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [base, sink, shots, wave, teamA, teamB] = process.argv.slice(2);
const fail = (msg) => { throw new Error(msg); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function mailsTo(addr) {
  return readdirSync(sink).filter((f) => f.endsWith('.env')).sort()
    .filter((f) => readFileSync(join(sink, f), 'utf8').split('\n').slice(1).includes(addr))
    .map((f) => join(sink, f.replace(/\.env$/, '.eml')));
}

async function linkFor(addr, before) {
  for (let i = 0; i < 200; i++) {
    const m = mailsTo(addr);
    if (m.length > before) {
      const raw = readFileSync(m[before], 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const hit = raw.match(/\/portal\/signin\/([0-9a-f]+)/);
      if (!hit) fail('no link in the mail');
      return `${base}/portal/signin/${hit[1]}`;
    }
    await sleep(50);
  }
  return fail(`no mail reached ${addr}`);
}

const browsers = [];
async function browser(js) {
  const b = await launch({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: js,
    bypassCSP: js, // only so that axe-core can be injected
  });
  browsers.push(b);
  return b;
}

// Readable at 390 px: the page itself never scrolls sideways (wide tables
// scroll inside their own box).
async function fits(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  if (w > 390) fail(`${what} is ${w} px wide at 390 px`);
}

async function signIn(page, addr, shot) {
  const before = mailsTo(addr).length;
  await page.goto(`${base}/portal/`);
  if (shot) await page.screenshot({ path: join(shots, 'portal-signin.png') });
  await page.getByLabel('E-mail address').fill(addr);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /send me a sign-in link/i }).click()]);
  if (!/Check your mail/.test(await page.locator('h1').textContent())) fail('no check-your-mail page');
  await page.goto(await linkFor(addr, before));
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^sign in$/i }).click()]);
  if (!page.url().endsWith('/portal/waves')) fail(`after sign-in: ${page.url()}`);
}

const visited = [];
try {
  // ---- JavaScript off: the whole job by hand ----
  const off = await browser(false);
  const { page } = off;
  await signIn(page, 'leada@example.org', true);
  await fits(page, 'the waves page');
  await page.screenshot({ path: join(shots, 'portal-waves.png') });
  visited.push(['leada@example.org', page.url()]);
  visited.push(['leada@example.org', `${base}/portal/waves/${wave}`]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Ward A' }).first().click()]);
  const teamUrl = page.url();
  if (!teamUrl.endsWith(`/portal/waves/${wave}/teams/${teamA}`)) fail(`team link: ${teamUrl}`);
  await fits(page, 'the team page');
  if (!(await page.getByText('Your own view').count())) fail('the leader does not see their self-assessment');
  await page.screenshot({ path: join(shots, 'portal-team.png') });
  await page.locator('#dimensions').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'portal-team-chart.png') });
  visited.push(['leada@example.org', teamUrl]);
  const refused = await page.goto(`${base}/portal/waves/${wave}/teams/${teamB}`);
  if (refused.status() !== 404) fail(`leader A opened B's page: ${refused.status()}`);
  visited.push(['leada@example.org', page.url()]);
  await page.goto(teamUrl);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /sign out/i }).click()]);
  if (!/Sign in to see results/.test(await page.locator('h1').textContent())) fail('sign-out did not end at the sign-in page');
  const after = await page.goto(teamUrl);
  if (!page.url().endsWith('/portal/')) fail(`after sign-out the team page answered ${after.status()}`);

  await signIn(page, 'hr@example.org', false);
  await page.goto(`${base}/portal/waves/${wave}/heatmap`);
  if (!/Heat map/.test(await page.locator('h1').textContent())) fail('no heat map for HR');
  await fits(page, 'the heat map');
  await page.screenshot({ path: join(shots, 'portal-heatmap.png') });
  visited.push(['hr@example.org', page.url()]);
  visited.push(['hr@example.org', teamUrl]);
  if (await page.goto(teamUrl) && (await page.getByText('Your own view').count())) fail('HR sees the self-assessment');
  await off.close();

  // ---- axe-core on every page, signed in as each viewer ----
  const on = await browser(true);
  const p2 = on.page;
  const pages = [`${base}/portal/`, `${base}/portal/sent`];
  const results = [];
  async function axe(url) {
    await p2.goto(url);
    await p2.addScriptTag({ content: axeSource });
    const r = await p2.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const out = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
      return out.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    });
    results.push([url, r]);
  }
  for (const url of pages) await axe(url);
  await signIn(p2, 'leada@example.org', false);
  await axe(`${base}/portal/signin/${'ab'.repeat(24)}`); // a landing page (the link is not used)
  for (const [who, url] of visited) {
    if (who !== 'leada@example.org') continue;
    await axe(url);
  }
  await p2.goto(`${base}/portal/waves`);
  await Promise.all([p2.waitForNavigation(), p2.getByRole('button', { name: /sign out/i }).click()]);
  await signIn(p2, 'hr@example.org', false);
  for (const [who, url] of visited) if (who === 'hr@example.org') await axe(url);
  // The same pages in Arabic, right to left (the language switch ?lang=).
  for (const [who, url] of visited) {
    if (who === 'hr@example.org') await axe(`${url}${url.includes('?') ? '&' : '?'}lang=ar`);
  }
  await on.close();
  const bad = results.filter(([, v]) => v.length);
  for (const [url, v] of bad) console.error(`axe: ${url}\n  ${v.join('\n  ')}`);
  if (bad.length) fail(`axe-core found violations on ${bad.length} of ${results.length} pages`);
  console.log(`axe-core: no violations on ${results.length} pages`);
} finally {
  for (const b of browsers) await b.close();
}
console.log('portal in the browser ok');
