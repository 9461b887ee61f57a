// The authorizer seam, as Kubernetes has it: a decision and a reason. `deny` is final and
// `noOpinion` lets the next authorizer decide; when none allows, the request is refused.
import type { UserInfo } from '../auth/user-info.ts';
import type { Attributes } from './attributes.ts';

export interface Decision {
  decision: 'allow' | 'deny' | 'noOpinion';
  /** why (`RBAC: allowed by …`), or what went wrong on the way; "" when nothing to say */
  reason: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attributes: Attributes): Decision;
}

/** Asks each authorizer in turn until one allows or denies, as the API server's union does. */
export function unionAuthorizer(authorizers: Authorizer[]): Authorizer {
  return {
    authorize(user, attributes) {
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const result = authorizer.authorize(user, attributes);
        if (result.decision !== 'noOpinion') return result;
        if (result.reason) reasons.push(result.reason);
      }
      return { decision: 'noOpinion', reason: reasons.join('\n') };
    },
  };
}
