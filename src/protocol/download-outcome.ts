// What a download's answer says after its bytes (src/server/files/download.ts), read by
// `octant-exec cp` (src/cli/cp/) as HTTP trailers, by the page (ui/protocol/file-transfer.ts) in a
// footer: what the answer's headers could not say yet. One definition for the server and both
// clients: a name or a footer's words spelled twice could drift apart unseen.

/** how many entries were left out (an upload's answer says it as `skipped`) */
export const SKIPPED_TRAILER = 'X-Octant-Exec-Skipped';

/**
 * Why the container's tar failed once the answer had started (a file it could not read), for a
 * client that sent `TE: trailers`; percent-encoded (a header's characters). The file or archive is
 * left unfinished then, so it never looks whole; a client that takes no trailers has its answer cut.
 */
export const FAILURE_TRAILER = 'X-Octant-Exec-Failure';

/**
 * The files tar said changed while it read them (GNU tar's "file changed as we read it"): the
 * answer is whole, each file as long as tar announced, but a file may be cut short where it grew
 * or mix two versions. Percent-encoded JSON `{count, names}` (names as tar gave them under the
 * download's folder, the first few only); absent when none changed.
 */
export const CHANGED_TRAILER = 'X-Octant-Exec-Changed';

/** A single file's size, for a client whose answer has no Content-Length (chunked, to carry trailers). */
export const SIZE_HEADER = 'X-Octant-Exec-Size';

/**
 * How a client asks for the outcome after the bytes: `trailers` (with `TE: trailers`: `octant-exec
 * cp`), or `footer`, as the answer's last FOOTER_BYTES, for one that can read neither trailers
 * nor anything after the body (a browser's fetch); the answer says `footer` back when it has one.
 * A client that asks for neither is never handed a file that changed as tar read it.
 */
export const OUTCOME_HEADER = 'X-Octant-Exec-Outcome';
export const FOOTER_BYTES = 16;

export interface ChangedFiles {
  count: number;
  names: string[];
}

export const changedTrailer = (changed: ChangedFiles): string => encodeURIComponent(JSON.stringify(changed));

/** The trailer read back; undefined when it is absent. One that cannot be read still says something changed: never taken for whole. */
export function readChangedTrailer(text: string | undefined): ChangedFiles | undefined {
  if (text === undefined) return undefined;
  try {
    const { count, names } = JSON.parse(decodeURIComponent(text)) as Partial<ChangedFiles>;
    if (Number.isSafeInteger(count) && count! > 0 && Array.isArray(names) && names.every((name) => typeof name === 'string')) return { count: count!, names };
  } catch {
    // said below
  }
  return { count: 1, names: [] };
}

/** The footer: `whole`, or `changed N` (N files changed as tar read them), padded with spaces, then a newline. */
export const footer = (changed: number): string => `${changed > 0 ? `changed ${changed}` : 'whole'}`.padEnd(FOOTER_BYTES - 1) + '\n';

/** A footer read back: 0 for `whole`, N for `changed N`, undefined when it is neither (the answer did not end as a whole one does). */
export function readFooter(text: string): number | undefined {
  const [, word, count] = /^(whole|changed (\d+)) *\n$/.exec(text) ?? [];
  if (word === undefined) return undefined;
  return count === undefined ? 0 : Math.max(1, Number(count));
}

/** A failure trailer's sentence, as the server percent-encoded it; as it came when it is not that. */
export function decodedTrailer(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
