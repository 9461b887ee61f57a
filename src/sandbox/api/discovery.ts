// Discovery answers: what kubectl reads (and caches) before it lists, execs or asks `auth can-i`.
// The minor version is current so the /usr/bin/kubectl dispatcher picks a WebSocket-capable kubectl.
export const SERVER_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-23T00:00:00Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(hostPort: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: hostPort }] };
}

/** The API groups besides the core one, each at v1, with the resources the sandbox serves (all of them reviews). */
const GROUP_RESOURCES: Record<string, { name: string; kind: string }[]> = {
  'authentication.k8s.io': [
    { name: 'selfsubjectreviews', kind: 'SelfSubjectReview' },
    { name: 'tokenreviews', kind: 'TokenReview' },
  ],
  'authorization.k8s.io': [
    { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview' },
    { name: 'subjectaccessreviews', kind: 'SubjectAccessReview' },
  ],
};

const groupEntry = (name: string) => {
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [version], preferredVersion: version };
};

export const API_GROUP_LIST = { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.keys(GROUP_RESOURCES).map(groupEntry) };

/** `/apis/GROUP`, or undefined for a group the sandbox does not serve. */
export function apiGroup(name: string) {
  return GROUP_RESOURCES[name] ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name) } : undefined;
}

/** `/apis/GROUP/v1`, or undefined. */
export function groupResources(name: string) {
  const resources = GROUP_RESOURCES[name];
  if (!resources) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${name}/v1`,
    resources: resources.map(({ name, kind }) => ({ name, singularName: name.slice(0, -1), namespaced: false, kind, verbs: ['create'] })),
  };
}

export const CORE_V1_RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
    { name: 'pods/ephemeralcontainers', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
  ],
};
