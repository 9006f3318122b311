// form.mjs URL SHOT_DIR - a real browser answers the form: Debian's
// chromium through playwright-core, off the network. Keyboard for the
// first statements, the mouse for the rest, a typed comment, submit, and
// the thank-you page. Phone-size screenshots of the form and the
// thank-you page go to SHOT_DIR.
import { join } from 'node:path';
import { launch } from './chromium.mjs';

const [url, shots] = process.argv.slice(2);
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
  // Focus is visible: the outline of a focused radio is drawn.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  if (outline === 'none') fail('no visible focus');
  // The mouse (a tap on the label text) for the rest.
  for (let i = 2; i < groups; i++)
    await page.locator('fieldset').nth(i).locator('label').nth(i % 5).click();
  // Touch targets are large: every choice at least 44 px high.
  const small = await page.$$eval('.scale label', (ls) => ls.filter((l) => l.getBoundingClientRect().height < 44).length);
  if (small) fail(`${small} choices are smaller than 44 px`);
  await page.locator('textarea').first().fill('Thank you for asking — keep the Friday check-ins.');
  await page.screenshot({ path: join(shots, 'form-phone-answered.png'), fullPage: false });
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /send my answers/i }).click()]);
  const h1 = await page.locator('h1').textContent();
  if (h1 !== 'Thank you') fail(`after submit: ${h1}`);
  await page.screenshot({ path: join(shots, 'thanks-phone.png') });
  if (violations.length) fail(`CSP violations: ${violations.join('; ')}`);
  console.log(`browser: answered ${groups} statements, saw "${h1}"`);
} finally {
  await close();
}
