// List and watch filters: labelSelector (label-selector.ts) and the two field selectors pods
// are usually filtered by.
import { badRequest, type StatusError } from './kube-status.ts';
import { parseLabelSelector } from './label-selector.ts';
import type { KubeObject } from './pod-objects.ts';

export type PodFilter = (pod: KubeObject) => boolean;

export function podFilter(query: URLSearchParams): PodFilter | StatusError {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  if (!labels) return badRequest(`unable to parse requirement: invalid label selector "${query.get('labelSelector')}"`);
  const fields: [string, string][] = [];
  for (const part of (query.get('fieldSelector') ?? '').split(',').filter(Boolean)) {
    const m = /^(metadata\.name|metadata\.namespace)\s*==?\s*(.*)$/.exec(part.trim());
    if (!m) return badRequest(`field label not supported: ${part.split(/[=!]/)[0]}`);
    fields.push([m[1].slice('metadata.'.length), m[2]]);
  }
  return (pod) => labels((pod.metadata.labels ?? {}) as Record<string, string>) && fields.every(([key, value]) => pod.metadata[key] === value);
}
