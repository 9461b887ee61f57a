// An Auto shell's attempt (bash, with sh after it) whose program may turn out missing. Docker says
// so in the output, then 126: the attempt was recorded from that first byte, and a run got two
// recordings, the carried keys (--record-input) in both. Its recording is said started at its
// first byte (the badge), but what it holds waits until its program is known to have run:
// missing, nothing of it is kept, and sh's attempt is the run's one recording, under that name,
// holding what sh was given. An attempt that ran keeps what it did, each at its time. A run's
// second recording opened in the same millisecond (an attempt said missing after it ran) takes a
// name of its own: it took the first one's, failed, and could remove it. A run where no shell
// ran (sh said missing too, having printed nothing) records nothing: sh's attempt got the name
// said started and the keys, and wrote them in a cast of "sh". Turned off and on again while
// bash may be missing, the recording goes on under its name: a second one was said started, and
// the first, said stopped, named a file that never was.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite("recordings of an Auto shell's attempts", { deadlineMs: 20_000 });
const encode = (text: string) => new TextEncoder().encode(text);
const dockerSaysMissing = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown\r\n';

/** Each recording in `dir`: its header and its events as [seconds, kind, data]. */
function casts(dir: string): { name: string; header: { command: string }; events: [number, string, string][] }[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const [header, ...events] = gunzipSync(readFileSync(join(dir, name))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
      return { name, header, events };
    });
}

function recordedAuto(dir: string, input: boolean, mode: 'all' | 'opt-in' = 'all') {
  const made = makeSystem();
  const recorder = new Recorder(made.system, new FileRecordings(dir), { mode, input, maxBytes: 1 << 20 }, () => {}, () => made.system.clock.now());
  const [id] = (made.system.exec(shellIn('alpine'), ['nginx']) as { sessionIds: string[] }).sessionIds;
  const facts = () => made.system.entries().flatMap((e) => (e.type === 'recording.started' || e.type === 'recording.stopped' ? [`${e.type} ${e.file}${e.type === 'recording.stopped' ? ` ${e.reason}` : ''}`] : []));
  return { ...made, recorder, id, facts };
}

/** The run failed with no shell run, and nothing of it is recorded: the recording said started stopped empty, no file. */
async function failedUnrecorded(auto: Pick<ReturnType<typeof recordedAuto>, 'system' | 'recorder' | 'id' | 'facts'>, dir: string, why?: string): Promise<void> {
  const { system, recorder, id, facts } = auto;
  assert.is(system.sessionList.byId[id].state, 'failed');
  assert.equal(system.sessionList.byId[id].recording, { run: 1, on: false, stopped: 'ended', bytes: 0, input: true });
  assert.equal(facts().map((f) => f.split(' ')[0]), ['recording.started', 'recording.stopped']);
  assert.not.ok(recorder.recording(id));
  await recorder.close();
  assert.equal(readdirSync(dir), [], why);
  await system.shutdown();
}

test('Docker says bash is missing in the output: one recording, sh\'s, with the keys sh got once (--record-input), said started from that first byte', () =>
  withTempDir(async (dir) => {
    for (const input of [true, false]) {
      const folder = join(dir, String(input));
      const { system, adapter, recorder, id, facts } = recordedAuto(folder, input);
      const bash = adapter.last().open();
      await settle();
      system.io.input(id, encode('su -\r'));
      system.io.input(id, encode('hunter2\r'));
      bash.stdout(dockerSaysMissing);
      await settle();
      assert.ok(recorder.recording(id), 'said at its first byte: every viewer sees the badge');
      const [said] = facts();
      bash.fail('commandNotFound');
      await settle();
      const sh = adapter.last().open();
      await settle();
      assert.is(sh.input, 'su -\rhunter2\r');
      sh.stdout('# ');
      sh.exit(0);
      await recorder.close();
      const [only, ...more] = casts(folder);
      assert.equal(more, [], `${input}: one recording for the run`);
      assert.is(only.header.command, 'sh', 'the program that ran');
      // carried joined, as one piece (unanswered-input.ts), given to sh at once: one event
      assert.equal(only.events.map(([, kind, data]) => [kind, data]), [...(input ? [['i', 'su -\rhunter2\r']] : []), ['o', '# ']], `${input}: what sh was given and printed, nothing of the attempt`);
      const file = only.name.replace(/\.gz$/, '');
      assert.equal(facts(), [`recording.started ${file}`, `recording.stopped ${file} ended`], `${input}: said started once, under the name it was said with`);
      assert.is(said, `recording.started ${file}`);
      await system.shutdown();
    }
  }));

test('an attempt that began like those words but ran (it exited) keeps what it did, each at its time', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, id } = recordedAuto(dir, true);
    const bash = adapter.last().open();
    await settle();
    bash.stdout('exec: "deploy-tool": executable file not found in $PATH\r\n');
    await settle();
    system.clock.advanceBy(2000);
    system.io.input(id, encode('exit\r'));
    system.resize(id, 100, 30);
    bash.stdout('bye\r\n');
    await settle();
    bash.exit(127);
    await recorder.close();
    const [only, ...more] = casts(dir);
    assert.equal(more, []);
    assert.is(only.header.command, 'bash');
    assert.equal(only.events, [
      [0, 'o', 'exec: "deploy-tool": executable file not found in $PATH\r\n'],
      [2, 'i', 'exit\r'],
      [2, 'r', '100x30'],
      [2, 'o', 'bye\r\n'],
    ]);
    await system.shutdown();
  }));

test('the run ends with no attempt after the missing one: its recording, said started, stops having written nothing', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, id, facts } = recordedAuto(dir, true);
    const bash = adapter.last().open();
    await settle();
    bash.stdout(dockerSaysMissing);
    await settle();
    bash.fail('commandNotFound');
    await settle();
    adapter.last().fail('connection', 'the cluster went away'); // sh's attempt never opens
    await settle();
    await failedUnrecorded({ system, recorder, id, facts }, dir);
  }));

test('turned off while its program may be missing: said stopped, nothing of it written, nor of the next shell (the wish is off)', () =>
  withTempDir(async (dir) => {
    const made = makeSystem();
    const recorder = new Recorder(made.system, new FileRecordings(dir), { mode: 'opt-in', input: true, maxBytes: 1 << 20 }, () => {}, () => made.system.clock.now());
    const [id] = (made.system.exec(shellIn('alpine'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    assert.is(recorder.set(id, true), undefined);
    const bash = made.adapter.last().open();
    bash.stdout(dockerSaysMissing);
    await settle();
    assert.ok(recorder.recording(id));
    assert.is(recorder.set(id, false), undefined);
    assert.equal(made.system.sessionList.byId[id].recording, { run: 1, on: false, stopped: 'user', bytes: 0, input: true });
    bash.fail('commandNotFound');
    await settle();
    made.adapter.last().open().stdout('$ ');
    await settle();
    assert.not.ok(recorder.recording(id));
    await recorder.close();
    assert.equal(readdirSync(dir), []);
    await made.system.shutdown();
  }));

test('no shell is found (each said missing in the status, none printed a byte): nothing recorded, the recording said started stops empty', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, id, facts } = recordedAuto(dir, true, 'opt-in');
    const bash = adapter.last().open();
    await settle();
    assert.is(recorder.set(id, true), undefined);
    assert.ok(recorder.recording(id), 'said started while bash may be missing');
    system.io.input(id, encode('ls\r'));
    bash.fail('commandNotFound', 'exec: "bash": executable file not found in $PATH');
    await settle();
    const sh = adapter.last().open();
    await settle();
    assert.is(sh.input, 'ls\r');
    sh.fail('commandNotFound', 'exec: "sh": executable file not found in $PATH');
    await settle();
    await failedUnrecorded({ system, recorder, id, facts }, dir, 'no cast of sh with the keys it never read');
  }));

test('turned off and on again while bash may be missing, or once sh runs: one recording, under the name it was said started with', () =>
  withTempDir(async (dir) => {
    for (const again of ['while bash may be missing', 'in sh']) {
      const folder = join(dir, again.replace(/ /g, '-'));
      const { system, adapter, recorder, id, facts } = recordedAuto(folder, false, 'opt-in');
      const bash = adapter.last().open();
      await settle();
      assert.is(recorder.set(id, true), undefined);
      bash.stdout(dockerSaysMissing);
      await settle();
      assert.is(recorder.set(id, false), undefined);
      if (again === 'while bash may be missing') assert.is(recorder.set(id, true), undefined);
      bash.fail('commandNotFound');
      await settle();
      const sh = adapter.last().open();
      await settle();
      if (again === 'in sh') assert.is(recorder.set(id, true), undefined);
      sh.stdout('$ ');
      await settle();
      sh.exit(0);
      await settle();
      await recorder.close();
      const [only, ...more] = casts(folder);
      assert.equal(more, [], `${again}: one recording for the run`);
      assert.equal(only.events.map(([, kind, data]) => [kind, data]), [['o', '$ ']], again);
      const file = only.name.replace(/\.gz$/, '');
      assert.equal(facts(), [`recording.started ${file}`, `recording.stopped ${file} user`, `recording.started ${file}`, `recording.stopped ${file} ended`], `${again}: each fact names the file there is`);
      assert.equal(system.recordings.runs.map((r) => [r.run, r.recording.file, r.recording.stopped]), [[1, file, 'ended']], again);
      await system.shutdown();
    }
  }));

test("a run's second recording in the same millisecond (an attempt said missing after its program ran) has a name of its own: neither is lost", () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder, facts } = recordedAuto(dir, false);
    const bash = adapter.last().open();
    bash.stdout('bash-5.2# ');
    await settle();
    bash.fail('commandNotFound', 'said anyway');
    await settle();
    const sh = adapter.last().open();
    sh.stdout('$ ');
    await settle();
    sh.exit(0);
    await recorder.close();
    const found = casts(dir);
    assert.equal(found.map((cast) => cast.events.map(([, , data]) => data).join('')), ['bash-5.2# ', '$ ']);
    assert.is(new Set(found.map((cast) => cast.name)).size, 2);
    assert.equal(facts().filter((f) => f.startsWith('recording.stopped')).map((f) => f.split(' ')[2]), ['ended', 'ended'], 'neither failed');
    await system.shutdown();
  }));

test.run();
