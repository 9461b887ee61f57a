// client-node's generated APIs (CoreV1Api for reads, AuthorizationV1Api for "may I" reviews) on
// their own. With the generated model classes they bring they are most of client-node (a megabyte
// and a half when bundled, about 100 ms of a start), so ClusterReader imports this module at its
// first call, and the other adapters import client-node's modules (dist/config.js, exec.js,
// watch.js) rather than its index, which re-exports everything.
export { ApiException, AuthorizationV1Api, CoreV1Api } from '@kubernetes/client-node';
// the HTTP library a person's calls go through: only needed with those APIs
export { impersonatingHttp } from './impersonating-http.ts';
