// What a download's tar said on stderr, read line by line as it comes: whether every line is GNU
// tar's "NAME: file changed as we read it" and, if so, which files. That warning, with exit 1
// ("some files differ"), is the one failure that leaves the archive whole: tar wrote each file as
// long as its header announced, read as it was then. A log still written to is its start; a file
// rewritten in place may be part one version, part the next. So it is delivered, and said.
// Anything else tar says (a file it could not read, one that shrank and was padded) is a failure.
// Its words are English because tar runs under LC_ALL=C (tar-command.ts).
import type { TransferOutcome } from './transfer-run.ts';

const CHANGED = /^tar: (.+): file changed as we read it$/;
/** a line longer than this is not the warning (its name is at most PATH_MAX): not kept whole */
const MAX_LINE = 8 * 1024;
/** names kept for the client (all are counted): a trailer is a header, and headers are small */
const MAX_NAMES = 10;
const MAX_NAMES_CHARS = 2000;

export interface Changed {
  /** how many files tar said changed */
  count: number;
  /** the first of them, as tar named them under the download's folder ("app.log", "logs/a.log") */
  names: string[];
}

export class TarWarnings {
  readonly #decoder = new TextDecoder();
  #partial = '';
  #other = false;
  readonly #changed: Changed = { count: 0, names: [] };
  #namesChars = 0;

  push(chunk: Uint8Array): void {
    const lines = (this.#partial + this.#decoder.decode(chunk, { stream: true })).split('\n');
    this.#partial = lines.pop()!;
    for (const line of lines) this.#line(line);
    if (this.#partial.length > MAX_LINE) {
      this.#other = true;
      this.#partial = '';
    }
  }

  /** The files that changed when that is all tar said (at least one); else undefined. */
  onlyChanged(): Changed | undefined {
    this.#line(this.#partial + this.#decoder.decode());
    this.#partial = '';
    return this.#other || this.#changed.count === 0 ? undefined : this.#changed;
  }

  #line(line: string): void {
    if (!line.trim()) return;
    const name = CHANGED.exec(line.replace(/\r$/, ''))?.[1];
    if (name === undefined) return void (this.#other = true);
    this.#changed.count++;
    const shown = name.replace(/^\.\//, '');
    if (this.#changed.names.length < MAX_NAMES && this.#namesChars + shown.length <= MAX_NAMES_CHARS) {
      this.#changed.names.push(shown);
      this.#namesChars += shown.length;
    }
  }
}

/**
 * How a download's tar ended: whole (exit 0), whole but with files that changed as it read them
 * (exit 1 and only that warning), or undefined: it failed.
 */
export function tarVerdict(outcome: TransferOutcome, warnings: TarWarnings): { changed?: Changed } | undefined {
  if (outcome.kind !== 'exited') return undefined;
  if (outcome.code === 0) return {};
  const changed = outcome.code === 1 ? warnings.onlyChanged() : undefined;
  return changed ? { changed } : undefined;
}
