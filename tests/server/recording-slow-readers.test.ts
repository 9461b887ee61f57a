// Two downloads of a recording whose clients stop reading (or trickle) must not hold every read the
// server serves at once: a file's download goes on after its turn (the check pass), so a third
// person's download is answered whole while the two slow ones are still open, mid-body.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { request, type IncomingMessage } from 'node:http';
import { waitFor } from '../support/wait.ts';
import { call, openExec, sessionState, startTestApp } from './support.ts';

const app = await startTestApp();
test.after(() => app.close());

/** A GET of the recording that takes its answer's head and then reads nothing more. */
function slowReader(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ port: app.port, path, agent: false, headers: { Host: app.host, Authorization: `Bearer ${app.token}`, 'Accept-Encoding': 'identity' } }, (res) => {
      res.pause(); // reads no more: the server's send stops once the socket buffers fill
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads the rest of a paused answer: how many bytes it had in all, until it ended or was cut. */
function readToEnd(res: IncomingMessage): Promise<number> {
  let bytes = 0;
  res.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const closed = new Promise<number>((resolve) => res.on('close', () => resolve(bytes)));
  res.resume(); // paused by hand: a listener alone does not start it again
  return closed;
}

test("two clients that stop reading a recording's download keep nobody else from theirs", async () => {
  // a recorded terminal's one command, printing far more than the socket buffers between two processes hold (about 10 MB here at most)
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'yes 0123456789abcdefghijklmnopqrstu | head -c 24000000'] }, record: true });
  await waitFor(async () => (await sessionState(app, id))?.recording?.stopped, 'the recording to end with its run', 60_000);
  const path = `/api/v1/sessions/${id}/recording`;
  const slow = await Promise.all([slowReader(path), slowReader(path)]);
  for (const res of slow) assert.is(res.statusCode, 200);
  const length = Number(slow[0].headers['content-length']);
  assert.ok(length > 20_000_000, `a cast of ${length} bytes`);
  // a third download, while both are held mid-body
  const whole = await call(app, path, { headers: { 'Accept-Encoding': 'identity' } });
  assert.is(whole.status, 200, whole.body.slice(0, 300));
  assert.is(Buffer.byteLength(whole.body), length);
  // and neither slow one was cut to make room for it (a stalled download is cut after 30 s): read on, each gets the whole cast
  const got = await Promise.all(slow.map((res) => readToEnd(res)));
  assert.equal(got, [length, length]);
  await call(app, `/api/v1/sessions/${id}/close`, { method: 'POST' });
});

test.run();
