// The runner's workers (tests/support/parallel-run.ts), run on test files written for the purpose:
// each file's output comes out whole, though two run at once; a worker that dies in a file fails
// that file by name and the other files still run; the watchdog names the file each worker is in.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withTempDir } from '../support/temp-dir.ts';
import { blockOf, root, runRunner, supportTest as support } from './runner-run.ts';

/** A test file that says `word` five times, a few milliseconds apart, in each of its tests. */
const chatty = (word: string, tests: string[]) =>
  `import { test } from '${support}';\n` +
  tests.map((body, i) => `test('${word} ${i}', async () => {\n  for (let n = 0; n < 5; n++) { console.log('${word}-says-' + n); await new Promise((r) => setTimeout(r, 20)); }\n  ${body}\n});\n`).join('') +
  'test.run();\n';

test('two workers: each file comes out whole, a failure counts, a worker that dies fails its file and the rest still run', () =>
  withTempDir(async (dir) => {
  writeFileSync(join(dir, 'a.test.ts'), chatty('alpha', ['', '']));
  writeFileSync(join(dir, 'b.test.ts'), chatty('beta', ['', "throw new Error('beta broke');"]));
  writeFileSync(join(dir, 'c.test.ts'), chatty('gamma', ['(await import("node:process")).default.exit(7);']));
  writeFileSync(join(dir, 'd.test.ts'), chatty('delta', ['', '', '']));
  const { code, output } = await runRunner(dir, { TEST_JOBS: '2' });
  assert.is(code, 1, output);
  const name = (file: string) => relative(root, join(dir, file));
  for (const [file, word, others] of [['a', 'alpha', /beta|gamma|delta/], ['b', 'beta', /alpha|gamma|delta/], ['d', 'delta', /alpha|beta|gamma/]] as const) {
    const block = blockOf(output, join(dir, `${file}.test.ts`));
    assert.is(block.match(new RegExp(`${word}-says-`, 'g'))?.length, file === 'd' ? 15 : 10, `every line of ${file}:\n${block}`);
    assert.not.match(block, others, `no other file's line inside ${file}'s output`);
  }
  assert.match(output, 'beta broke');
  assert.match(output, `FAIL  ${name('c.test.ts')}: its test worker ended before the file did (exit 7)`);
  assert.match(output, /tests: 6 passed, 2 failed/, 'a: 2, b: 1 of 2, c: its death, d: 3');
  }));

test('the watchdog stops the run and names the file each worker is in, with its output so far', () =>
  withTempDir(async (dir) => {
  writeFileSync(join(dir, 'hangs.test.ts'), chatty('stuck', ['await new Promise((r) => setTimeout(r, 120_000));']));
  writeFileSync(join(dir, 'quick.test.ts'), chatty('quick', ['']));
  const { code, output } = await runRunner(dir, { TEST_JOBS: '2', TEST_WATCHDOG_MINUTES: '0.25' });
  assert.is(code, 1, output);
  assert.match(output, /tests still running after 0\.25 minutes/);
  assert.match(output, new RegExp(`still running: ${relative(root, join(dir, 'hangs.test.ts')).replace(/\./g, '\\.')}, its output so far:\\n[^]*stuck-says-4`));
  assert.match(output, /quick-says-4/, 'the other file ran and came out');
  }));

test.run();
