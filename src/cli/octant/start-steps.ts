// What `octant install` tells a user to do next, for the address the plugin was given: a local
// octant-exec is started on its port; one elsewhere (behind a proxy or an Ingress) runs already,
// and must let Octant's page frame it, from the same site.

/** Octant's own address by default (OCTANT_LISTENER_ADDR): the origin that frames the embed page. */
const OCTANT_ORIGIN = 'http://127.0.0.1:7777';


/** The numbered steps after an install; `octant` is the line that starts Octant. */
export function startSteps(url: string, octant: string): string {
  const target = new URL(url);
  // 127.0.0.1 only: the address octant-exec listens on and signs the browser in at by default, and Octant's own site
  // (localhost or [::1] would be another site, whose framed page the sign-in cookie never reaches)
  if (target.protocol === 'http:' && target.hostname === '127.0.0.1') {
    return `  1. octant-exec --port ${target.port || '80'} --embed-origin ${OCTANT_ORIGIN}
  2. open the URL it prints, once: that signs this browser in
  3. ${octant}`;
  }
  // its sign-in cookie is SameSite=Strict: a browser sends it to a framed page of the same site only
  return `  1. the octant-exec at ${url} must run with --embed-origin ${OCTANT_ORIGIN} (Octant's address) and be
     on the same site as Octant, or the browser keeps its sign-in from the framed tab. For Octant on
     this machine, run octant-exec here too (it reaches the cluster with your kubeconfig):
     octant-exec octant install, without --url, says how
  2. open ${url} once in this browser and sign in
  3. ${octant}`;
}
