// Ended terminals that printed more than --ended-scrollback all told, through the app and the
// sandbox: an attach to the oldest-ended is told the gap (`dropped`, its offsets as they were),
// the newest keeps every byte, a terminal still running keeps all of its own, and the server's log
// says so once (docs/api.md, "Offsets, scrollback and reattach").
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, openExec, sessionRow, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const PRINTS = 60_000;
const BUDGET = 100_000;
const target = { namespace: 'default', pod: 'web', containers: ['nginx'], interactive: false };
const printing = (then: string) => ({ ...target, command: { argv: ['sh', '-c', `yes 0123456789 | head -c ${PRINTS}; ${then}`] } });

test('past the budget the oldest-ended terminal says what is gone, the newest keeps its bytes, a running one all of its own', async () => {
  const warnings: string[] = [];
  const app = await startTestApp({ hub: { endedScrollbackBytes: BUDGET }, warn: (m) => warnings.push(m) });
  try {
    const [running] = await openExec(app, printing('sleep 60'));
    await waitFor(() => app.hub.stats(running)?.end === PRINTS, 'the running one to print');
    const ended: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [id] = await openExec(app, printing('exit 0'));
      await waitFor(async () => (await sessionRow(app, id)).state === 'exited', `terminal ${i} to end`);
      ended.push(id);
    }
    const page = await StreamClient.open(app);
    const attached = [];
    for (const id of ended) attached.push(await page.attach(id, { from: 0 }));
    // 180,000 bytes for 100,000: the oldest gave all 60,000, the next 20,000
    assert.equal(attached.map((a) => [a.from, a.to, a.dropped]), [[PRINTS, PRINTS, PRINTS], [20_000, PRINTS, 20_000], [0, PRINTS, 0]]);
    await waitFor(() => page.received(ended[1]) === 40_000 && page.received(ended[2]) === PRINTS, 'the replays');
    assert.is(page.text(ended[2]), '0123456789\n'.repeat(PRINTS).slice(0, PRINTS), 'the newest: every byte');
    assert.is(page.received(ended[0]), 0);
    assert.equal([app.hub.stats(running)!.start, app.hub.stats(running)!.scrollbackBytes], [0, PRINTS], 'the running one untouched');
    assert.equal(warnings.filter((w) => w.includes('--ended-scrollback')).length, 1, warnings.join('\n'));
    await page.close();
  } finally {
    await app.close();
  }
});

test.run();
