// Two replicas of the server on one shared log (in memory: the runtime's side of it; the real
// database is tests/integration/replicas-postgres.test.ts's), both in front of one sandbox. A
// terminal opened through one is listed by both; a page on the other types into it and reads its
// bytes (and its screen, and catch-ups when it lags) through the relay; commands on it go to the replica that holds it; when that replica is
// lost, the other marks it disconnected and restarts it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { startTcpCutter } from '../support/tcp-cutter.ts';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec } from './support.ts';
import { replica, withTwoReplicas } from './replica-pair.ts';
import { assertLiesHoldNothing } from './lying-acks.ts';

const test = suite('replicas: one service from two servers', { deadlineMs: 120_000 });

test('a terminal opened through one replica is listed, watched, typed into and closed through the other', () =>
  withTwoReplicas(async (a, b, pages) => {
    const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    assert.match(id, new RegExp(`^${a.system.shared!.replica.id}-t1$`));
    await waitFor(async () => (await call(b, '/api/v1/sessions')).json.sessions.find((row: { sessionId: string }) => row.sessionId === id), 'B lists the terminal');

    const page = await StreamClient.open(b);
    pages.push(page);
    const attached = await page.attach(id, { from: 0, ack: true });
    assert.is(attached.sessionId, id);
    page.type(id, 'echo relayed-$((6*7))\n');
    await page.waitForText(id, 'relayed-42');
    assert.ok(a.hub.stats(id)?.viewers.length === 1, 'the holder sees the relayed viewer');

    // B passes on a page's screen and its catching up: under `yes`, a page behind B that stops
    // acknowledging never pauses A's terminal, and once it has drawn it gets the screen as it is.
    const lagging = await StreamClient.open(b, { autoAck: false });
    pages.push(lagging);
    const first = await lagging.attach(id, { from: 0, ack: true, screen: true, catchUp: 'screen' });
    await waitFor(() => first.screen !== undefined && lagging.screen(id).length === first.screen, 'the screen, through the relay');
    assert.match(lagging.screen(id).toString(), /relayed-42/);
    page.send({ type: 'detach', sessionId: id });
    await waitFor(() => a.hub.stats(id)?.viewers.length === 1, 'only the lagging page left on A');
    lagging.type(id, 'yes\n');
    const { highWatermark } = a.hub.options;
    await waitFor(() => a.hub.stats(id)!.end > 20 * highWatermark, 'the flood to go on without the page', 20_000);
    assert.is(a.hub.stats(id)!.paused, false);
    assert.ok(lagging.received(id) < 4 * highWatermark, `the page behind got ${lagging.received(id)} bytes, not the flood`);
    const seen = lagging.messages.length;
    lagging.autoAck = true;
    lagging.send({ type: 'ack', sessionId: id, bytes: first.screen! + lagging.received(id) });
    const caughtUp = await lagging.next('attached', (m) => m.sessionId === id, 'the catch-up screen', seen);
    assert.ok((caughtUp.skipped ?? 0) > highWatermark && (caughtUp.screen ?? 0) > 0, JSON.stringify(caughtUp));
    lagging.type(id, '\x03');

    // Closing through B is carried out by A, which holds it.
    const closed = await call(b, `/api/v1/sessions/${id}/close`, { method: 'POST', body: {} });
    assert.is(closed.status, 200, closed.body);
    assert.is(closed.json.closed, true);
    await waitFor(async () => !(await call(a, '/api/v1/sessions')).json.sessions.some((row: { sessionId: string }) => row.sessionId === id), 'gone from A');
  }));

test("a share's page on the replica that does not hold the terminal hears its role change, then may not type, and gets its terminal's row as it changes", () =>
  withTwoReplicas(async (a, b, pages) => {
    const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    await waitFor(async () => (await call(a, '/api/v1/sessions')).json.sessions.find((row: { sessionId: string; state: string }) => row.sessionId === id && row.state === 'interactive'), 'the shell on A');
    const made = await call(a, `/api/v1/sessions/${id}/shares`, { body: { role: 'participant' } });
    const link = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
    await waitFor(() => b.system.shares.byId[link.get('id')!], 'B has the share');
    const claimed = await call(b, '/api/v1/share-session', { token: null, body: { id: link.get('id'), secret: link.get('s') } });
    assert.is(claimed.status, 200, claimed.body);
    const page = await StreamClient.open(b, { as: { headers: { Cookie: String(claimed.headers['set-cookie']).split(';')[0] } } });
    pages.push(page);
    await page.attach(id);
    page.type(id, 'echo via-b-$((2*3))\n');
    await page.waitForText(id, 'via-b-6');
    const seen = page.messages.length;
    const demoted = await call(a, `/api/v1/sessions/${id}/shares/${link.get('id')}/watchers`, { body: { who: 'link holder', role: 'viewer' } });
    assert.is(demoted.status, 200, demoted.body);
    assert.is((await page.next('shareRole', (m) => m.sessionId === id, 'the new role, through the relay', seen)).role, 'viewer');
    page.type(id, 'x');
    assert.is((await page.next('error', (m) => m.sessionId === id, 'input refused', seen)).code, 'readOnly');

    // The terminal's row as it changes reaches the share's page through the relay, as on the holder.
    const owner = await StreamClient.open(a);
    pages.push(owner);
    await owner.attach(id);
    owner.type(id, 'exit 3\n');
    const ended = await page.next('session', (m) => m.session.sessionId === id && m.session.state === 'exited', "the run's end, through the relay", seen);
    assert.is(ended.session.exitCode, 3);
  }));

test('a command that prints before its own entries come back from the log keeps its output', async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  log.deliveryDelayMs = 1000; // longer than `echo` takes to print through the sandbox
  const a = await replica(log, sandbox.kubeconfigPath);
  const pages: StreamClient[] = [];
  try {
    const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['echo', 'printed-at-once'] }, interactive: false });
    const page = await StreamClient.open(a);
    pages.push(page);
    await page.attach(id, { from: 0, ack: true });
    await page.waitForText(id, 'printed-at-once', 5_000);
  } finally {
    for (const page of pages) await page.close();
    await a.close();
    await sandbox.close();
  }
});

test("a lost replica's terminal is marked disconnected by the other, which restarts it; the lost one stops by itself", async () => {
  const sandbox = await startTestSandbox();
  const log = new MemoryLog();
  const a = await replica(log, sandbox.kubeconfigPath);
  const b = await replica(log, sandbox.kubeconfigPath);
  try {
    const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
    await waitFor(() => b.system.sessionList.byId[id]?.state === 'interactive', 'running, as B sees');
    log.expire(a.system.shared!.replica.id);
    await waitFor(() => b.system.sessionList.byId[id]?.state === 'disconnected', 'B marks it disconnected', 15_000);
    assert.is(b.system.sessionList.byId[id].disconnectReason, 'replicaLost');

    const restarted = await call(b, `/api/v1/sessions/${id}/restart`, { method: 'POST', body: {} });
    assert.is(restarted.status, 200, restarted.body);
    assert.is(restarted.json.run, 2);
    assert.ok(b.system.holds(id), 'B took it over');
    await waitFor(() => b.system.sessionList.byId[id]?.state === 'interactive', 'its new run is live');
    assert.is(b.system.sessionList.byId[id].replica, b.system.shared!.replica.id);

    // A writes something (its own terminal's end, say) and finds its lease gone.
    a.system.resize(id, 100, 30);
    a.system.close(id);
    assert.match(await Promise.race([a.fatal, new Promise<string>((resolve) => setTimeout(() => resolve('not yet'), 5_000))]), /lost its lease/);
  } finally {
    await b.close();
    await a.close();
    await sandbox.close();
  }
});

test('a relay cut mid-stream reconnects and goes on where the page stopped, every byte once; the holder waits for the page behind the relay', async () => {
  const cutter = await startTcpCutter();
  try {
    await withTwoReplicas(async (a, b, pages) => {
      const lines = 3000;
      const expected = Array.from({ length: lines }, (_, i) => `line-${i}\n`).join('');
      const script = `i=0; while [ $i -lt ${lines} ]; do echo line-$i; i=$((i+1)); [ $((i % 150)) -eq 0 ] && sleep 0.1; done`;
      const [id] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['sidecar'], command: { argv: ['sh', '-c', script] }, interactive: false });
      const page = await StreamClient.open(b);
      pages.push(page);
      await page.attach(id, { from: 0, ack: true });
      await waitFor(() => page.received(id) > 2_000, 'some lines through the relay');
      assert.ok(cutter.cut() > 0, 'the relay link was cut');
      await waitFor(() => page.received(id) >= expected.length, 'every line, after the link came back', 30_000);
      assert.is(createHash('sha256').update(page.bytes(id)).digest('hex'), createHash('sha256').update(expected).digest('hex'), 'every byte once, in order');

      // Flow control reaches through: a page that stops acknowledging holds the holder's stream.
      const [flood] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['sidecar'], command: { argv: ['yes', '0123456789abcdef'] }, interactive: false });
      const slow = await StreamClient.open(b, { autoAck: false });
      pages.push(slow);
      await slow.attach(flood, { from: 0, ack: true });
      await waitFor(() => a.hub.stats(flood)?.paused, 'the holder pauses the exec for the page behind the relay', 20_000);
      const held = slow.received(flood);
      assert.ok(held < 4_000_000, `the page got ${held} bytes and the endless rest waits`);
      slow.send({ type: 'ack', sessionId: flood, bytes: held });
      await waitFor(() => slow.received(flood) > held, 'an ack through the relay lets more come');

      // A client that never acknowledges (ack: false) is acknowledged for by the relay as its socket
      // writes: it gets far more than the scrollback and a watermark, which stop a stream nobody acks.
      // It attaches while the slow page still holds the stream, so the flood cannot end unwatched.
      const silent = await StreamClient.open(b, { autoAck: false });
      pages.push(silent);
      await silent.attach(flood, { from: 0, ack: false });
      await slow.close();
      const beyond = 2 * 1024 * 1024; // the scrollback (1 MiB) and a watermark are all a stream nobody acks gets
      await waitFor(() => silent.received(flood) > beyond, 'megabytes more, with no ack from the client', 60_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${silent.received(flood)} bytes; the holder: ${JSON.stringify(a.hub.stats(flood))}`);
      });
    }, cutter);
  } finally {
    await cutter.close();
  }
});

test('a page behind the relay that acks bytes it never read does not lift the holder\'s flow control', () =>
  withTwoReplicas(async (a, b, pages) => {
    const [flood] = await openExec(a, { namespace: 'default', pod: 'web', containers: ['sidecar'], command: { argv: ['yes', '0123456789abcdef'] }, interactive: false });
    const cheat = await StreamClient.open(b, { autoAck: false });
    pages.push(cheat);
    await cheat.attach(flood, { from: 0, ack: true });
    await waitFor(() => cheat.received(flood) > 0, 'the first of `yes` through the relay', 10_000);
    await assertLiesHoldNothing(cheat, flood, () => a.hub.stats(flood));
  }));

test.run();
