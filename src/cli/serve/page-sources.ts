// Whether the page built in a checkout is as new as what it was built from. Run from the sources,
// the page is built once on demand (built-output.ts); after a `git pull` or an edit under ui/ that
// page is old, and serving it would show last week's page with this week's server. So the build
// notes every file it read (esbuild's metafile) and when it began, and a start builds again when
// one of them changed since. The note is the checkout's own (node_modules/.cache), never shipped.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

interface Note {
  /** when the build began: a file saved while it ran counts as newer */
  startedAt: number;
  sources: string[];
}

/** Notes the files a build read (`inputs`, relative to `base`) and when it began. */
export function noteSources(list: string, base: string, inputs: string[], startedAt: number): void {
  mkdirSync(dirname(list), { recursive: true });
  const note: Note = { startedAt, sources: inputs.map((input) => resolve(base, input)) };
  writeFileSync(list, JSON.stringify(note));
}

/** No note (built by `npm run build`, or by an older version), a file gone, or one changed since the build began: not up to date. */
export function upToDate(list: string): boolean {
  try {
    const note = JSON.parse(readFileSync(list, 'utf8')) as Note;
    return Array.isArray(note.sources) && note.sources.length > 0 && note.sources.every((source) => statSync(source).mtimeMs <= note.startedAt);
  } catch {
    return false;
  }
}
