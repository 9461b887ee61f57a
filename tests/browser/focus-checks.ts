// Where the keyboard's focus is, for the focus tests: a check that says what has the focus when
// the element does not, and a bounded wait for a view that hands the focus over after it draws.
import type { Locator, Page } from 'playwright-core';

/** Whether the element has the keyboard's focus, said as what has it otherwise. */
export async function focused(page: Page, locator: Locator): Promise<true | string> {
  const has = await locator.evaluate((el) => el === document.activeElement);
  return has || page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()}.${document.activeElement?.className} ${document.activeElement?.getAttribute('aria-label') ?? ''}`.trim());
}

/** Waits (bounded) until the element has the focus; else says what has it. */
export async function focusGoesTo(page: Page, locator: Locator): Promise<true | string> {
  const element = await locator.elementHandle();
  const landed = await page.waitForFunction((el) => el === document.activeElement, element).then(
    () => true,
    () => false,
  );
  return landed || focused(page, locator);
}
