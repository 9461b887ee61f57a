// --record-input keeps what was typed before a run's first byte: keys typed while it connected (the
// data plane sends them as its stream opens, before the program printed anything), into a program
// that reads before it writes, and into Auto's bash attempt in a container without bash (those go
// to sh's attempt: terminal-io.ts), which prints nothing and is not recorded itself. They were lost
// to the recording: it began at the first byte of output.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('keys typed before a recording\'s first byte', { deadlineMs: 20_000 });
const encode = (text: string) => new TextEncoder().encode(text);

/** The events of the one recording in `dir`, as [kind, data] (times apart). */
function recorded(dir: string): [string, string][] {
  const [name] = readdirSync(dir);
  const [, ...events] = gunzipSync(readFileSync(join(dir, name))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
  return events.map(([, kind, data]) => [kind, data]);
}

function recordedSystem(dir: string, input: boolean) {
  const made = makeSystem();
  const recorder = new Recorder(made.system, new FileRecordings(dir), { mode: 'all', input, maxBytes: 1 << 20 }, () => {}, () => made.system.clock.now());
  return { ...made, recorder };
}

test('typed before the program printed: in the recording first, with --record-input only', () =>
  withTempDir(async (dir) => {
    for (const input of [true, false]) {
      const folder = join(dir, String(input));
      const { system, adapter, recorder } = recordedSystem(folder, input);
      const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
      const stream = adapter.last().open();
      await settle();
      system.io.input(id, encode('ls\r'));
      stream.stdout('a b\r\n$ ');
      await settle();
      system.io.input(id, encode('exit\r'));
      stream.exit(0);
      await recorder.close();
      assert.equal(recorded(folder), [...(input ? [['i', 'ls\r']] : []), ['o', 'a b\r\n$ '], ...(input ? [['i', 'exit\r']] : [])] as [string, string][]);
      await system.shutdown();
    }
  }));

test("typed into Auto's missing bash, or after it, before sh opened: in sh's recording as sh got them, the attempt itself unrecorded", () =>
  withTempDir(async (dir) => {
    for (const [name, intoBash, between] of [['both', 'echo ', 'hi\r'], ['between only', '', 'ls\r']] as const) {
      const folder = join(dir, name.replace(/ /g, '-'));
      const { system, adapter, recorder } = recordedSystem(folder, true);
      const [id] = (system.exec(shellIn('alpine'), ['nginx']) as { sessionIds: string[] }).sessionIds;
      const bash = adapter.last().open();
      await settle();
      if (intoBash) system.io.input(id, encode(intoBash));
      bash.fail('commandNotFound', 'exec: "bash": executable file not found in $PATH');
      if (between) system.io.input(id, encode(between));
      await settle();
      const sh = adapter.last().open();
      await settle();
      sh.stdout('$ ');
      sh.exit(0);
      await recorder.close();
      assert.equal(readdirSync(folder).length, 1, `${name}: one recording, the run's, not the attempt's`);
      const given = intoBash + between;
      assert.is(sh.input, given, `${name}: what sh was given`);
      const events = recorded(folder);
      assert.is(events.filter(([kind]) => kind === 'i').map(([, data]) => data).join(''), given, `${name}: the recording holds what sh got`);
      assert.equal(events.at(-1), ['o', '$ '], `${name}: typed before the first byte`);
      await system.shutdown();
    }
  }));

test('a restart does not get the keys of a run whose attempt ended unanswered', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = recordedSystem(dir, true);
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const first = adapter.last().open();
    await settle();
    system.io.input(id, encode('typed-in-run-1\r'));
    first.exit(0); // ended before printing anything: not recorded
    await settle();
    assert.equal(system.restart(id), { run: 2 });
    const second = adapter.last().open();
    await settle();
    second.stdout('$ ');
    second.exit(0);
    await recorder.close();
    assert.equal(recorded(dir), [['o', '$ ']]);
    await system.shutdown();
  }));

test.run();
