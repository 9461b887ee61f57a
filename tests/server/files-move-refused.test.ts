// An upload of one file is renamed into place by a second exec once tar has it all
// (src/server/files/staged-file.ts). When that exec is refused (a terminal started meanwhile took
// the server's last slot: --max-sessions), no rm can run either: the answer names where the whole
// upload waits, and the file it was to replace is left as it was.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startTestApp } from './support.ts';
import { runIn, uploadTo } from './files-support.ts';

const app = await startTestApp({ maxSessions: 1 });
test.after(() => app.close());

test('the rename refused at --max-sessions: a 429 that names the staged upload; the destination as it was', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'echo old > /tmp/report.txt']);
  const system = app.system as ExecSystem;
  const exec = system.exec.bind(system);
  let other: ReturnType<ExecSystem['exec']> | undefined;
  // a terminal starts between the upload's tar and its mv, as another person's could
  system.exec = (action, containers) => {
    if (action.command && 'argv' in action.command && action.command.argv.includes('mv') && !other) other = exec({ ...action, command: { argv: ['sleep', '30'] }, mode: undefined }, containers);
    return exec(action, containers);
  };
  let answer: Awaited<ReturnType<typeof uploadTo>>;
  try {
    answer = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'report.txt' }, Buffer.from('new\n'));
  } finally {
    system.exec = exec;
    if (other && 'sessionIds' in other) system.close(other.sessionIds[0]);
  }
  assert.is(answer.status, 429, JSON.stringify(answer.json));
  const staged = /waits as "(\/tmp\/\.octant-exec-upload-[0-9a-f]{16})": rename it to "report\.txt"/.exec(answer.json.error.message)?.[1];
  assert.ok(staged, answer.json.error.message);
  assert.match(answer.json.error.message, /"report\.txt" in "\/tmp" was left as it was\.$/);
  await runIn(app, 'web', 'nginx', ['sh', '-c', `test "$(cat /tmp/report.txt)" = old && test "$(cat ${staged})" = new && rm ${staged}`]);
});

test.run();
