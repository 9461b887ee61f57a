// The three patch formats the API server takes, applied to a JSON object: JSON Patch (RFC 6902),
// JSON Merge Patch (RFC 7386) and Kubernetes' strategic merge patch (lists of named things merged
// by their key, `$patch: delete` and the `$setElementOrder` directive kubectl sends). A patch that
// cannot apply is a StatusError worded as the API server's; nothing here throws.
import { failure, type StatusError } from './kube-status.ts';

type Json = unknown;
type JsonObject = Record<string, Json>;

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;

/** The lists of a Pod that strategic merge patches merge by a key instead of replacing. */
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', ephemeralContainers: 'name', env: 'name', volumes: 'name', ownerReferences: 'uid' };

/** Keys that would reach an object's prototype instead of its own fields: a hostile patch's way to pollute every object. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const unprocessable = (message: string) => failure(422, 'Invalid', message);

export function unsupportedPatchType(): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}, application/apply-patch+yaml`);
}

/** `target` with the patch applied, or why not; `contentType` is the request's, parameters allowed. */
export function applyPatch(contentType: string, target: JsonObject, body: Buffer): { patched: JsonObject } | { refused: StatusError } {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (!(PATCH_TYPES as readonly string[]).includes(type)) return { refused: unsupportedPatchType() };
  let patch: Json;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return { refused: failure(400, 'BadRequest', `error decoding patch: ${(error as Error).message}`) };
  }
  if (type === 'application/json-patch+json') return jsonPatch(target, patch);
  if (!isObject(patch)) return { refused: failure(400, 'BadRequest', 'error decoding patch: the patch is not a JSON object') };
  const patched = type === 'application/merge-patch+json' ? mergePatch(target, patch) : strategicMerge(target, patch, '');
  return isObject(patched) ? { patched } : { refused: unprocessable('the patch leaves no object') };
}

function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (PROTOTYPE_KEYS.has(key)) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function strategicMerge(target: Json, patch: Json, field: string): Json {
  if (Array.isArray(patch)) {
    const mergeKey = MERGE_KEYS[field];
    if (!mergeKey || !Array.isArray(target)) return patch.filter((item) => !(isObject(item) && item.$patch === 'delete'));
    const result = [...target];
    for (const item of patch) {
      if (!isObject(item)) continue;
      const at = result.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
      if (item.$patch === 'delete') {
        if (at >= 0) result.splice(at, 1);
      } else if (at >= 0) result[at] = strategicMerge(result[at], item, '');
      else result.push(strategicMerge(undefined, item, ''));
    }
    return result;
  }
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    // Directives about order or retained keys change nothing the sandbox keeps.
    if (key.startsWith('$') || PROTOTYPE_KEYS.has(key)) continue;
    if (value === null) delete result[key];
    else result[key] = strategicMerge(result[key], value, key);
  }
  return result;
}

/** RFC 6901 pointer → its keys. */
function pointer(path: unknown): string[] | undefined {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) return undefined;
  return path === '' ? [] : path.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function jsonPatch(target: JsonObject, operations: Json): { patched: JsonObject } | { refused: StatusError } {
  if (!Array.isArray(operations)) return { refused: failure(400, 'BadRequest', 'error decoding patch: a JSON patch is a list of operations') };
  let doc: Json = structuredClone(target);
  for (const operation of operations) {
    const op = isObject(operation) ? operation : {};
    const path = pointer(op.path);
    const fail = (why: string) => ({ refused: unprocessable(`the server rejected our request due to an error in our request: ${why}`) });
    if (!path || path.some((key) => PROTOTYPE_KEYS.has(key))) return fail(`invalid path ${JSON.stringify(op.path)}`);
    const getAt = (keys: string[]) => keys.reduce<Json>((node, key) => (Array.isArray(node) ? node[Number(key)] : isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), doc);
    const parentKeys = path.slice(0, -1);
    const last = path[path.length - 1];
    const parent = getAt(parentKeys);
    switch (op.op) {
      case 'test':
        if (JSON.stringify(getAt(path)) !== JSON.stringify(op.value)) return fail(`testing value ${op.path} failed`);
        break;
      case 'add':
      case 'replace':
        if (path.length === 0) doc = structuredClone(op.value);
        else if (Array.isArray(parent)) {
          const index = last === '-' ? parent.length : Number(last);
          if (!Number.isInteger(index) || index < 0 || index > parent.length - (op.op === 'replace' ? 1 : 0)) return fail(`${op.op} operation does not apply: doc is missing path: ${op.path}`);
          parent.splice(index, op.op === 'replace' ? 1 : 0, structuredClone(op.value));
        } else if (isObject(parent) && (op.op === 'add' || Object.hasOwn(parent, last))) parent[last] = structuredClone(op.value);
        else return fail(`${op.op} operation does not apply: doc is missing path: ${op.path}`);
        break;
      case 'remove':
        if (Array.isArray(parent) && Number(last) >= 0 && Number(last) < parent.length) parent.splice(Number(last), 1);
        else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
        else return fail(`remove operation does not apply: doc is missing path: ${op.path}`);
        break;
      default:
        return fail(`unsupported operation ${JSON.stringify(op.op)}`);
    }
  }
  return isObject(doc) ? { patched: doc } : { refused: unprocessable('the patch leaves no object') };
}
