// The body of POST /api/v1/batches, checked strictly before anything reaches the cluster, in the
// manner of exec-body.ts: known keys only, Kubernetes names (SECURITY.md item 4), a label
// selector of bounded length made of the characters selectors use, and a custom command as argv
// (item 6: `{"line"}` is split by src/domain/command-line.ts, never given to a shell).
import { defaultBatchConcurrency } from '../domain/batch.ts';
import type { BatchSelection } from '../runtime/batch-targets.ts';
import { checkName, optionalSeconds, parseArgvCommand, wholeNumber } from './exec-body.ts';
import { isObject } from './json-object.ts';
import { HttpError } from './replies.ts';

/** pods one request may name */
export const BATCH_MAX_PODS = 256;
/** containers one batch may run in (after the selector is resolved): as many as one socket may show */
export const BATCH_MAX_TARGETS = 256;
/**
 * containers a batch may report as not running: each is a result in the batch's log entry and in
 * every `batch` message, so a selector over a namespace of thousands of Completed Job pods is
 * refused with a sentence rather than made a row of thousands
 */
export const BATCH_MAX_SKIPPED = 1024;
export const BATCH_MAX_CONCURRENCY = 64;
/** longest per-exec timeout a batch may ask for: a day */
const MAX_TIMEOUT_SECONDS = 86_400;
export const LABEL_SELECTOR_MAX_LENGTH = 1024;
/**
 * What a label selector is written with: keys and values (letters, digits, `-_./`), the
 * operators `=`, `==`, `!=`, `!`, `in (…)`, `notin (…)`, commas and blanks. Anything else
 * (quotes, `;`, `&`, `%`, control characters) cannot be part of a selector and is refused here
 * rather than sent on.
 */
const selectorCharacters = /^[A-Za-z0-9_./=!,() -]+$/;

export interface BatchBody extends BatchSelection {
  argv: string[];
  concurrency: number;
  timeoutMs?: number;
}

const allowedKeys = new Set(['context', 'namespace', 'pods', 'labelSelector', 'container', 'allContainers', 'command', 'concurrency', 'timeoutSeconds']);

export function parseBatchBody(body: unknown): BatchBody {
  if (!isObject(body)) throw new HttpError(400, 'The body must be a JSON object: {namespace, pods or labelSelector, command}.');
  for (const key of Object.keys(body)) if (!allowedKeys.has(key)) throw new HttpError(400, `Unknown field "${key.slice(0, 40)}": allowed are ${[...allowedKeys].join(', ')}.`);
  const { context, namespace, pods, labelSelector, container, allContainers, command, concurrency, timeoutSeconds } = body;
  if (context !== undefined && (typeof context !== 'string' || context === '' || context.length > 253)) throw new HttpError(400, 'context must be a context name from GET /api/v1/contexts.');
  checkName('namespace', namespace);

  if ((pods === undefined) === (labelSelector === undefined)) throw new HttpError(400, 'Say which pods: give either pods (a list of names) or labelSelector, exactly one of them.');
  if (pods !== undefined) {
    if (!Array.isArray(pods) || pods.length === 0 || pods.length > BATCH_MAX_PODS) throw new HttpError(400, `pods must be a list of 1 to ${BATCH_MAX_PODS} pod names.`);
    for (const name of pods) checkName('pod', name);
    if (new Set(pods).size !== pods.length) throw new HttpError(400, 'pods names a pod twice.');
  } else {
    checkSelector(labelSelector);
  }

  if (container !== undefined && allContainers !== undefined) throw new HttpError(400, 'Give either container or allContainers, not both.');
  if (container !== undefined) checkName('container', container);
  if (allContainers !== undefined && allContainers !== true) throw new HttpError(400, 'allContainers must be true (leave it out for each pod\'s default container).');

  if (command === undefined) throw new HttpError(400, 'A batch needs a command: {"argv": [...]} or {"line": "..."}.');
  const argv = parseArgvCommand(command);

  const chosenConcurrency = concurrency === undefined ? defaultBatchConcurrency : wholeNumber('concurrency', concurrency, 1, BATCH_MAX_CONCURRENCY);
  const timeoutMs = optionalSeconds('timeoutSeconds', timeoutSeconds, MAX_TIMEOUT_SECONDS);

  return {
    ...(context !== undefined ? { context: context as string } : {}),
    namespace,
    ...(pods !== undefined ? { pods: pods as string[] } : { labelSelector: (labelSelector as string).trim() }),
    ...(container !== undefined ? { container } : {}),
    ...(allContainers === true ? { allContainers: true } : {}),
    argv,
    concurrency: chosenConcurrency,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

function checkSelector(selector: unknown): asserts selector is string {
  if (typeof selector !== 'string' || selector.trim() === '') throw new HttpError(400, 'labelSelector must be a label selector such as "app=worker".');
  if (selector.length > LABEL_SELECTOR_MAX_LENGTH) throw new HttpError(400, `labelSelector is longer than ${LABEL_SELECTOR_MAX_LENGTH} characters.`);
  if (!selectorCharacters.test(selector)) {
    throw new HttpError(400, 'labelSelector may only use letters, digits, "-", "_", ".", "/", "=", "!", ",", "(", ")" and spaces, as in "app=worker,tier!=db" or "env in (prod,staging)".');
  }
}
