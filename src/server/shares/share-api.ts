// The share routes of the API table (http-api.ts), kept here so the table grows by one line.
import type { Route } from '../api-call.ts';
import { readJson } from '../read-json.ts';
import { changeWatcher, createShare, listShares, revokeShare, sharedView } from './share-routes.ts';

export function shareRoutes(segment: string): Route[] {
  const shares = `^/sessions/${segment}/shares`;
  return [
    { method: 'POST', pattern: new RegExp(`${shares}$`), handler: async (ctx, req, _url, [id]) => createShare(ctx, id, await readJson(req)), status: 201 },
    { method: 'GET', pattern: new RegExp(`${shares}$`), handler: (ctx, _req, _url, [id]) => listShares(ctx, id) },
    { method: 'DELETE', pattern: new RegExp(`${shares}/${segment}$`), handler: (ctx, _req, _url, [id, shareId]) => revokeShare(ctx, id, shareId) },
    { method: 'POST', pattern: new RegExp(`${shares}/${segment}/watchers$`), handler: async (ctx, req, _url, [id, shareId]) => changeWatcher(ctx, id, shareId, await readJson(req)) },
    { method: 'GET', pattern: /^\/shared$/, handler: (ctx, _req, url) => sharedView(ctx, url), forShareLink: true },
  ];
}
