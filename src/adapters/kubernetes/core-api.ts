// client-node's CoreV1Api on its own. With the generated model classes it brings it is most of
// client-node (a megabyte and a half when bundled, about 100 ms of a start), so ClusterReader
// imports this module at its first call, and the other adapters import client-node's modules
// (dist/config.js, exec.js, watch.js) rather than its index, which re-exports everything.
export { ApiException, CoreV1Api } from '@kubernetes/client-node';
