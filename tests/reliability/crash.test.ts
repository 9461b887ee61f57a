// Crash consistency: the server is killed (SIGKILL) in the middle of a burst of exec actions and
// its log is torn at the end; a restart on the same state directory replays what was written,
// reports the torn tail, shows every session the log knows (live ones as disconnected), and works.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import type { LogDamage } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { sessionListProjection } from '../../src/events/projections/session-list.ts';
import { startCli } from '../support/cli.ts';
import { removeKilledStateDir } from '../support/killed-state-dir.ts';
import { withTimeout } from '../support/wait.ts';
import { waitFor } from '../support/wait.ts';
import { call, openExec, sessionState, startTestApp, type TestApp } from '../server/support.ts';
import { isRunning } from '../../src/protocol/terminal-states.ts';

test('SIGKILL during a burst of exec actions, a torn last line: the restart replays, reports and works', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-crash-'));
  const cli = startCli(['--sandbox', '--json', '--port', '0', '--state-dir', stateDir]);
  await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the ready line', 60_000);
  const ready = JSON.parse(cli.stdout[0]);
  const first = { port: ready.port, token: ready.token, host: `127.0.0.1:${ready.port}`, origin: `http://127.0.0.1:${ready.port}` } as unknown as TestApp;

  // A burst: one-shots and shells, fired together; the server dies while they are under way.
  let answered = 0;
  const burst = Array.from({ length: 24 }, (_, i) =>
    openExec(first, { namespace: 'batch', pod: `worker-${i % 3}`, containers: ['main'], command: i % 2 ? { shell: 'sh' } : { argv: ['sh', '-c', `echo burst-${i}; exit ${i % 4}`] }, interactive: i % 2 === 1 })
      .then(() => answered++)
      .catch(() => {}),
  );
  await waitFor(() => answered >= 6, 'some of the burst to be answered', 30_000);
  cli.child.kill('SIGKILL');
  await withTimeout(cli.exit, 10_000, 'the server to die');
  await Promise.all(burst);
  const segment = listSegments(stateDir).at(-1)!.name;
  appendFileSync(join(stateDir, segment), '{"seq":999999,"time":17,"type":"session.conn'); // a write the crash tore in half
  const damage: LogDamage[] = [];
  const written = [...new FileStore(stateDir).read(0, (d) => damage.push(d))];
  assert.is(damage.length, 1, 'only the torn line is damaged');
  const before = project(sessionListProjection, written);
  assert.ok(before.order.length >= 6, `${before.order.length} sessions were logged`);

  const warnings: string[] = [];
  const again = await startTestApp({ stateDir, warn: (message) => warnings.push(message) });
  try {
    assert.ok(warnings.some((w) => w.startsWith(`event log: ${segment} line`) && w.includes('skipped: not JSON')), warnings.join('\n'));
    const rows = (await call(again, '/api/v1/sessions')).json.sessions as { sessionId: string; state: string; exitCode?: number; disconnectReason?: string }[];
    assert.equal(rows.map((r) => r.sessionId), before.order, 'every session the log knew, in order');
    for (const row of rows) {
      const was = before.byId[row.sessionId];
      if (isRunning(was.state)) {
        assert.is(row.state, 'disconnected', `${row.sessionId} was ${was.state}`);
        assert.is(row.disconnectReason, 'restarted');
      } else {
        assert.is(row.state, was.state, `${row.sessionId} keeps how it ended`);
        assert.is(row.exitCode, was.exitCode);
      }
    }
    // and the restarted server works: a new session runs, with an id that does not collide
    const [id] = await openExec(again, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['true'] }, interactive: false });
    assert.not.ok(before.order.includes(id));
    await waitFor(async () => (await sessionState(again, id))?.state === 'exited', 'the new session to run');
  } finally {
    await again.close();
    await removeKilledStateDir(stateDir); // the killed run's pods, if they outlived the restart's wait for them
  }
});

test.run();
