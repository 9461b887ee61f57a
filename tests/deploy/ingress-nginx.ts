// deploy/ingress.example.yaml as ingress-nginx renders it, for the annotations that decide whether
// a file upload and a terminal get through: each becomes the nginx directive ingress-nginx writes
// for it, and one left out takes ingress-nginx's default (its docs: user-guide/nginx-configuration,
// annotations and configmap). Run with the real nginx (tests/support/nginx.ts).
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import { startNginx, type Nginx } from '../support/nginx.ts';

const PREFIX = 'nginx.ingress.kubernetes.io/';

/** annotation → [nginx directive, ingress-nginx's default when the annotation is absent] */
const BODY_DIRECTIVES: Record<string, [string, string]> = {
  'proxy-body-size': ['client_max_body_size', '1m'],
  'proxy-request-buffering': ['proxy_request_buffering', 'on'],
};

/** The example Ingress's annotations. */
function ingressAnnotations(): Record<string, string> {
  const path = new URL('../../deploy/ingress.example.yaml', import.meta.url).pathname;
  // deno-lint-ignore no-explicit-any
  const ingress = (loadAll(readFileSync(path, 'utf8')) as any[]).find((doc) => doc?.kind === 'Ingress');
  return ingress.metadata.annotations ?? {};
}

/** nginx in front of `upstream` as the example Ingress has ingress-nginx put it. */
export function startExampleIngress(upstream: string): Promise<Nginx> {
  const annotations = ingressAnnotations();
  const read = Number(annotations[`${PREFIX}proxy-read-timeout`] ?? 60);
  const send = Number(annotations[`${PREFIX}proxy-send-timeout`] ?? 60);
  return startNginx({
    upstreams: [upstream],
    idleTimeoutSeconds: Math.min(read, send),
    locationDirectives: Object.entries(BODY_DIRECTIVES).map(([name, [directive, fallback]]) => `${directive} ${annotations[PREFIX + name] ?? fallback}`),
  });
}
