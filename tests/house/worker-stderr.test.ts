// The runner with workers prints each file's output whole as it ends, never two files' lines mixed
// (docs/testing.md): that holds for what a file writes to stderr too (console.error, the servers
// and sandboxes it runs, which write there). A worker's stderr went straight to the terminal, as
// it came: each file's stderr lines apart from the rest of its output, amid other files'.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTempDir } from '../support/temp-dir.ts';
import { blockOf, runRunner, supportTest as support } from './runner-run.ts';

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
    const { code, output } = await runRunner(tests, { TEST_JOBS: '2' });
    assert.is(code, 0, output);
    for (const [name, word, other] of [['a', 'alpha', 'beta'], ['b', 'beta', 'alpha']]) {
      const block = blockOf(output, join(tests, `${name}.test.ts`));
      assert.is(block.match(new RegExp(`${word}-err-`, 'g'))?.length, 5, `every stderr line of ${name} inside its output:\n${output}`);
      assert.not.match(block, other, `no line of the other file inside ${name}'s output:\n${output}`);
    }
  }));

test.run();
