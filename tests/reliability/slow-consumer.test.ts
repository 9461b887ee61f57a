// Slow consumers: a viewer that stops reading holds only its own session (the exec pauses), the
// server keeps no more than its watermarks and scrollback for it, other sessions run at full
// speed meanwhile, and when it resumes it gets every byte, or is told exactly how many it missed.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { StreamClient, openExec, sessionRow, sessionState, startTestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

const highWatermark = 64 * 1024;
const scrollbackBytes = 512 * 1024;
const app = await startTestApp({ hub: { highWatermark, lowWatermark: 16 * 1024, scrollbackBytes } });
test.after(() => app.close());

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
// writes N random bytes and then their sha256, both on stdout: stdout and stderr are separate
// streams with no order between them (a paused stdout lets stderr overtake it), one stream has
const randomStream = (bytes: number) => ({ argv: ['sh', '-c', `head -c ${bytes} /dev/urandom | tee data.$$; sha256sum < data.$$; rm data.$$`] });

test('a stalled viewer pauses only its session, stays bounded, and gets every byte when it resumes', async () => {
  // viewers connect first and attach at once, so they see every byte from the start
  const stalled = await StreamClient.open(app, { autoAck: false });
  const fast = await StreamClient.open(app);
  const [slowId] = await openExec(app, { namespace: 'batch', pod: 'worker-0', containers: ['main'], command: randomStream(3_000_000), interactive: false });
  await stalled.attach(slowId);
  await waitFor(() => app.hub.stats(slowId)?.paused === true, 'the stalled viewer to pause its session');

  // Meanwhile another session streams 5 MB to a viewer that keeps up, to the end.
  const [fastId] = await openExec(app, { namespace: 'batch', pod: 'worker-1', containers: ['main'], command: randomStream(5_000_000), interactive: false });
  await fast.attach(fastId);
  await waitFor(async () => (await sessionState(app, fastId))?.state === 'exited', 'the fast session to finish while the other is stalled', 60_000);
  const fastBytes = fast.bytes(fastId);
  assert.is(sha(fastBytes.subarray(0, 5_000_000)), fastBytes.subarray(5_000_000).toString('utf8').split(' ')[0]);

  const held = app.hub.stats(slowId)!;
  assert.ok(held.paused, 'still paused');
  assert.ok(held.viewers[0] <= highWatermark + 2 * 1024 * 1024, `${held.viewers[0]} bytes unacknowledged`);
  assert.ok(held.scrollbackBytes <= scrollbackBytes);
  assert.is((await sessionRow(app, slowId)).state, 'interactive', 'the stalled session is held, not ended');

  // Resume: acknowledge as a catching-up page would; every byte arrives, in order.
  stalled.autoAck = true;
  stalled.send({ type: 'ack', sessionId: slowId, bytes: stalled.received(slowId) });
  await waitFor(async () => (await sessionState(app, slowId))?.state === 'exited', 'the stalled session to finish after resuming', 60_000);
  const all = stalled.bytes(slowId);
  const [digest] = all.subarray(3_000_000).toString('utf8').split(' ');
  assert.is(sha(all.subarray(0, 3_000_000)), digest, 'the bytes are the ones the process wrote');
  await stalled.close();
  await fast.close();
});

test('a viewer that comes back after more than the scrollback is told exactly how many bytes it missed', async () => {
  const [id] = await openExec(app, { namespace: 'batch', pod: 'worker-2', containers: ['main'], command: { argv: ['sh', '-c', 'seq 1 300000'] }, interactive: false });
  await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the command to finish');
  const late = await StreamClient.open(app);
  const attached = await late.attach(id, { from: 0 });
  const total = Array.from({ length: 300000 }, (_, n) => `${n + 1}\n`).join('').length;
  assert.is(attached.from, total - app.hub.stats(id)!.scrollbackBytes);
  assert.is(attached.dropped, attached.from, 'the gap is named: from byte 0 to the first kept byte');
  await waitFor(() => late.received(id) === app.hub.stats(id)!.scrollbackBytes, 'the kept bytes');
  assert.match(late.text(id), /\n300000\n$/);
  await late.close();
});

test.run();
