// `log verify` reads a running server's directory "without harming it", and the server compacts
// it every hour. Verify reads log/compacted.json once, before the segments; a compaction that
// runs between (it writes the new marker, then rewrites the segments) leaves entries gone past
// the marker verify read: a healthy log reported damaged, exit 1.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { verifyCommand } from '../../src/cli/log/log-verify.ts';
import { cliArgv } from '../support/cli.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('log verify while the log is compacted', { deadlineMs: 90_000 });

/** A stopped system's log in small segments: closed terminals, with snapshots covering them. */
async function closedTerminals(dir: string): Promise<void> {
  const adapter = new FakeExecAdapter((s) => void s.open());
  const system = ExecSystem.open({ adapter, store: new FileStore(dir, { segmentBytes: 2048 }), snapshots: false });
  for (let i = 0; i < 12; i++) {
    const made = system.exec(shellIn('web'), ['nginx']);
    await settle();
    adapter.last().exit(0);
    await settle();
    if ('sessionIds' in made) for (const id of made.sessionIds) system.close(id);
  }
  system.writeSnapshot();
  await system.shutdown();
}

/** A reader of the directory that another process compacts just as it starts on the segments. */
class CompactedMeanwhile extends FileStore {
  raced = '';
  override *read(after = 0, onDamage?: (damage: LogDamage) => void): Iterable<LogEntry> {
    if (!this.raced) {
      const [file, ...args] = cliArgv([this.stateDir], { script: new URL('../support/compact-one.ts', import.meta.url).pathname });
      this.raced = execFileSync(file, args, { encoding: 'utf8' });
    }
    yield* super.read(after, onDamage);
  }
}

test('a compaction between reading the marker and reading the segments is no damage', () =>
  withTempDir(async (dir) => {
    await closedTerminals(dir);
    const store = new CompactedMeanwhile(dir);
    const code = await verifyCommand({ store, warnings: [], json: false });
    assert.ok(JSON.parse(store.raced).removed > 0, `the compaction removed entries: ${store.raced}`);
    // the same log read again, once the compaction is over: ok
    assert.is(await verifyCommand({ store: new FileStore(dir), warnings: [], json: false }), 0, 'the compacted log is whole');
    assert.is(code, 0, 'verify during the compaction says the log is whole too');
  }));

test.run();
