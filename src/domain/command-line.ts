// A command typed as one line, split into argv by shell-like quoting, and nothing more: the
// result is sent as an argv array and never given to a shell (SECURITY.md item 4).
//
// The rule (docs/api.md, docs/ui.md):
// - words are separated by unquoted spaces, tabs and newlines;
// - 'single quotes' keep everything inside literally;
// - "double quotes" keep everything inside, except that \" \\ \$ and \` stand for the character;
// - outside quotes, a backslash takes the next character literally;
// - nothing else is special: no variables, globs, pipes, `;` or `&&`. `ls; rm -rf /` is the
//   program `ls;` with the arguments `rm`, `-rf` and `/`.
// Pure: no DOM, no Node. The page splits what the user types with it and shows the argv before
// running; the server splits `{"line": …}` with it, so both read a line the same way.

export type SplitResult = { argv: string[] } | { error: string };

/** the most words and bytes one command may have (POST /exec and /batches), bounds on what a request holds */
export const ARGV_MAX_WORDS = 256;
export const ARGV_MAX_BYTES = 32 * 1024;
const utf8 = new TextEncoder();

/** Why a command is refused, or undefined: the server's rule (exec-body.ts), and the dialogs' preview before Run. */
export function argvProblem(argv: readonly string[]): string | undefined {
  if (argv.length === 0) return 'The command needs at least one word.';
  if (argv.length > ARGV_MAX_WORDS) return `The command has ${argv.length} words: at most ${ARGV_MAX_WORDS}.`;
  if (argv.some((word) => word.includes('\0'))) return 'The command has a NUL character, which no argument can hold.';
  if (argv[0] === '') return 'The program (the first word) is empty: an empty quote names no program.';
  const bytes = argv.reduce((sum, word) => sum + utf8.encode(word).length, 0);
  if (bytes > ARGV_MAX_BYTES) return `The command is longer than ${ARGV_MAX_BYTES} bytes.`;
  return undefined;
}

export function splitCommandLine(line: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) word += line[++i];
      else word += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') {
      if (i + 1 >= line.length) return { error: 'The command ends with a lone backslash: remove it or escape it as \\\\.' };
      word += line[++i];
    } else word += c;
  }
  if (quote) return { error: `A ${quote === "'" ? 'single' : 'double'} quote is not closed: close it or escape it with a backslash.` };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { error: 'Type a command, or leave the field empty to open a shell.' };
  return { argv };
}

/** argv shown back to the user: each word quoted only when it needs it, so it reads unambiguously. */
export function formatArgv(argv: string[]): string {
  return argv.map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
