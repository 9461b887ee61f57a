// A client command's credential read from a file (--token-file, people's --cookie-file): said on
// stderr, once per file, when its group or other users may read it, as ssh says of a key that is
// "too open". A warning, not a refusal: the command has already been given the file, and the
// credential is shown to those users whether it runs or not; what helps is saying how to close it.
import { readFileSync, statSync } from 'node:fs';
import process from 'node:process';
import { UsageError } from '../usage.ts';

/** Where a warning goes: stderr, or nowhere for a caller whose stderr is not a person's (shell completion). */
export type Warn = (line: string) => void;

export const warnOnStderr: Warn = (line) => void process.stderr.write(`${line}\n`);

const warned = new Set<string>();

/** The file's text, trimmed; a file that cannot be read is a usage error naming `flag`. */
export function readSecretFile(file: string, flag: string, warn: Warn): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`cannot read ${flag}: ${(error as Error).message}`);
  }
  // Windows has no such mode bits (its ACLs decide): nothing to say there
  const mode = process.platform === 'win32' ? 0 : statSync(file).mode & 0o777;
  if (mode & 0o044 && !warned.has(file)) {
    warned.add(file);
    warn(`octant-exec: warning: ${flag} ${file} may be read by ${mode & 0o004 ? 'every user of this machine' : 'its group'} (mode ${mode.toString(8).padStart(4, '0')}), and it holds a credential: chmod 600 ${file}`);
  }
  return text;
}
