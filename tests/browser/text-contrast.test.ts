// Every piece of text the page's own stylesheet colours (ui/styles.css) stands out from what is
// behind it by WCAG AA's 4.5:1 (3:1 for large text), in the light scheme and the dark one: the
// Pods list, a Pod view with a terminal, the Terminals page, and a badge of every tone. A
// disabled control is left out (WCAG's exception), and so is the terminal's screen (its theme).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { appForFile, byName, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
appForFile(test, (app) => {
  b = app;
  page = app.page;
});
const { badgeOf, button } = byName(() => page);

/** Text below the ratio it needs: "ratio text (colour on background)", for every visible text element. */
async function lowContrast(p: Page): Promise<string[]> {
  // tsx keeps the names of the functions below with a helper of its own, which the page lacks
  await p.evaluate('globalThis.__name ??= (f) => f');
  return p.evaluate(() => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const [R, G, B] = [r, g, b].map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    const background = (el: Element | null): string => {
      for (; el; el = el.parentElement) {
        const bg = getComputedStyle(el).backgroundColor;
        const alpha = rgb(bg)[3];
        if (bg !== 'transparent' && alpha !== 0) return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    const found: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent!.trim()).join(' ').trim();
      if (!text || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || el.closest('.xterm, .visually-hidden, option')) continue;
      if (el.closest(':disabled, [aria-disabled="true"]')) continue;
      const style = getComputedStyle(el);
      const [fg, bg] = [style.color, background(el)];
      const [a, c] = [luminance(rgb(fg)), luminance(rgb(bg))];
      const ratio = (Math.max(a, c) + 0.05) / (Math.min(a, c) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) found.push(`${ratio.toFixed(2)} "${text.slice(0, 30)}" (${el.tagName.toLowerCase()}.${el.className}: ${fg} on ${bg})`);
    }
    return [...new Set(found)];
  });
}

/** A badge of every tone, as the tabs, the Terminals page and a batch's summary show them. */
async function everyTone(p: Page): Promise<void> {
  await p.evaluate(() => {
    const sample = document.createElement('p');
    sample.id = 'tone-sample';
    for (const tone of ['ok', 'busy', 'quiet', 'warn', 'bad', 'done']) sample.insertAdjacentHTML('beforeend', `<span class="badge tone-${tone}">${tone}</span> `);
    document.querySelector('main')!.append(sample);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`${scheme}: no text below 4.5:1`, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    const seen: string[] = [];
    await page.goto(b.openUrl);
    await page.getByRole('link', { name: 'web', exact: true }).waitFor();
    await everyTone(page);
    seen.push(...(await lowContrast(page)).map((s) => `Pods: ${s}`));
    await page.getByRole('link', { name: 'web', exact: true }).click();
    if ((await page.getByRole('tab').count()) === 0) await button('Shell').click();
    await waitForText(badgeOf('nginx: shell'), /^live$/);
    seen.push(...(await lowContrast(page)).map((s) => `Pod view: ${s}`));
    await page.getByRole('link', { name: 'Terminals', exact: true }).click();
    await page.getByRole('table', { name: 'Terminals' }).waitFor();
    seen.push(...(await lowContrast(page)).map((s) => `Terminals: ${s}`));
    assert.equal(seen, []);
  });
}

test('no page errors', () => {
  assert.equal(b.problems, []);
});

test.run();
