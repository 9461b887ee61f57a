// What `octant install` tells a user to do next, for the address the plugin was given: a local
// octant-exec is started on its port; one elsewhere (behind a proxy or an Ingress) runs already,
// and only needs to let Octant's page frame it.

/** Octant's own address by default (OCTANT_LISTENER_ADDR): the origin that frames the embed page. */
const OCTANT_ORIGIN = 'http://127.0.0.1:7777';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The numbered steps after an install; `octant` is the line that starts Octant. */
export function startSteps(url: string, octant: string): string {
  const target = new URL(url);
  if (target.protocol === 'http:' && LOOPBACK.has(target.hostname)) {
    return `  1. octant-exec --port ${target.port || '80'} --embed-origin ${OCTANT_ORIGIN}
  2. open the URL it prints, once: that signs this browser in
  3. ${octant}`;
  }
  return `  1. the octant-exec at ${url} must let Octant's page frame it: it runs with --embed-origin ${OCTANT_ORIGIN} (in a cluster, among the Deployment's args)
  2. open ${url} once in this browser and sign in
  3. ${octant}`;
}
