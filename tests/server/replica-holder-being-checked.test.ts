// A page on replica B shows a shell replica A holds, through B's relay. A's lease runs out as B's
// store sees it (A, cut off for a moment, does not know yet), and no replica has claimed A yet (a
// look of the watch and the claimer's write; a holder that renews in time goes on). Meanwhile the
// log still says the shell runs: keys typed on the page, and a restart, are told that A does not
// answer and that this is being checked, never that the terminal does not run (nor to restart it,
// which is refused then). Once A is claimed, the row says how it ended and keys meet a terminal
// that does not run.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, type TestApp } from './support.ts';
import { replica, shellListedByBoth } from './replica-pair.ts';

const test = suite('replicas: a holder not answering, before it is known to be lost', { deadlineMs: 120_000 });

type Message = StreamClient['messages'][number];
const errorFor = (sessionId: string, after: number) => (m: Message, i: number) => i >= after && m.type === 'error' && m.sessionId === sessionId;

test('keys and a restart in that window are told it is being checked; once A is claimed, keys meet a terminal that does not run', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  // As B's store says: A's lease ran out, and nobody claims it until the test lets B: the window
  // stays open as long as the test needs.
  let unlisted: string | undefined;
  let claiming = false;
  const apps: TestApp[] = [];
  let page: StreamClient | undefined;
  try {
    const a = await replica(log, sandbox.kubeconfigPath);
    apps.push(a);
    const b = await replica(log, sandbox.kubeconfigPath, {
      store: (at) => {
        const store = log.open(at);
        const [live, claim] = [store.liveReplicas.bind(store), store.claimLostReplicas.bind(store)];
        store.liveReplicas = async () => (await live()).filter((r) => r.id !== unlisted);
        store.claimLostReplicas = () => (claiming ? claim() : Promise.resolve([]));
        return store;
      },
    });
    apps.push(b);
    const live = await shellListedByBoth(a, b);
    page = await StreamClient.open(b);
    await page.attach(live, { from: 0, ack: true });
    page.type(live, 'echo live-$((6*7))\n');
    await page.waitForText(live, 'live-42');
    const before = page.messages.length;

    unlisted = a.system.shared!.replica.id;
    const typing = page;
    // B's watch looks every 2 s: until then the keys go to A
    await waitFor(() => (typing.type(live, 'x'), typing.messages.some(errorFor(live, before))), "B's answer to keys once A is not listed", 20_000);
    const told = page.messages.find(errorFor(live, before));
    assert.ok(told?.type === 'error');
    assert.is(told.code, 'notRunning');
    assert.match(told.message, `runs on another octant-exec replica, ${a.system.shared!.replica.id}, which does not answer now: whether it has stopped is being checked`);
    assert.not.match(told.message, /restart it to type again/);
    assert.is(b.system.sessionList.byId[live]?.state, 'interactive', 'the log says it runs still: nobody claimed A');
    const restart = await call(b, `/api/v1/sessions/${live}/restart`, { method: 'POST' });
    assert.is(restart.status, 409);
    assert.match(restart.json.error.message, /which does not answer now: whether it has stopped is being checked/);

    log.expire(a.system.shared!.replica.id);
    claiming = true;
    await waitFor(() => b.system.sessionList.byId[live]?.disconnectReason === 'replicaLost', 'B to claim A and end its terminal', 10_000);
    const after = page.messages.length;
    page.type(live, 'y');
    const answer = await page.next('error', (m) => m.sessionId === live, 'the answer to keys typed after the loss', after);
    assert.is(answer.code, 'notRunning');
    assert.match(answer.message, /is not running: restart it to type again/);
  } finally {
    await page?.close();
    for (const app of apps.reverse()) await app.close();
    await sandbox.close();
  }
});

test.run();
