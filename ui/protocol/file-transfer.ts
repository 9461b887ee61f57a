// The file routes (docs/api.md, "Files") for the page: an upload through XMLHttpRequest (the one
// browser API that reports upload progress), a download read from fetch's body stream as it
// comes (progress against the file's size when the server sends one). Both stop on `signal`;
// failures are ApiErrors with the server's sentence. Fetch reads no HTTP trailers, so a download
// asks for its outcome as a footer, the answer's last bytes (src/protocol/download-outcome.ts): a
// file that changed while the container's tar read it comes whole, and the footer says so, as it
// says a folder's entries left out or files removed, or why a folder's download failed.
import { FOOTER_BYTES, OUTCOME_HEADER, readFooterDetails, readFooterLine, SIZE_HEADER, type WholeOutcome } from '../../src/protocol/download-outcome.ts';
import { ApiError } from './http-client.ts';

export interface TransferTarget {
  context?: string;
  namespace: string;
  pod: string;
  container: string;
}

export type OnProgress = (loaded: number, total: number | undefined) => void;

export const SESSION_HEADER = 'X-Octant-Exec-Session';

function filesUrl(route: 'upload' | 'download', target: TransferTarget, path: string, name?: string): string {
  const query = new URLSearchParams({ namespace: target.namespace, pod: target.pod, container: target.container, path });
  if (target.context) query.set('context', target.context);
  if (name !== undefined) query.set('name', name);
  return `/api/v1/files/${route}?${query}`;
}

const sentence = (status: number, text: string) => {
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the status says it
  }
  return `The server answered ${status}.`;
};

/** Uploads one file as DIR/NAME; resolves with the transfer's session id once tar has put it there. */
export function uploadFile(target: TransferTarget, dir: string, file: File, onProgress: OnProgress, signal: AbortSignal): Promise<{ sessionId: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', filesUrl('upload', target, dir, file.name));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => (xhr.status === 201 ? resolve(JSON.parse(xhr.responseText)) : reject(new ApiError(xhr.status, sentence(xhr.status, xhr.responseText))));
    xhr.onerror = () => reject(new ApiError(0, 'The upload was cut off: is octant-exec still running? Try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'Cancelled.'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** What a whole download says beside its bytes: files that changed as tar read them, a folder's files removed before it read them, and its entries left out. */
export interface DownloadResult extends WholeOutcome {
  blob: Blob;
  filename: string;
}

/**
 * The chunks in hand are put into a Blob every FOLD_BYTES: the page's own memory holds a few MiB
 * of a download, and the browser's blob store the rest until it is saved (Chromium keeps a big
 * one on disk; other browsers may keep it in memory: docs/ui.md says when to use octant-exec cp).
 */
const FOLD_BYTES = 8 * 2 ** 20;

/**
 * Downloads PATH: the file (or the directory as .tar.gz) as a Blob, with the name the server gives
 * it, how many files changed while tar read them (0: none; else the copy is whole, but such a
 * file may be cut short or mix two versions), and for a folder, how many files tar found removed
 * and how many entries were left out. A folder whose tar failed after the answer began says why
 * in its footer, and that is the error.
 */
export async function downloadPath(target: TransferTarget, path: string, onProgress: OnProgress, signal: AbortSignal, onSession: (sessionId: string) => void): Promise<DownloadResult> {
  let response: Response;
  try {
    response = await fetch(filesUrl('download', target, path), { credentials: 'same-origin', signal, headers: { [OUTCOME_HEADER]: 'footer' } });
  } catch {
    throw new ApiError(0, signal.aborted ? 'Cancelled.' : 'octant-exec cannot be reached: is it still running?');
  }
  if (!response.ok) throw new ApiError(response.status, sentence(response.status, await response.text()));
  const session = response.headers.get(SESSION_HEADER);
  if (session) onSession(session);
  if (response.headers.get(OUTCOME_HEADER) !== 'footer') throw new ApiError(0, 'The server did not answer as octant-exec does (no outcome after the download): nothing was saved.');
  const size = Number(response.headers.get(SIZE_HEADER) ?? NaN);
  const total = Number.isSafeInteger(size) && size >= 0 ? size : undefined;
  const folded: Blob[] = [];
  let chunks: Uint8Array[] = [];
  let held = 0;
  let loaded = 0;
  const reader = response.body!.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      loaded += next.value.length;
      held += next.value.length;
      if (held >= FOLD_BYTES) {
        folded.push(new Blob(chunks as BlobPart[]));
        chunks = [];
        held = 0;
      }
      onProgress(total !== undefined ? Math.min(loaded, total) : Math.max(0, loaded - FOOTER_BYTES), total);
    }
  } catch {
    throw new ApiError(0, signal.aborted ? 'Cancelled.' : 'The download was cut off (the container\'s tar failed or lied, or the connection dropped): nothing was saved.');
  }
  const all = new Blob([...folded, ...(chunks as BlobPart[])]);
  const stopped = () => new ApiError(0, `The download stopped after ${Math.max(0, loaded - FOOTER_BYTES)}${total !== undefined ? ` of ${total}` : ''} bytes: nothing was saved.`);
  if (loaded < FOOTER_BYTES) throw stopped();
  const line = readFooterLine(await all.slice(loaded - FOOTER_BYTES).text());
  const unended = new ApiError(0, 'The download did not end as a whole one does (its outcome is missing): nothing was saved.');
  const said = line && (line.kind === 'details' || line.kind === 'failed') ? line.count : 0;
  const end = loaded - FOOTER_BYTES - said;
  if (!line || end < 0) throw unended;
  const text = said > 0 ? await all.slice(end, end + said).text() : '';
  if (line.kind === 'failed') throw new ApiError(0, `${text.trim()} Nothing was saved.`);
  if (total !== undefined && end !== total) throw stopped();
  const outcome = line.kind === 'details' ? readFooterDetails(text) : { changed: line.kind === 'changed' ? line.count : 0, removed: 0, skipped: 0 };
  if (!outcome) throw unended;
  const filename = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
  const blob = all.slice(0, end, response.headers.get('Content-Type') ?? 'application/octet-stream');
  return { blob, filename: filename ? decodeURIComponent(filename) : path.split('/').pop()!, ...outcome };
}
