// A script piped into Auto's bash that ran a program which could not start another one (a Go
// tool prints `exec: "deploy-tool": executable file not found in $PATH`) and exited 127: those
// are a runtime's words for a missing command, but not for bash, the command the exec ran. Taken
// for a missing bash, the script and its end were given to sh and it ran twice. Through the
// command line and the sandbox cluster, as a user pipes it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { startTestApp } from './support.ts';
import { runCli } from '../support/cli.ts';

const app = await startTestApp();
test.after(() => app.close());
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };

test('a piped script whose program says another command is missing runs once, in bash, and exits with its code', async () => {
  const ran = `/tmp/ran-${randomBytes(6).toString('hex')}`;
  const said = 'exec: "deploy-tool": executable file not found in $PATH';
  const script = `echo by-$0 >> ${ran}\necho '${said}'\nexit 127\n`;
  const run = await runCli(['exec', '-c', 'nginx', 'web'], 60_000, { env, input: script });
  assert.equal([run.code, run.stdout, run.stderr], [127, `${said}\n`, '']);
  const count = await runCli(['exec', '-c', 'nginx', 'web', '--', 'sh', '-c', `cat ${ran}; rm -f ${ran}`], 60_000, { env });
  assert.is(count.stdout, 'by-bash\n', 'once, by bash');
});

test.run();
