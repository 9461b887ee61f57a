// What a download's tar said on stderr, read line by line as it comes: whether every line is one
// of GNU tar's warnings that leave the archive whole and, if so, which files they named. With exit
// 1 ("some files differ") there are two: "NAME: file changed as we read it" (tar wrote each file as
// long as its header announced, read as it was then: a log still written to is its start; a file
// rewritten in place may be part one version, part the next) and "NAME: File removed before we
// read it" (a folder's file gone between tar listing the folder and reading it, as in a spool whose
// files come and go: tar wrote no entry for it, and the archive is the folder without it). Each is
// delivered, and said. "NAME: socket ignored" and "door ignored" (exit 0 alone) say only that tar
// archives nothing for such an entry, as for any download of a folder holding one: passed over.
// Anything else tar says (a file it could not read, one that shrank and was padded) is a failure.
// Its words are English because tar runs under LC_ALL=C (tar-command.ts).
import type { TransferOutcome } from './transfer-run.ts';

const CHANGED = /^tar: (.+): file changed as we read it$/;
const REMOVED = /^tar: (.+): File removed before we read it$/;
const HARMLESS = /^tar: .+: (socket|door) ignored$/;
/** a line longer than this is not the warning (its name is at most PATH_MAX): not kept whole */
const MAX_LINE = 8 * 1024;
/** names kept for the client (all are counted): a trailer is a header, and headers are small */
const MAX_NAMES = 10;
const MAX_NAMES_CHARS = 2000;

export interface Changed {
  /** how many files tar named */
  count: number;
  /** the first of them, as tar named them under the download's folder ("app.log", "logs/a.log") */
  names: string[];
}

/** What tar's warnings said of a download that is whole nonetheless: only the kinds it said (none: it said nothing of the kind). */
export interface Warned {
  /** files that changed as tar read them */
  changed?: Changed;
  /** a folder's files gone before tar read them: not in the archive */
  removed?: Changed;
}

class Named {
  readonly files: Changed = { count: 0, names: [] };
  #chars = 0;

  add(name: string): void {
    this.files.count++;
    const shown = name.replace(/^\.\//, '');
    if (this.files.names.length < MAX_NAMES && this.#chars + shown.length <= MAX_NAMES_CHARS) {
      this.files.names.push(shown);
      this.#chars += shown.length;
    }
  }
}

export class TarWarnings {
  readonly #decoder = new TextDecoder();
  #partial = '';
  #other = false;
  readonly #changed = new Named();
  readonly #removed = new Named();

  push(chunk: Uint8Array): void {
    const lines = (this.#partial + this.#decoder.decode(chunk, { stream: true })).split('\n');
    this.#partial = lines.pop()!;
    for (const line of lines) this.#line(line);
    if (this.#partial.length > MAX_LINE) {
      this.#other = true;
      this.#partial = '';
    }
  }

  /** The files named when tar's warnings were all of the kinds that leave the archive whole (at least one file); else undefined. */
  onlyWhole(): Warned | undefined {
    this.#line(this.#partial + this.#decoder.decode());
    this.#partial = '';
    if (this.#other || this.#changed.files.count + this.#removed.files.count === 0) return undefined;
    return { ...(this.#changed.files.count > 0 ? { changed: this.#changed.files } : {}), ...(this.#removed.files.count > 0 ? { removed: this.#removed.files } : {}) };
  }

  #line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || HARMLESS.test(line)) return;
    const changed = CHANGED.exec(line)?.[1];
    if (changed !== undefined) return this.#changed.add(changed);
    const removed = REMOVED.exec(line)?.[1];
    if (removed !== undefined) return this.#removed.add(removed);
    this.#other = true;
  }
}

/**
 * How a download's tar ended: whole (exit 0), whole but with files that changed as it read them or
 * were removed before it did (exit 1 and only those warnings), or undefined: it failed.
 */
export function tarVerdict(outcome: TransferOutcome, warnings: TarWarnings): Warned | undefined {
  if (outcome.kind !== 'exited') return undefined;
  if (outcome.code === 0) return {};
  return outcome.code === 1 ? warnings.onlyWhole() : undefined;
}
