// An attach for a terminal held by a replica this one has not seen yet waits for a look at the
// replicas first. A page that closes meanwhile must not get a relay link once the look is done:
// nobody would ever close it, and the holder would keep a viewer that never acknowledges (one
// that holds the owner's terminal back for everyone once its window is full).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient } from './support.ts';
import { replica, shellListedByBoth } from './replica-pair.ts';

const test = suite('replicas: a page gone while its holder is looked for', { deadlineMs: 90_000 });

test('a page that closed while its attach waited for a look at the replicas leaves no relay link behind', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  // B's looks at the live replicas wait while `gate` does
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const b = await replica(log, sandbox.kubeconfigPath, {
    store: (at) => {
      const store = log.open(at);
      const live = store.liveReplicas.bind(store);
      store.liveReplicas = async () => {
        await gate;
        return live();
      };
      return store;
    },
  });
  gate = new Promise((resolve) => (open = resolve));
  const a = await replica(log, sandbox.kubeconfigPath);
  const pages: StreamClient[] = [];
  try {
    const id = await shellListedByBoth(a, b);

    // The attach reaches B, which has not seen A yet and looks first; the page goes meanwhile.
    const gone = await StreamClient.open(b);
    gone.send({ type: 'attach', sessionId: id, from: 0, ack: true });
    gone.send({ type: 'ping', id: 1 });
    await gone.next('pong', () => true, 'the attach handled (the pong behind it)');
    await gone.close();
    await waitFor(() => b.hub.clientCount === 0, 'B has let the page go');
    open();

    // Another page attaches through B once it has seen A: A has its viewer, and no other.
    const page = await StreamClient.open(b);
    pages.push(page);
    await page.attach(id, { from: 0, ack: true });
    page.type(id, 'echo here-$((4*4))\n');
    await page.waitForText(id, 'here-16');
    assert.is(a.hub.stats(id)?.viewers.length, 1, 'one relayed viewer on the holder: the open page');
  } finally {
    open();
    for (const page of pages) await page.close();
    await a.close();
    await b.close();
    await sandbox.close();
  }
});

test.run();
