// A browser test file's life without the runner, for tests/browser/shared-chromium.test.ts: a
// context in the shared Chromium, a page, the context closed. The process must then end by itself.
import { sharedContext } from '../browser/shared-chromium.ts';
import { CHROMIUM, chromiumArgs } from '../browser/support.ts';

const context = await sharedContext(CHROMIUM, chromiumArgs(), {});
await (await context.newPage()).goto('about:blank');
await context.close();
console.log('closed its context');
