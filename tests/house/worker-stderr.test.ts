// The runner with workers prints each file's output whole as it ends, never two files' lines mixed
// (docs/testing.md): that holds for what a file writes to stderr too (console.error, the servers
// and sandboxes it runs, which write there). A worker's stderr went straight to the terminal, as
// it came: each file's stderr lines apart from the rest of its output, amid other files'.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { withTimeout } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const root = new URL('../..', import.meta.url).pathname;
const runner = join(root, 'tests/run.ts');
const support = join(root, 'tests/support/test.ts');
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

/** A test file that says `word` on stdout and on stderr, five times each, a few milliseconds apart. */
const chatty = (word: string) =>
  `import { test } from '${support}';\n` +
  `test('${word}', async () => {\n  for (let n = 0; n < 5; n++) { console.error('${word}-err-' + n); console.log('${word}-out-' + n); await new Promise((r) => setTimeout(r, 20)); }\n});\n` +
  'test.run();\n';

test('each file\'s stderr comes out inside its own output, though two files run at once', () =>
  withTempDir(async (dir) => {
    const tests = join(dir, 'tests');
    mkdirSync(tests);
    writeFileSync(join(tests, 'a.test.ts'), chatty('alpha'));
    writeFileSync(join(tests, 'b.test.ts'), chatty('beta'));
    const [file, pre] = deno ? [deno.execPath(), ['run', '-A', runner]] : [process.execPath, ['--import', 'tsx', runner]];
    const child = spawn(file, [...pre, relative(root, tests)], { cwd: root, env: { ...process.env, TEST_JOBS: '2', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await withTimeout(new Promise<number | null>((resolve) => child.on('close', resolve)), 60_000, 'the runner to finish');
    output = output.replace(/\x1b\[[0-9;]*m/g, '');
    assert.is(code, 0, output);
    for (const [name, word, other] of [['a', 'alpha', 'beta'], ['b', 'beta', 'alpha']]) {
      const heading = `${relative(root, join(tests, `${name}.test.ts`))}\n`;
      const start = output.indexOf(heading);
      assert.ok(start >= 0, `${name} printed:\n${output}`);
      const block = output.slice(start, output.indexOf(' s)\n', start));
      assert.is(block.match(new RegExp(`${word}-err-`, 'g'))?.length, 5, `every stderr line of ${name} inside its output:\n${output}`);
      assert.not.match(block, other, `no line of the other file inside ${name}'s output:\n${output}`);
    }
  }));

test.run();
