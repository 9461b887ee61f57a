// `execForbidden: true` on a fixture pod (docs/sandbox.md): exec and attach into it are denied to
// everyone, the admin included, whatever RBAC grants, as a deny from a webhook authorizer would be.
// Only `create` is denied, the verb SPDY's POST and every WebSocket exec need, so the refusal
// reads `cannot create resource "pods/exec"` over either transport.
import type { ClusterState } from '../api/cluster-state.ts';
import type { Authorizer } from '../rbac/authorizer.ts';

const DENIED_SUBRESOURCES = ['exec', 'attach'];

export function execForbiddenAuthorizer(state: ClusterState): Authorizer {
  return {
    authorize(_user, a) {
      const denied =
        a.resourceRequest &&
        a.verb === 'create' &&
        a.apiGroup === '' &&
        a.resource === 'pods' &&
        DENIED_SUBRESOURCES.includes(a.subresource) &&
        state.pod(a.namespace, a.name)?.fixture.execForbidden === true;
      return { decision: denied ? 'deny' : 'noOpinion', reason: '' };
    },
  };
}
