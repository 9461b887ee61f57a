// Over the sandbox and real sockets: a terminal that prints every 100 ms with nobody watching, and
// one whose only viewer was a browser that vanished (no close frame: dropped by the heartbeat),
// time out at their idle timeout, alert and audit record with it (SECURITY.md items 12 and 15);
// the same program watched by a page runs on, kept alive by its output.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const IDLE_TIMEOUT_SECONDS = 3;
/** a line every 100 ms (at least: each turn sleeps that long), numbered */
const TICKING = { argv: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done'] };

/** A client frame (masked, as a browser's): one text message. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length >= 126) throw new Error('a short message only');
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** A page's socket that attaches `sessionId`, then reads nothing and answers no ping again: a browser that vanished. */
function vanishingPage(app: TestApp, sessionId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(app.port, '127.0.0.1', () =>
      socket.write(
        `GET /api/v1/stream HTTP/1.1\r\nHost: ${app.host}\r\nOrigin: ${app.origin}\r\nAuthorization: Bearer ${app.token}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    );
    socket.once('data', (chunk) => {
      if (!chunk.toString().startsWith('HTTP/1.1 101')) return reject(new Error(chunk.toString()));
      socket.write(textFrame(JSON.stringify({ type: 'attach', sessionId, from: 0, ack: false })));
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => {});
  });
}

async function timedOutWithAlertAndAudit(app: TestApp, id: string, why: string): Promise<void> {
  await waitFor(async () => (await sessionState(app, id))?.state === 'timedOut', `${why}: its idle timeout`, 20_000);
  const alerts = await call(app, '/api/v1/alerts');
  assert.ok(alerts.json.alerts.some((a: { sessionId: string; kind: string }) => a.sessionId === id && a.kind === 'timedOut'), `${why}: an alert`);
  const audit = await call(app, '/api/v1/audit');
  assert.equal(audit.json.records.find((r: { sessionId?: string }) => r.sessionId === id).outcome, { kind: 'timedOut' }, `${why}: its audit record ends`);
  assert.not.ok(app.system.io.isRunning(id), `${why}: its exec ended`);
}

test('printing with nobody watching, or watched only by a browser that vanished, times out with an alert and an audit end; watched by a page it runs on', async () => {
  const app = await startTestApp({ hub: { pingIntervalMs: 1_000 } });
  let vanished: Socket | undefined;
  const page = await StreamClient.open(app);
  try {
    const exec = () => openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: TICKING, idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS });
    const [unwatched] = await exec();
    const [watched] = await exec();
    const [gone] = await exec();
    await page.attach(watched, { from: 0, ack: true });
    vanished = await vanishingPage(app, gone);
    await page.waitForText(watched, /tick-1\r?\n/);
    await waitFor(() => (app.hub.stats(gone)?.viewers.length ?? 0) === 1, 'the vanishing page attached');
    await waitFor(() => app.hub.stats(gone)?.viewers.length === 0, 'the heartbeat to drop the vanished page', 10_000);

    await timedOutWithAlertAndAudit(app, unwatched, 'nobody watched');
    await timedOutWithAlertAndAudit(app, gone, 'its browser vanished');
    // a hundred lines a tenth of a second apart at least: far past the idle timeout, every line watched
    await page.waitForText(watched, /tick-100\r?\n/, 60_000);
    assert.is((await sessionRow(app, watched)).state, 'interactive', 'watched: its output is activity');
    assert.ok(app.system.io.isRunning(watched));
  } finally {
    vanished?.destroy();
    await page.close();
    await app.close();
  }
});

test.run();
