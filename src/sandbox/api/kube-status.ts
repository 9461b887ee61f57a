// metav1.Status bodies the way the API server words them, so clients (kubectl, client-node,
// our own adapters) take the same branches they take against a real cluster.
import type { KubeStatus } from '../transports/exec-channels.ts';
import type { Attributes } from '../rbac/attributes.ts';

export interface StatusError {
  code: number;
  status: KubeStatus;
}

export function failure(code: number, reason: string, message: string, details?: KubeStatus['details']): StatusError {
  return {
    code,
    status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code },
  };
}

export const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');

export const badRequest = (message: string) => failure(400, 'BadRequest', message);

export const notFound = (kind: 'pods' | 'namespaces', name: string) =>
  failure(404, 'NotFound', `${kind} "${name}" not found`, { name, kind });

export const pathNotFound = () => failure(404, 'NotFound', 'the server could not find the requested resource');

/** A fault injected on purpose (faults.ts): the code asked for, worded like the API server's InternalError. */
export const injectedFailure = (code: number) => failure(code, 'InternalError', `Internal error occurred: injected fault (HTTP ${code})`);

export const methodNotAllowed = () => failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

/**
 * An authorizer's refusal, word for word as the API server writes it:
 * `pods "web" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "default"`,
 * `users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope`,
 * `forbidden: User "bob" cannot get path "/logs"`; the authorizer's reason, if any, after a colon.
 */
export function forbidden(username: string, attributes: Attributes, reason = ''): StatusError {
  // The API server escapes these so that no message reads as HTML; quotes stay.
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const because = reason ? `: ${reason}` : '';
  if (!attributes.resourceRequest) {
    return failure(403, 'Forbidden', `forbidden: ${escape(`User "${username}" cannot ${attributes.verb} path "${attributes.path}"`)}${because}`, {});
  }
  const { verb, apiGroup, resource, subresource, namespace, name } = attributes;
  const full = subresource ? `${resource}/${subresource}` : resource;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const what = apiGroup ? `${resource}.${apiGroup}` : resource;
  const subject = name ? `${what} "${name}"` : what;
  const message = `${subject} is forbidden: ${escape(`User "${username}" cannot ${verb} resource "${full}" in API group "${apiGroup}" ${scope}`)}${because}`;
  return failure(403, 'Forbidden', message, { ...(name ? { name } : {}), ...(apiGroup ? { group: apiGroup } : {}), kind: resource });
}

export const execSuccess = (): KubeStatus => ({ metadata: {}, status: 'Success' });

/**
 * What containerd's streaming server reports for a process that ended with a non-zero code
 * (0–255); the message wraps its `error executing command [argv], exit code N`.
 */
export function execExitCode(code: number, argv: string[]): KubeStatus {
  if (code === 0) return execSuccess();
  return {
    metadata: {},
    status: 'Failure',
    reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * apierrors.NewInternalError as the kubelet's streaming server writes it for an exec that could
 * not start: kubectl prints `error: Internal error occurred: …` and exits 1.
 */
export function execInternalError(cause: string): KubeStatus {
  return {
    metadata: {},
    status: 'Failure',
    reason: 'InternalError',
    message: `Internal error occurred: ${cause}`,
    details: { causes: [{ message: cause }] },
    code: 500,
  };
}

/**
 * A create past the sandbox's pod quota, in a ResourceQuota's words: `pods "x" is forbidden:
 * exceeded quota: sandbox-created-pods, requested: pods=1, used: pods=50, limited: pods=50`.
 */
export const exceededPodQuota = (name: string, used: number, limited: number) =>
  failure(403, 'Forbidden', `pods "${name}" is forbidden: exceeded quota: sandbox-created-pods, requested: pods=1, used: pods=${used}, limited: pods=${limited}`, { name, kind: 'pods' });

export const alreadyExists = (kind: 'pods', name: string) => failure(409, 'AlreadyExists', `${kind} "${name}" already exists`, { name, kind });

/** One field's problem, as apimachinery's field.Error has it: `Required value`, `Invalid value: "x": why`, `Forbidden: why`… */
export interface FieldProblem {
  field: string;
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueDuplicate' | 'FieldValueNotFound' | 'FieldValueNotSupported';
  /** the error's body, without the field: `Required value` */
  message: string;
}

/** A 422 Invalid as the API server words it: one problem inline, several in brackets. */
export function invalid(kind: 'Pod', name: string, problems: FieldProblem[]): StatusError {
  const each = problems.map((p) => `${p.field}: ${p.message}`);
  const message = `${kind} "${name}" is invalid: ${each.length === 1 ? each[0] : `[${each.join(', ')}]`}`;
  return failure(422, 'Invalid', message, { name, kind, causes: problems.map(({ reason, message, field }) => ({ reason, message, field })) });
}
