// Recording a live session end to end (docs/recordings.md): a shell with colour output, wide
// characters, two resizes and vi on the alternate screen, recorded from the first byte; the cast
// GET .../recording returns, replayed through a headless xterm.js, draws the same final screen as
// the live terminal, cell for cell. And: the log's facts and the row every viewer sees, the
// owner's toggle, the size limit (the recording stops, the terminal goes on), and a cast damaged
// on the disk (what can be read, said so).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import headless from '@xterm/headless';
import type { AuditRecord, SessionRow } from '../../src/protocol/index.ts';
import { screenCells } from '../support/terminal-cells.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp } from './support.ts';

const warnings: string[] = [];
const MAX = 256 * 1024;
// a pod with vi (this machine's vim) beside bash and coreutils
const fixture = { namespaces: [{ name: 'default', pods: [{ name: 'editor', containers: [{ name: 'main', image: 'debian:12', shells: ['bash'], tools: ['coreutils', 'vi'] }] }] }] };
const app = await startTestApp({ sandboxOptions: { fixture }, recording: { maxBytes: MAX }, warn: (line) => warnings.push(line) });
test.after(() => app.close());

const shellBody = { namespace: 'default', pod: 'editor', containers: ['main'], command: { shell: 'bash' } };
const recordings = join(app.dir, 'recordings');

/** One step of a terminal's life: bytes to draw, or a new size. */
type Step = { write: string | Uint8Array } | { resize: { cols: number; rows: number } };

/** The screen the steps draw on a fresh headless terminal, cell by cell (each resize after the bytes before it are parsed). */
async function drawn(size: { cols: number; rows: number }, steps: Step[]) {
  const term = new headless.Terminal({ ...size, scrollback: 1000, allowProposedApi: true });
  for (const step of steps) {
    if ('resize' in step) term.resize(step.resize.cols, step.resize.rows);
    else await new Promise<void>((resolve) => term.write(step.write, resolve));
  }
  const cells = screenCells(term);
  term.dispose();
  return cells;
}

async function auditOf(sessionId: string): Promise<AuditRecord[]> {
  return ((await call(app, '/api/v1/audit')).json.records as AuditRecord[]).filter((r) => r.sessionId === sessionId);
}

async function recordingStopped(sessionId: string): Promise<AuditRecord> {
  return waitFor(async () => (await auditOf(sessionId)).find((r) => r.recording?.stopped), `the recording of ${sessionId} to stop`, 15_000);
}

test('a recorded shell with colours, resizes and vi replays to the live final screen, cell for cell', async () => {
  const [id] = await openExec(app, { ...shellBody, record: true });
  const client = await StreamClient.open(app);
  await client.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.recording?.on, 'the REC badge in the row', 15_000);
  await client.waitForText(id, /[#$] $/);
  const live: Step[] = [];
  let taken = 0;
  const takeBytes = () => {
    const bytes = client.bytes(id);
    live.push({ write: new Uint8Array(bytes.subarray(taken)) });
    taken = bytes.length;
  };
  const resize = async (cols: number, rows: number) => {
    takeBytes(); // the terminal is quiet: everything before the resize is here
    client.send({ type: 'resize', sessionId: id, cols, rows });
    live.push({ resize: { cols, rows } });
    await waitFor(async () => (await sessionState(app, id))?.size?.cols === cols, `the resize to ${cols}x${rows}`, 10_000);
  };

  client.type(id, "printf '\\033[31mred\\033[0m \\033[1;44mbold on blue\\033[0m 日本語 done-%s\\n' $((6*7))\r");
  await client.waitForText(id, /done-42\r\n/);
  await client.waitForText(id, /done-42\r\n.*[#$] $/s);
  await resize(100, 30);
  client.type(id, "vi -u NONE -c 'set number laststatus=2 showmode' /tmp/notes.txt\r");
  await client.waitForText(id, /\x1b\[\?1049h/); // vi on the alternate screen
  client.type(id, 'ihello from vi\x1b:echo "ready-" . (1+1)\r');
  await client.waitForText(id, 'ready-2'); // vi's last word: it waits for keys now
  await resize(70, 22);
  client.type(id, ':echo "after-" . (20+1)\r');
  await client.waitForText(id, 'after-21');
  const closed = await call(app, `/api/v1/sessions/${id}/close`, { method: 'POST' });
  assert.is(closed.status, 200);

  const record = await recordingStopped(id);
  assert.equal({ ...record.recording, bytes: 0 }, { file: record.recording!.file, stopped: 'ended', bytes: 0 });
  assert.ok(record.recording!.bytes! > 1000, `${record.recording!.bytes} bytes`);
  // compressed at rest, named by the server, readable by its owner only
  await waitFor(() => readdirSync(recordings).includes(`${record.recording!.file}.gz`), 'the compressed file', 10_000);
  assert.match(record.recording!.file, new RegExp(`^${id}-run1-\\d+\\.cast$`));
  assert.is(statSync(join(recordings, `${record.recording!.file}.gz`)).mode & 0o777, 0o600);

  const res = await call(app, `/api/v1/sessions/${id}/recording?run=1`);
  assert.is(res.status, 200, res.body);
  assert.is(res.headers['content-type'], 'application/x-asciicast');
  assert.match(String(res.headers['content-disposition']), `attachment; filename="${record.recording!.file}"`);
  const [headerLine, ...eventLines] = res.body.trimEnd().split('\n');
  const header = JSON.parse(headerLine);
  assert.equal({ version: header.version, width: header.width, height: header.height, env: header.env }, { version: 2, width: 80, height: 24, env: { TERM: 'xterm-256color' } });
  const events = eventLines.map((line) => JSON.parse(line) as [number, string, string]);
  assert.equal(events.filter((e) => e[1] === 'r').map((e) => e[2]), ['100x30', '70x22']);
  assert.not.ok(events.some((e) => e[1] === 'i'), 'no keystrokes without --record-input');
  // the bytes themselves: the viewer gets every one the recording has (and the recording every one the viewer got)
  const output = events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');
  await waitFor(() => client.text(id) === output, "the viewer's bytes to equal the recording's", 10_000);
  takeBytes();
  const replayed: Step[] = events.map(([, kind, data]) => (kind === 'r' ? { resize: { cols: Number(data.split('x')[0]), rows: Number(data.split('x')[1]) } } : { write: data }));

  const liveScreen = await drawn({ cols: 80, rows: 24 }, live);
  assert.is(liveScreen.buffer, 'alternate', 'vi is on the screen');
  assert.ok(liveScreen.rows.some((row) => row.includes('h|1|')), 'the screen has text');
  assert.equal(await drawn({ cols: header.width, rows: header.height }, replayed), liveScreen);

  // the gzip form, for a client that takes it, is the file as stored
  const gz = await call(app, `/api/v1/sessions/${id}/recording?run=1`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.is(gz.headers['content-encoding'], 'gzip');
  await client.close();
});

test("the owner's toggle: on and off on a live terminal, seen in its row; refused on a command without a terminal", async () => {
  const [id] = await openExec(app, shellBody);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell', 15_000);
  assert.is((await sessionRow(app, id)).recording, undefined);
  const on = await call(app, `/api/v1/sessions/${id}/recording`, { body: { on: true } });
  assert.is(on.status, 200, on.body);
  assert.equal(on.json, { sessionId: id, recording: true });
  await waitFor(async () => (await sessionState(app, id))?.recording?.on, 'the row to say recording', 10_000);
  const off = await call(app, `/api/v1/sessions/${id}/recording`, { body: { on: false } });
  assert.equal(off.json, { sessionId: id, recording: false });
  const row = await waitFor(async () => {
    const r = await sessionState(app, id);
    return r?.recording?.stopped ? r : undefined;
  }, 'the row to say stopped', 10_000);
  assert.equal({ ...row.recording, bytes: 0 }, { run: 1, on: false, stopped: 'user', bytes: 0 });
  const bad = await call(app, `/api/v1/sessions/${id}/recording`, { body: { on: 'yes' } });
  assert.is(bad.status, 400);
  assert.match(bad.json.error.message, '{"on": true}');
  const [batchLike] = await openExec(app, { ...shellBody, command: { argv: ['sleep', '30'] }, interactive: false });
  const refused = await call(app, `/api/v1/sessions/${batchLike}/recording`, { body: { on: true } });
  assert.is(refused.status, 400);
  assert.match(refused.json.error.message, 'only terminals are recorded');
  const noTerminal = await call(app, '/api/v1/exec', { body: { ...shellBody, command: { argv: ['true'] }, interactive: false, record: true } });
  assert.is(noTerminal.status, 400);
  assert.match(noTerminal.json.error.message, 'record is for a terminal');
  for (const session of [id, batchLike]) await call(app, `/api/v1/sessions/${session}/close`, { method: 'POST' });
});

test('over its size limit the recording stops, the row and the log say so, and the terminal goes on', async () => {
  const [id] = await openExec(app, { ...shellBody, record: true });
  const client = await StreamClient.open(app);
  await client.attach(id);
  await client.waitForText(id, /[#$] $/);
  client.type(id, 'seq 1 100000; echo still-$((1+1))\r');
  await client.waitForText(id, /still-2\r\n/, 30_000);
  const row = await waitFor(async () => {
    const r = await sessionState(app, id);
    return r?.recording?.stopped ? r : undefined;
  }, 'the row to say the recording stopped', 10_000);
  assert.is(row.recording!.stopped, 'limit');
  // within the limit, and stopped at the event that would have passed it (one output chunk: a few KiB)
  assert.ok(row.recording!.bytes! <= MAX && row.recording!.bytes! > MAX - 64 * 1024, `${row.recording!.bytes} bytes`);
  assert.is(row.state === 'interactive' || row.state === 'idle', true, `the terminal goes on: ${row.state}`);
  assert.ok(warnings.some((w) => w.includes(`recording of terminal ${id} (run 1) stopped: it reached its limit of ${MAX} bytes`)), warnings.join('\n'));
  client.type(id, 'echo after-$((2+2))\r');
  await client.waitForText(id, /after-4\r\n/);
  const record = (await auditOf(id))[0];
  const path = join(recordings, `${record.recording!.file}.gz`);
  await waitFor(() => readdirSync(recordings).includes(`${record.recording!.file}.gz`), 'the compressed file', 10_000);
  assert.is(gunzipSync(readFileSync(path)).length, row.recording!.bytes);
  await call(app, `/api/v1/sessions/${id}/close`, { method: 'POST' });
  await client.close();
});

test('a cast damaged on the disk: what can be read, said so in a header; nothing readable: a 422 with a sentence', async () => {
  const [id] = await openExec(app, { ...shellBody, record: true });
  await waitFor(async () => (await sessionState(app, id))?.recording?.on, 'recording', 15_000);
  await call(app, `/api/v1/sessions/${id}/close`, { method: 'POST' });
  const record = await recordingStopped(id);
  const path = join(recordings, `${record.recording!.file}.gz`);
  await waitFor(() => readdirSync(recordings).includes(`${record.recording!.file}.gz`), 'the compressed file', 10_000);
  const header = JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1, command: 'sh', env: { TERM: 'xterm' } });
  writeFileSync(path, gzipSync(`${header}\n[0.1,"o","fine"]\n[0.2,"o","to`));
  const partial = await call(app, `/api/v1/sessions/${id}/recording`);
  assert.is(partial.status, 200);
  assert.is(partial.body, `${header}\n[0.1,"o","fine"]\n`);
  assert.match(String(partial.headers['x-recording-damaged']), 'cut off');
  writeFileSync(path, 'garbage');
  const none = await call(app, `/api/v1/sessions/${id}/recording?run=1`);
  assert.is(none.status, 422);
  assert.match(none.json.error.message, 'The recording cannot be read: its compressed data is damaged');
  rmSync(path);
  const gone = await call(app, `/api/v1/sessions/${id}/recording?run=1`);
  assert.is(gone.status, 410);
  assert.match(gone.json.error.message, 'is gone from the server (retention removed it');
  const unrecorded = await call(app, `/api/v1/sessions/${id}/recording?run=2`);
  assert.is(unrecorded.status, 404);
  assert.match(unrecorded.json.error.message, `Run 2 of terminal ${id} was not recorded`);
  assert.is((await call(app, `/api/v1/sessions/${id}/recording?run=x`)).status, 400);
  assert.is((await call(app, '/api/v1/sessions/nope/recording')).status, 404);
});

test('the recording facts replay: a log rebuilt from scratch shows the same rows and audit records', async () => {
  // a second reader of the same log: it writes nothing (replayOnly) and must derive every entry again
  const store = new FileStore(app.dir, { warn: () => {} });
  const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, warn: () => {} });
  try {
    assert.is(replayed.replayReport.divergence, undefined);
    const recorded = (rows: SessionRow[]) => rows.map((r) => [r.sessionId, r.recording]);
    assert.equal(recorded(Object.values(replayed.sessionList.byId)), recorded(Object.values(app.system.sessionList.byId)));
    assert.equal(replayed.auditTrail.records.map((r) => r.recording), app.system.auditTrail.records.map((r) => r.recording));
    assert.ok(app.system.auditTrail.records.filter((r) => r.recording).length >= 3);
  } finally {
    store.close();
  }
});

test.run();
