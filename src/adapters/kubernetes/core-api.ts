// client-node's CoreV1Api on its own: with the generated model classes it brings, it is most of
// client-node's code, so ClusterReader imports this module at its first call rather than every
// program at its start.
export { ApiException, CoreV1Api } from '@kubernetes/client-node';
