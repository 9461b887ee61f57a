// One request's audit record, filled in as the request goes (who the token said, who it
// impersonated, what the authorizer decided) and turned into an audit.k8s.io/v1 Event when the
// response is complete, in kube-apiserver's shape at level Metadata: no request or response
// bodies, no headers, so no token.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Attributes } from '../rbac/attributes.ts';
import type { Decision } from '../rbac/authorizer.ts';
import { userInfoJson, type UserInfo } from '../auth/user-info.ts';
import type { KubeStatus } from '../transports/exec-channels.ts';
import { requestAttributes } from '../auth/request-attributes.ts';
import { splitRequestUrl } from '../api/request-url.ts';

export class AuditEntry {
  readonly auditID = randomUUID();
  readonly received = new Date();
  readonly requestURI: string;
  /** what the request asks to do, resolved before anything else, as the API server's RequestInfo is */
  readonly attributes: Attributes;
  private readonly userAgent: string | undefined;
  private readonly sourceIP: string | undefined;
  /** who the token says the caller is; unset when it said nobody (401) */
  user?: UserInfo;
  impersonatedUser?: UserInfo;
  decision?: Decision;

  constructor(req: IncomingMessage) {
    this.requestURI = req.url ?? '/';
    const { pathname, searchParams } = splitRequestUrl(req.url);
    this.attributes = requestAttributes(req.method ?? 'GET', pathname, searchParams);
    this.userAgent = req.headers['user-agent'];
    this.sourceIP = req.socket.remoteAddress;
  }

  /** The audit.k8s.io/v1 Event of the completed request; `code` is undefined when the client left before any answer. */
  event(code: number | undefined, status: KubeStatus | undefined, completed = new Date()): Record<string, unknown> {
    const a = this.attributes;
    return {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: this.auditID,
      stage: 'ResponseComplete',
      requestURI: this.requestURI,
      verb: a.verb,
      user: this.user ? userInfoJson(this.user) : {},
      ...(this.impersonatedUser ? { impersonatedUser: userInfoJson(this.impersonatedUser) } : {}),
      ...(this.sourceIP ? { sourceIPs: [this.sourceIP] } : {}),
      ...(this.userAgent ? { userAgent: this.userAgent } : {}),
      ...(a.resourceRequest ? { objectRef: objectRef(a) } : {}),
      ...(code === undefined ? {} : { responseStatus: { metadata: {}, code, ...(status?.status === 'Failure' ? { status: 'Failure', message: status.message, reason: status.reason } : {}) } }),
      requestReceivedTimestamp: microseconds(this.received),
      stageTimestamp: microseconds(completed),
      ...(this.decision
        ? {
            annotations: {
              'authorization.k8s.io/decision': this.decision.decision === 'allow' ? 'allow' : 'forbid',
              'authorization.k8s.io/reason': this.decision.reason,
            },
          }
        : {}),
    };
  }
}

function objectRef(a: Extract<Attributes, { resourceRequest: true }>) {
  return {
    resource: a.resource,
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.apiGroup ? { apiGroup: a.apiGroup } : {}),
    apiVersion: a.apiVersion,
    ...(a.subresource ? { subresource: a.subresource } : {}),
  };
}

/** kube-apiserver writes RFC 3339 times with microseconds; JavaScript has milliseconds. */
const microseconds = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
