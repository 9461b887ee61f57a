// `/apis/…`: discovery of the authentication and authorization groups, and their reviews, which
// are created (POST) and answered at once, never stored. Everything else there is a 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroup, groupResources } from './discovery.ts';
import { sendJson, sendStatus } from './http-replies.ts';
import { methodNotAllowed, pathNotFound } from './kube-status.ts';
import { readObjectBody } from './request-body.ts';
import { REVIEWS, type ReviewContext } from './reviews.ts';

export function handleGroupRequest(ctx: ReviewContext, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const [group, version, resource, ...more] = pathname.split('/').filter(Boolean).slice(1);
  const get = req.method === 'GET';
  if (version === undefined) {
    const found = apiGroup(group);
    if (!found) return sendStatus(res, pathNotFound());
    return get ? sendJson(res, 200, found) : sendStatus(res, methodNotAllowed());
  }
  const resources = version === 'v1' ? groupResources(group) : undefined;
  if (!resources) return sendStatus(res, pathNotFound());
  if (resource === undefined) return get ? sendJson(res, 200, resources) : sendStatus(res, methodNotAllowed());
  const review = REVIEWS[`${group}/${resource}`];
  if (!review || more.length > 0) return sendStatus(res, pathNotFound());
  if (req.method !== 'POST') return sendStatus(res, methodNotAllowed());
  void readObjectBody(req, { kind: review.kind, apiVersion: `${review.group}/v1`, protobuf: review.protobuf }).then((read) => {
    if ('refused' in read) return sendStatus(res, read.refused);
    const answer = review.answer(read.value, ctx);
    return 'refused' in answer ? sendStatus(res, answer.refused) : sendJson(res, 201, answer.created);
  });
}
