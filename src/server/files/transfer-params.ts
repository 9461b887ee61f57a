// The query of a file transfer: which container, and which path in it; nothing else. Names are
// checked as Kubernetes names; paths must be absolute, without NUL, "." or ".." parts, and of sane
// length (they become tar's arguments: argv, never a shell, and never taken for one of tar's options).
import { posix } from 'node:path';
import { checkName } from '../exec-body.ts';
import { HttpError } from '../replies.ts';

const MAX_PATH = 4096;
const MAX_NAME = 255;

export interface TransferParams {
  context?: string;
  namespace: string;
  pod: string;
  container?: string;
  path: string;
}

const TARGET_PARAMS = ['namespace', 'pod', 'container', 'context', 'path'];

/**
 * `also`: the route's own parameters beside the target's. Any other is refused: a misspelt
 * `contaner=` must not send the files to the pod's default container instead.
 */
export function transferParams(url: URL, also: readonly string[] = []): TransferParams {
  const known = [...TARGET_PARAMS, ...also];
  const unknown = [...url.searchParams.keys()].find((key) => !known.includes(key));
  if (unknown !== undefined) throw new HttpError(400, `Unknown query parameter ${JSON.stringify(unknown.slice(0, 60))}: this route takes ${known.join(', ')}.`);
  const get = (key: string) => url.searchParams.get(key) ?? undefined;
  const namespace = get('namespace');
  const pod = get('pod');
  const container = get('container');
  const context = get('context');
  checkName('namespace', namespace);
  checkName('pod', pod);
  if (container !== undefined) checkName('container', container);
  if (context !== undefined && (context === '' || context.length > 253)) throw new HttpError(400, 'context must be a context name from GET /api/v1/contexts.');
  return { ...(context !== undefined ? { context } : {}), namespace, pod, ...(container !== undefined ? { container } : {}), path: containerPath(get('path')) };
}

export function containerPath(path: string | undefined): string {
  if (!path) throw new HttpError(400, 'Say which path in the container: path=/absolute/path.');
  if (!path.startsWith('/')) throw new HttpError(400, `The path "${path.slice(0, 100)}" must be absolute (start with /).`);
  if (path.length > MAX_PATH || path.includes('\0')) throw new HttpError(400, `The path must be at most ${MAX_PATH} characters, without NUL.`);
  if (path.split('/').some((part) => part === '..' || part === '.')) throw new HttpError(400, 'The path may not have "." or ".." parts: give it plainly.');
  return posix.normalize(path).replace(/(.)\/$/, '$1');
}

/** One file name (the `name` of an upload): no "/", not "." or "..", at most 255 bytes. */
export function fileName(name: string | undefined): string {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > MAX_NAME) {
    throw new HttpError(400, `name must be one file name (no "/", not "." or "..", at most ${MAX_NAME} bytes).`);
  }
  return name;
}
