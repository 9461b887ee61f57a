// A page on replica B watches terminals replica A holds through B's relay. When A stops cleanly
// (its lease given up, its sockets closed), B answers the page about them itself: their rows say
// how they ended, and the page writes its own note. The relay once tried A again and told every
// tab, those of terminals that had ended long before too, that A was not answering and to reload
// the page (which only relayed again). When A is killed, it stays listed until its lease runs
// out: the page is told how soon it is taken for lost, never to reload, and B answers it then
// (keys typed then meet a terminal that does not run, not one the page is not attached to). B
// answers as a server that did not run them: their output went with A, and the page says so.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTcpCutter } from '../support/tcp-cutter.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, openExec, type TestApp } from './support.ts';
import { shellListedByBoth, withTwoReplicas } from './replica-pair.ts';

const test = suite('replicas: the relay when the holder is gone', { deadlineMs: 120_000 });

type Message = StreamClient['messages'][number];

/** A terminal on A that has ended, and a shell on A, both listed by B and shown by `page` on B through the relay. */
async function endedAndLive(a: TestApp, b: TestApp, page: StreamClient): Promise<{ ended: string; live: string }> {
  const [ended] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'echo ended-on-$((2*3)); exit 3'] }, interactive: true });
  await waitFor(() => b.system.sessionList.byId[ended]?.state === 'exited', 'B lists the first terminal as ended');
  const live = await shellListedByBoth(a, b);
  await page.attach(ended, { from: 0, ack: true });
  await page.waitForText(ended, 'ended-on-6');
  await page.attach(live, { from: 0, ack: true });
  page.type(live, 'echo live-$((6*7))\n');
  await page.waitForText(live, 'live-42');
  return { ended, live };
}

/** The row of `sessionId` in a message (a row pushed, or an attach answered), as state/reason. */
function rowOf(message: Message, sessionId: string): string | undefined {
  const row = (message.type === 'session' || message.type === 'attached') && message.session.sessionId === sessionId ? message.session : undefined;
  return row && `${row.state}/${row.disconnectReason ?? ''}`;
}

test('a holder stopped cleanly: the page gets its terminals\' rows from its own replica, and no error, the ended terminal\'s included', () =>
  withTwoReplicas(async (a, b, pages) => {
    const page = await StreamClient.open(b);
    pages.push(page);
    const { ended, live } = await endedAndLive(a, b, page);
    const before = page.messages.length;
    await a.close();

    await waitFor(() => page.messages.slice(before).some((m) => rowOf(m, live) === 'disconnected/serverShutdown'), 'the page gets the row: disconnected by the stop');
    // the relay hands both back: B answers them, as a page that attaches after a reload is answered
    for (const id of [ended, live]) {
      const attached = await page.next('attached', (m) => m.sessionId === id, `${id} answered by B`, before);
      // B never ran them: their output went with A, and the page is told so (its note), not shown an empty run
      assert.is(attached.restored, true, `${id}: restored`);
    }
    page.send({ type: 'ping', id: 1 });
    await page.next('pong', () => true, 'what B sent before the pong', before);
    const errors = page.messages.slice(before).filter((m) => m.type === 'error');
    assert.equal(errors, [], 'no error for the stopped replica\'s terminals');
  }));

test('a holder killed (listed until its lease runs out): the page is told how soon it is taken for lost, never to reload; then its own replica answers', async () => {
  const cutter = await startTcpCutter();
  try {
    await withTwoReplicas(async (a, b, pages, log) => {
      const page = await StreamClient.open(b);
      pages.push(page);
      const { ended, live } = await endedAndLive(a, b, page);
      const before = page.messages.length;
      cutter.hold(); // A reached no more, as after a SIGKILL, its lease still running

      const told = await page.next('error', (m) => m.sessionId === live, 'the page told that A does not answer', before, 30_000);
      assert.not.match(told.message, /reload/i);
      assert.match(told.message, /taken for lost within about 12 s/);
      log.expire(a.system.shared!.replica.id);
      const lostAt = await waitFor(() => {
        const at = page.messages.findIndex((m, i) => i >= before && rowOf(m, live) === 'disconnected/replicaLost');
        return at >= 0 && at;
      }, 'the page gets the row: disconnected, its replica lost', 20_000);
      // Typed at once (the link looks at the list only every 2 s now): B takes the page's terminals
      // of A over before the keys, which meet a terminal that does not run, not one never attached.
      page.type(live, 'echo after\n');
      const answer = await page.next('error', (m) => m.sessionId === live, 'the answer to keys typed after the loss', lostAt);
      assert.is(answer.code, 'notRunning', answer.message);
      await page.next('attached', (m) => m.sessionId === live, 'the live terminal answered by B', page.messages.indexOf(told));

      const said = page.messages.slice(before, lostAt).filter((m) => m.type === 'error');
      assert.ok(said.every((m) => m.type === 'error' && !/reload/i.test(m.message)), `no "reload" before the loss: ${JSON.stringify(said)}`);
      assert.ok(!page.messages.slice(before).some((m) => m.type === 'error' && m.sessionId === ended), 'nothing said of the terminal that had ended');
    }, cutter);
  } finally {
    await cutter.close();
  }
});

test.run();
