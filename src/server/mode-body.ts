// The `mode` of POST /api/v1/exec: what an action does beyond a plain exec (debug, copy, attach),
// checked like the rest of the body. A debug image must be on the server's list (--debug-image):
// a debug container sees the target's processes and files, so the server, not the request,
// decides what runs there.
import type { ActionMode } from '../domain/exec-action.ts';
import { debugImageProblem } from '../domain/debug-images.ts';
import { HttpError } from './replies.ts';
import { isObject } from './json-object.ts';

const keysByKind: Record<string, readonly string[]> = { debug: ['kind', 'image'], copy: ['kind'], attach: ['kind'] };

export function parseMode(mode: unknown, debugImages: readonly string[]): ActionMode | undefined {
  if (mode === undefined) return undefined;
  if (!isObject(mode) || typeof mode.kind !== 'string' || !Object.hasOwn(keysByKind, mode.kind)) {
    throw new HttpError(400, 'mode must be {"kind": "debug", "image": IMAGE}, {"kind": "copy"} or {"kind": "attach"} (absent: a plain exec).');
  }
  const allowed = keysByKind[mode.kind];
  for (const key of Object.keys(mode)) if (!allowed.includes(key)) throw new HttpError(400, `Unknown field "mode.${key.slice(0, 40)}" for a ${mode.kind}: allowed are ${allowed.join(', ')}.`);
  if (mode.kind === 'debug') {
    const problem = debugImageProblem(mode.image, debugImages);
    if (problem) throw new HttpError(400, problem);
    return { kind: 'debug', image: mode.image as string };
  }
  return { kind: mode.kind as 'copy' | 'attach' };
}
