// languages.mjs BASE SHOT_DIR CASE... - each CASE "PATH|LOCALE|LANG" opens
// BASE+PATH in Debian's chromium (playwright-core, off the network) with
// the browser's language LOCALE ("-": none), expects the page in LANG
// (its <html lang> and dir), runs axe-core on it (no violation allowed),
// and for a right-to-left page checks that it is laid out right to left.
// A phone-size screenshot of each goes to SHOT_DIR.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const [base, shots, ...cases] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'cp-chromium-'));
const fail = (msg) => { throw new Error(msg); };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync'],
});
try {
  for (const c of cases) {
    const [path, locale, want] = c.split('|');
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 1,
      isMobile: true, hasTouch: true,
      // axe-core is injected as a script, which the page's policy
      // (default-src 'none') would rightly refuse.
      bypassCSP: true,
      ...(locale === '-' ? {} : { locale }),
    });
    const page = await context.newPage();
    const res = await page.goto(base + path);
    const lang = await page.getAttribute('html', 'lang');
    const dir = await page.getAttribute('html', 'dir');
    if (lang !== want) fail(`${path} (${locale}): page in ${lang}, expected ${want}`);
    if (dir !== (want === 'ar' ? 'rtl' : 'ltr')) fail(`${path}: dir ${dir} for ${want}`);
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => await window.axe.run(document));
    if (result.violations.length)
      fail(`${path} (${want}): axe: ` + result.violations.map((v) =>
        `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; '));
    if (want === 'ar') {
      // Right to left: the heading starts at the right edge, and the
      // promise's accent border is on the right (border-inline-start).
      const geo = await page.evaluate(() => {
        const h1 = document.querySelector('h1').getBoundingClientRect();
        const main = document.querySelector('main').getBoundingClientRect();
        const p = document.querySelector('.promise');
        const s = p ? getComputedStyle(p) : null;
        return { dir: getComputedStyle(document.body).direction,
          h1Right: main.right - h1.right, h1Left: h1.left - main.left,
          borderRight: s ? parseFloat(s.borderRightWidth) : -1,
          borderLeft: s ? parseFloat(s.borderLeftWidth) : -1 };
      });
      if (geo.dir !== 'rtl') fail(`${path}: direction ${geo.dir}`);
      if (geo.borderRight !== -1 && !(geo.borderRight > geo.borderLeft))
        fail(`${path}: the accent border is not on the right: ${JSON.stringify(geo)}`);
    }
    await page.screenshot({ path: join(shots, `lang-${want}-${res.status()}.png`) });
    console.log(`browser: ${path} (${locale}) in ${lang}/${dir}, ${result.passes.length} axe rules passed`);
    await context.close();
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
