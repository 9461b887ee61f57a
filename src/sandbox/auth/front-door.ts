// What every request and every upgrade passes before any route sees it, in kube-apiserver's order:
// the bearer token (401), the impersonation headers (400 when malformed, 403 without the right to
// impersonate), then authorization of the request as whoever it now acts as (403). The audit
// entry learns each answer as it comes.
import type { IncomingMessage } from 'node:http';
import type { Attributes } from '../rbac/attributes.ts';
import type { Authorizer, Decision } from '../rbac/authorizer.ts';
import { forbidden, unauthorized, type StatusError } from '../api/kube-status.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { impersonate } from './impersonation.ts';
import { bearerToken, type TokenAuthenticator } from './token-authenticator.ts';
import type { UserInfo } from './user-info.ts';

export interface Access {
  tokens: TokenAuthenticator;
  authorizer: Authorizer;
}

/** Who a request acts as: the impersonated user when it impersonates, else who its token says. */
export type Admission = { caller: UserInfo } | { refused: StatusError };

export function admitRequest(access: Access, req: IncomingMessage, entry: AuditEntry): Admission {
  const user = access.tokens.authenticate(bearerToken(req.headers.authorization));
  if (!user) return { refused: unauthorized() };
  entry.user = user;
  const impersonation = impersonate(req.headersDistinct, user, access.authorizer);
  if ('refused' in impersonation) return impersonation;
  const caller = 'user' in impersonation ? impersonation.user : user;
  if ('user' in impersonation) entry.impersonatedUser = caller;
  const checked = authorize(access.authorizer, caller, entry.attributes);
  entry.decision = checked.decision;
  return checked.refused ? { refused: checked.refused } : { caller };
}

/** The authorizer's decision, and the API server's 403 when it does not allow. */
export function authorize(authorizer: Authorizer, user: UserInfo, attributes: Attributes): { decision: Decision; refused?: StatusError } {
  const decision = authorizer.authorize(user, attributes);
  return decision.decision === 'allow' ? { decision } : { decision, refused: forbidden(user.username, attributes, decision.reason) };
}
