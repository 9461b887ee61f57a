// What a download's answer says after its bytes (src/server/files/download.ts), read by
// `octant-exec cp` (src/cli/cp/) as HTTP trailers, by the page (ui/protocol/file-transfer.ts) in a
// footer: what the answer's headers could not say yet. One definition for the server and both
// clients: a name or a footer's words spelled twice could drift apart unseen.

/** how many entries were left out (an upload's answer says it as `skipped`) */
export const SKIPPED_TRAILER = 'X-Octant-Exec-Skipped';

/**
 * Why the container's tar failed once the answer had started (a file it could not read), for a
 * client that sent `TE: trailers`; percent-encoded (a header's characters). The file or archive is
 * left unfinished then, so it never looks whole. A client that asked for a footer hears a folder's
 * failure there (`failed L`, below); any other has its answer cut.
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
 * The files tar said it found gone as it read a folder (GNU tar's "File removed before we read it":
 * a spool's or a cache's files that come and go). The archive is whole without them: tar wrote no
 * entry for such a file. Percent-encoded JSON `{count, names}`, as CHANGED_TRAILER; absent when none.
 */
export const REMOVED_TRAILER = 'X-Octant-Exec-Removed';

/**
 * How a client asks for the outcome after the bytes: `trailers` (with `TE: trailers`: `octant-exec
 * cp`), or `footer`, after the bytes, for one that can read neither trailers nor anything after
 * the body (a browser's fetch); the answer says `footer` back when it has one. A client that asks
 * for neither is never handed a file that changed as tar read it.
 *
 * The footer ends with a line of FOOTER_BYTES (its word padded with spaces, then a newline):
 * `whole`; `changed N` (whole, N files changed as tar read them); `details L` (whole, and the L
 * bytes before this line are JSON `{changed, removed, skipped}`: counts, said for a folder that has
 * more to say than `changed N`); `failed L` (not whole: the L bytes before it are why, UTF-8). A
 * single file's answer has a Content-Length (its size + FOOTER_BYTES), so it ends only `whole` or
 * `changed N`, and one that fails after its start is cut. A footer's words are read from the end.
 */
export const OUTCOME_HEADER = 'X-Octant-Exec-Outcome';
export const FOOTER_BYTES = 16;
/** the most a footer's `details`/`failed` part may be: a sentence, or three counts */
export const MAX_FOOTER_TEXT = 8 * 1024;

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

/** What a whole download's footer says: how many files changed as tar read them, were removed before it read them, were left out (a folder's hard links, links pointing outside, names not UTF-8). */
export interface WholeOutcome {
  changed: number;
  removed: number;
  skipped: number;
}

export type FooterOutcome = WholeOutcome | { failed: string };

const line = (word: string) => word.padEnd(FOOTER_BYTES - 1) + '\n';
const encoder = new TextEncoder();

/** The footer's bytes for `outcome` (a failure's sentence shortened to fit). */
export function footer(outcome: FooterOutcome): Uint8Array {
  if ('failed' in outcome) {
    let text = encoder.encode(outcome.failed);
    if (text.length > MAX_FOOTER_TEXT) text = encoder.encode(`${new TextDecoder().decode(text.subarray(0, MAX_FOOTER_TEXT - 8)).replace(/\uFFFD$/, '')}…`);
    return concat(text, encoder.encode(line(`failed ${text.length}`)));
  }
  const { changed, removed, skipped } = outcome;
  if (removed === 0 && skipped === 0) return encoder.encode(line(changed > 0 ? `changed ${changed}` : 'whole'));
  const details = encoder.encode(JSON.stringify({ changed, removed, skipped }));
  return concat(details, encoder.encode(line(`details ${details.length}`)));
}

/** The footer's last line read back: its kind, and how many bytes before it belong to it. Undefined: the answer did not end as a whole or failed one does. */
export function readFooterLine(text: string): { kind: 'whole' | 'changed' | 'details' | 'failed'; count: number } | undefined {
  const [, kind, count] = /^(whole|changed|details|failed)(?: (\d{1,9}))? *\n$/.exec(text) ?? [];
  if (kind === undefined || (kind === 'whole') !== (count === undefined)) return undefined;
  const n = Number(count ?? 0);
  if (kind === 'changed' ? n < 1 : (kind === 'details' || kind === 'failed') && (n < 1 || n > MAX_FOOTER_TEXT)) return undefined;
  return { kind: kind as 'whole' | 'changed' | 'details' | 'failed', count: n };
}

/** A footer's `details` JSON read back; undefined when it is not three counts. */
export function readFooterDetails(text: string): WholeOutcome | undefined {
  try {
    const { changed, removed, skipped } = JSON.parse(text) as Partial<WholeOutcome>;
    const counts = [changed, removed, skipped];
    if (counts.every((n) => Number.isSafeInteger(n) && n! >= 0)) return { changed: changed!, removed: removed!, skipped: skipped! };
  } catch {
    // said by the caller
  }
  return undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A failure trailer's sentence, as the server percent-encoded it; as it came when it is not that. */
export function decodedTrailer(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
