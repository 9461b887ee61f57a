// The file routes (docs/api.md, "Files") for the page: an upload through XMLHttpRequest (the one
// browser API that reports upload progress), a download read from fetch's body stream as it
// comes (progress against Content-Length when the server sends one). Both stop on `signal`;
// failures are ApiErrors with the server's sentence.
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

/** Downloads PATH: the file (or the directory as .tar.gz) as a Blob, with the name the server gives it. */
export async function downloadPath(target: TransferTarget, path: string, onProgress: OnProgress, signal: AbortSignal, onSession: (sessionId: string) => void): Promise<{ blob: Blob; filename: string }> {
  let response: Response;
  try {
    response = await fetch(filesUrl('download', target, path), { credentials: 'same-origin', signal });
  } catch {
    throw new ApiError(0, signal.aborted ? 'Cancelled.' : 'octant-exec cannot be reached: is it still running?');
  }
  if (!response.ok) throw new ApiError(response.status, sentence(response.status, await response.text()));
  const session = response.headers.get(SESSION_HEADER);
  if (session) onSession(session);
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body!.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      loaded += next.value.length;
      onProgress(loaded, total);
    }
  } catch {
    throw new ApiError(0, signal.aborted ? 'Cancelled.' : 'The download was cut off (the container\'s tar failed or lied, or the connection dropped): nothing was saved.');
  }
  if (total !== undefined && loaded !== total) throw new ApiError(0, `The download stopped after ${loaded} of ${total} bytes: nothing was saved.`);
  const filename = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
  return { blob: new Blob(chunks as BlobPart[], { type: response.headers.get('Content-Type') ?? 'application/octet-stream' }), filename: filename ? decodeURIComponent(filename) : path.split('/').pop()! };
}
