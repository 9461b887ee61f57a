// The tests' kubectl runs again when kubectl says it dropped a frame for a stream it had not made
// yet (its own WebSocket race: tests/support/sandbox.ts), twice at most; any other run is taken as
// it came. A stand-in kubectl (a script) says so on its first run only, or on every run.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, type Sandbox } from '../support/sandbox.ts';

const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-kubectl-race-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));
const sandbox = { kubeconfigPath: join(scratch, 'kubeconfig'), scratch } as Sandbox & { scratch: string };

/** A kubectl that counts its runs in a file and drops a frame on the runs `dropsOn` matches (a shell test on $n). */
function standIn(name: string, dropsOn: string): string {
  const path = join(scratch, name);
  const count = join(scratch, `${name}.runs`);
  writeFileSync(path, `#!/bin/sh\nn=$(( $(cat ${count} 2>/dev/null || echo 0) + 1 )); echo $n > ${count}\nif ${dropsOn}; then echo 'E1207 websocket.go:297] Unknown stream id 1, discarding message' >&2; fi\necho "run $n"\n`);
  chmodSync(path, 0o755);
  return path;
}

test('a run where kubectl dropped a frame is run again; the next is taken', async () => {
  const result = await kubectl(sandbox, standIn('once', '[ $n -eq 1 ]'), ['exec', 'web', '--', 'true']);
  assert.is(result.stdout.toString(), 'run 2\n');
  assert.is(result.stderr, '');
});

test('a kubectl that says so every time is run three times, and its last run is what the test sees', async () => {
  const result = await kubectl(sandbox, standIn('always', 'true'), ['exec', 'web', '--', 'true']);
  assert.is(result.stdout.toString(), 'run 3\n');
  assert.match(result.stderr, 'Unknown stream id 1, discarding message');
});

test.run();
