// form.mjs URL SHOT_DIR TEAM LEADER - a real browser answers the form:
// Debian's chromium through playwright-core, off the network. The form
// names TEAM and LEADER, fits an 11-statement pulse in about three phone
// screens (390 x 844), and axe-core finds nothing on the form or the
// thank-you page. Keyboard for the first statements, the mouse for the
// rest, a typed comment, submit, and the thank-you page with the closing
// date. Phone-size screenshots go to SHOT_DIR.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch } from './chromium.mjs';

const [url, shots, team, leader] = process.argv.slice(2);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREEN = 844;
const fail = (msg) => { throw new Error(msg); };

const { page, close } = await launch({
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
});
const violations = [];
try {
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const res = await page.goto(url);
  if (res.status() !== 200) fail(`GET form: ${res.status()}`);
  await page.screenshot({ path: join(shots, 'form-phone.png'), fullPage: false });
  await page.screenshot({ path: join(shots, 'form-phone-full.png'), fullPage: true });

  // Whom the answers are about, in the text a person reads first.
  const about = await page.locator('.about').textContent();
  if (!about.includes(team) || !about.includes(leader)) fail(`the form does not name ${team} and ${leader}: "${about}"`);
  // Short enough for a phone: the whole page in about three screens,
  // and the first statement's choices on the first screen.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (height > 3 * SCREEN) fail(`the form is ${height} px high at 390 px, more than three screens (${3 * SCREEN})`);
  const firstRow = await page.locator('fieldset').first().locator('.seg').boundingBox();
  if (firstRow.y + firstRow.height > SCREEN) fail(`the first statement's choices end at ${firstRow.y + firstRow.height} px, below the first screen`);
  const axe = async (what) => {
    // Evaluated over the DevTools protocol, which the page's policy
    // (default-src 'none') does not govern; a script tag would be refused.
    await page.evaluate(axeSource);
    const r = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    if (r.violations.length) fail(`axe-core on ${what}: ` + r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}`).join('; '));
  };

  const groups = await page.locator('fieldset').count();
  if (groups < 3) fail(`only ${groups} fieldsets`);
  // Keyboard: tab to the first radio group and choose with the arrows,
  // then move on to the next group with Tab.
  await page.locator('fieldset').first().locator('input[type=radio]').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown'); // the fourth answer: Agree
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // the second group: its second answer
  await page.keyboard.press('Space');
  const first = await page.locator('fieldset').nth(0).locator('input:checked').getAttribute('value');
  const second = await page.locator('fieldset').nth(1).locator('input:checked').getAttribute('value');
  if (first !== '4' || !second) fail(`keyboard answers: ${first}, ${second}`);
  // Focus is visible: the segment of the focused radio draws an outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).outlineStyle);
  if (outline === 'none') fail('no visible focus');
  // The mouse (a tap on the label text) for the rest.
  for (let i = 2; i < groups; i++)
    await page.locator('fieldset').nth(i).locator('label').nth(i % 5).click();
  // "Prefer not to say", where offered, is one more choice of the group:
  // the last statement's, by its words.
  const decline = page.locator('fieldset').nth(groups - 1).locator('label.decline');
  if (await decline.count()) {
    await decline.click();
    const v = await page.locator('fieldset').nth(groups - 1).locator('input:checked').getAttribute('value');
    if (v !== 'prefer_not_to_say') fail(`prefer not to say: ${v}`);
  }
  // Touch targets are large: every choice at least 44 px high.
  const small = await page.$$eval('.seg label', (ls) => ls.filter((l) => l.getBoundingClientRect().height < 44).length);
  if (small) fail(`${small} choices are smaller than 44 px`);
  await page.locator('textarea').first().fill('Thank you for asking — keep the Friday check-ins.');
  await page.screenshot({ path: join(shots, 'form-phone-answered.png'), fullPage: false });
  await axe('the form');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /send my answers/i }).click()]);
  const h1 = await page.locator('h1').textContent();
  if (h1 !== 'Thank you') fail(`after submit: ${h1}`);
  await page.screenshot({ path: join(shots, 'thanks-phone.png') });
  const thanks = await page.locator('main').textContent();
  if (!/closes on .*20\d\d/.test(thanks) || !/shares them/.test(thanks)) fail(`the thank-you page does not say when and how results are shared: "${thanks}"`);
  await axe('the thank-you page');
  if (violations.length) fail(`CSP violations: ${violations.join('; ')}`);
  console.log(`browser: ${height} px high at 390 px; answered ${groups} statements, saw "${h1}"; axe-core clean`);
} finally {
  await close();
}
