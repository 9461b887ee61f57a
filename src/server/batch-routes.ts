// The batch routes of the API table (http-api.ts; docs/api.md, "POST /batches"): start one, read
// them, cancel one. Another person's batch is as unknown as one that never was (404 on every
// route): an id is never confirmed.
import type { IncomingMessage } from 'node:http';
import { actingFor, refuseWhileStoreIsDown, settled, type ApiCall, type Route } from './api-call.ts';
import { readJson } from './read-json.ts';
import { resolveBatchTargets } from '../runtime/batch-targets.ts';
import { BATCH_MAX_SKIPPED, BATCH_MAX_TARGETS, parseBatchBody, type BatchBody } from './batch-body.ts';
import { batchView } from './batch-view.ts';
import { owns, sees } from './caller.ts';
import { HttpError } from './replies.ts';
import { visibleBatches } from './visible.ts';
import { listFilter } from './list-filter.ts';
import { isId, type BatchesReply, type BatchReply, type BatchStarted } from '../protocol/index.ts';

export function batchRoutes(segment: string): Route[] {
  return [
    { method: 'POST', pattern: /^\/batches$/, handler: (ctx, req) => createBatch(ctx, req), status: 201 },
    { method: 'GET', pattern: /^\/batches$/, handler: (ctx, _req, url) => batches(ctx, url) },
    { method: 'GET', pattern: new RegExp(`^/batches/${segment}$`), handler: (ctx, _req, _url, [id]): BatchReply => ({ batch: batchView(visibleBatch(ctx, id)) }) },
    { method: 'POST', pattern: new RegExp(`^/batches/${segment}/cancel$`), handler: (ctx, _req, _url, [id]) => cancelBatch(ctx, id) },
  ];
}

function batches(ctx: ApiCall, url: URL): BatchesReply {
  const wanted = listFilter(url);
  return { batches: visibleBatches(ctx.system, ctx.caller).filter((row) => wanted(row.person, row.state === 'running')) };
}

async function createBatch(ctx: ApiCall, req: IncomingMessage): Promise<BatchStarted> {
  const body = parseBatchBody(await readJson(req));
  refuseWhileStoreIsDown(ctx);
  // the context is checked (and its user named) before the pods are read
  const who = actingFor(ctx, body.context);
  const { targets, skipped } = await resolveBatchTargets(ctx.reader, body);
  if (targets.length === 0 && skipped.length === 0) throw new HttpError(404, await nothingMatches(ctx, body));
  if (targets.length > BATCH_MAX_TARGETS) {
    throw new HttpError(400, `The batch would run in ${targets.length} containers; one batch runs in at most ${BATCH_MAX_TARGETS}: narrow the selector or name a container.`);
  }
  if (skipped.length > BATCH_MAX_SKIPPED) {
    throw new HttpError(400, `The selector matches ${skipped.length} containers that are not running; one batch reports at most ${BATCH_MAX_SKIPPED}: narrow the selector to the pods that run, or name a container. The first: ${skipped[0].reason}`);
  }
  const batchId = ctx.system.batch({ argv: body.argv, ...who, concurrency: body.concurrency, ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}) }, targets, skipped);
  await settled(ctx);
  return { batchId, targets, skipped };
}

/**
 * A selector that matches no pod: the cluster lists a namespace that is not there as empty, as it
 * does one where nothing matches, so the namespaces say which of the two is wrong (someone who may
 * not list them gets the selector's sentence).
 */
async function nothingMatches(ctx: ApiCall, body: BatchBody): Promise<string> {
  const namespaces = await ctx.reader.namespaces(body.context).catch(() => undefined);
  if (namespaces && !namespaces.includes(body.namespace)) return `There is no namespace "${body.namespace}": GET /api/v1/namespaces lists them.`;
  return `No pod in namespace "${body.namespace}" matches the label selector "${body.labelSelector?.slice(0, 200)}".`;
}

function visibleBatch(ctx: ApiCall, id: string) {
  const row = isId(id) ? ctx.system.batches.byId[id] : undefined;
  if (!row || !sees(ctx.caller, row.person)) throw new HttpError(404, `There is no batch "${id.slice(0, 64)}".`);
  return row;
}

/** Its owner stops it (an admin watches others' terminals, never ends them): nothing more of it starts, its running commands are stopped (their terminals stay, with their output). One that is done is answered as it is. */
async function cancelBatch(ctx: ApiCall, id: string): Promise<BatchReply> {
  const row = visibleBatch(ctx, id);
  if (!owns(ctx.caller, row.person)) throw new HttpError(403, `Batch ${id} belongs to ${row.person?.user ?? 'the local user (it is from before team mode)'}: you can watch it; only its owner can cancel it.`);
  if (row.state === 'running' && !ctx.system.cancelBatch(id, ctx.caller.person?.user)) {
    // with replicas sharing a log, a batch runs where it was started, and only there can it be stopped
    throw new HttpError(409, `Batch ${id} runs on another replica of octant-exec: cancel it from a page that replica serves.`);
  }
  await settled(ctx);
  return { batch: batchView(ctx.system.batches.byId[id] ?? row) };
}
