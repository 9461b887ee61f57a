// The Exec dialog's command field: shell-like quoting into argv, never a shell.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { formatArgv, splitCommandLine } from '../../src/domain/command-line.ts';

const argv = (line: string) => {
  const result = splitCommandLine(line);
  if ('error' in result) throw new Error(result.error);
  return result.argv;
};

test('plain words split on runs of whitespace', () => {
  assert.equal(argv('  ls   -la\t/tmp \n'), ['ls', '-la', '/tmp']);
});

test('single quotes keep their content literally, spaces and backslashes included', () => {
  assert.equal(argv(`sh -c 'exit 42'`), ['sh', '-c', 'exit 42']);
  assert.equal(argv(`echo 'a\\nb "c"'`), ['echo', 'a\\nb "c"']);
});

test('double quotes keep spaces and unescape only \\" \\\\ \\$ and \\`', () => {
  assert.equal(argv(`echo "say \\"hi\\" \\$HOME \\n"`), ['echo', 'say "hi" $HOME \\n']);
});

test('quotes join with adjacent text into one word, and an empty quote is an empty word', () => {
  assert.equal(argv(`a'b c'"d" '' x`), ['ab cd', '', 'x']);
});

test('shell operators are ordinary characters: nothing is given to a shell', () => {
  assert.equal(argv('ls; rm -rf /'), ['ls;', 'rm', '-rf', '/']);
  assert.equal(argv('echo $((6*7)) | cat && true'), ['echo', '$((6*7))', '|', 'cat', '&&', 'true']);
});

test('a backslash outside quotes escapes the next character', () => {
  assert.equal(argv('touch a\\ b \\"q\\"'), ['touch', 'a b', '"q"']);
});

test('unclosed quotes, a trailing backslash and an empty line are errors a user can act on', () => {
  for (const [line, words] of [
    [`sh -c 'exit`, /single quote is not closed/],
    [`echo "hi`, /double quote is not closed/],
    ['echo \\', /lone backslash/],
    ['   ', /leave the field empty to open a shell/],
  ] as const) {
    const result = splitCommandLine(line);
    assert.ok('error' in result && words.test(result.error), `${line} → ${JSON.stringify(result)}`);
  }
});

test('formatArgv quotes only the words that need it and reads back to the same argv', () => {
  const words = ['sh', '-c', "exit 42; echo 'x'", '', 'a/b.c'];
  const shown = formatArgv(words);
  assert.is(shown, `sh -c 'exit 42; echo '\\''x'\\''' '' a/b.c`);
  assert.equal(argv(shown), words);
});

test.run();
