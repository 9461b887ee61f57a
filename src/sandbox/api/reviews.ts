// The review APIs, answered as kube-apiserver answers them: TokenReview (whose is this token?),
// SelfSubjectReview (who am I? `kubectl auth whoami`), SubjectAccessReview (may this user do
// this?) and SelfSubjectAccessReview (may I? `kubectl auth can-i`). Each takes the decoded body
// and returns the object to send back (201) or a Status to refuse with.
import type { Attributes } from '../rbac/attributes.ts';
import { resourceAttributes } from '../rbac/attributes.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import type { TokenAuthenticator } from '../auth/token-authenticator.ts';
import { userInfoJson, type UserInfo } from '../auth/user-info.ts';
import { badRequest, failure, type StatusError } from './kube-status.ts';
import type { Schema } from './protobuf-decoding.ts';

export interface ReviewContext {
  /** who asks: the impersonated user when the request impersonates */
  caller: UserInfo;
  tokens: TokenAuthenticator;
  authorizer: Authorizer;
}

/** The review as the API returns it (201), or the Status it is refused with. */
export type Answer = { created: Record<string, unknown> } | { refused: StatusError };

export interface Review {
  group: 'authentication.k8s.io' | 'authorization.k8s.io';
  kind: string;
  /** the fields of its protobuf encoding that the answer reads (k8s.io/api generated.proto) */
  protobuf: Schema;
  answer(body: Record<string, unknown>, ctx: ReviewContext): Answer;
}

const RESOURCE_ATTRIBUTES: Schema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};
const ACCESS_SPEC: Schema = { 1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }] };

const reply = (review: Review, fields: Record<string, unknown>): Answer => ({
  created: { kind: review.kind, apiVersion: `${review.group}/v1`, metadata: { creationTimestamp: null }, ...fields },
});

const tokenReview: Review = {
  group: 'authentication.k8s.io',
  kind: 'TokenReview',
  protobuf: { 2: ['spec', { 1: ['token', 'string'], 2: ['audiences', 'strings'] }] },
  answer(body, ctx) {
    const spec = body.spec as { token?: unknown } | undefined;
    if (typeof spec?.token !== 'string' || spec.token === '') return { refused: badRequest('token is required for TokenReview in authentication') };
    const user = ctx.tokens.authenticate(spec.token);
    // `authenticated: false` is left out, as Go's omitempty leaves it out.
    return reply(this, { spec, status: user ? { authenticated: true, user: userInfoJson(user) } : { user: {} } });
  },
};

const selfSubjectReview: Review = {
  group: 'authentication.k8s.io',
  kind: 'SelfSubjectReview',
  protobuf: {},
  answer(_body, ctx) {
    return reply(this, { status: { userInfo: userInfoJson(ctx.caller) } });
  },
};

const subjectAccessReview: Review = {
  group: 'authorization.k8s.io',
  kind: 'SubjectAccessReview',
  protobuf: { 2: ['spec', { ...ACCESS_SPEC, 3: ['user', 'string'], 4: ['groups', 'strings'], 6: ['uid', 'string'] }] },
  answer(body, ctx) {
    const spec = (body.spec ?? {}) as Record<string, unknown>;
    const asked = accessAttributes(this, spec);
    if ('refused' in asked) return asked;
    const errors = 'invalid' in asked ? asked.invalid : [];
    const user = typeof spec.user === 'string' ? spec.user : '';
    const groups = Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
    if (user === '' && groups.length === 0) errors.push({ field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' });
    if (errors.length || !('attributes' in asked)) return { refused: invalid(this, errors) };
    const uid = typeof spec.uid === 'string' && spec.uid ? { uid: spec.uid } : {};
    // Exactly the user and groups given: a SubjectAccessReview adds no system:authenticated.
    return reply(this, { spec, status: decide(ctx.authorizer, { username: user, groups, ...uid }, asked.attributes) });
  },
};

const selfSubjectAccessReview: Review = {
  group: 'authorization.k8s.io',
  kind: 'SelfSubjectAccessReview',
  protobuf: { 2: ['spec', ACCESS_SPEC] },
  answer(body, ctx) {
    const spec = (body.spec ?? {}) as Record<string, unknown>;
    const asked = accessAttributes(this, spec);
    if ('refused' in asked) return asked;
    if ('invalid' in asked) return { refused: invalid(this, asked.invalid) };
    return reply(this, { spec, status: decide(ctx.authorizer, ctx.caller, asked.attributes) });
  },
};

/** By resource, as the routes find them: `authorization.k8s.io/subjectaccessreviews`. */
export const REVIEWS: Record<string, Review> = {
  'authentication.k8s.io/tokenreviews': tokenReview,
  'authentication.k8s.io/selfsubjectreviews': selfSubjectReview,
  'authorization.k8s.io/subjectaccessreviews': subjectAccessReview,
  'authorization.k8s.io/selfsubjectaccessreviews': selfSubjectAccessReview,
};

function decide(authorizer: Authorizer, user: UserInfo, attributes: Attributes) {
  const { decision, reason } = authorizer.authorize(user, attributes);
  return { allowed: decision === 'allow', ...(decision === 'deny' ? { denied: true } : {}), ...(reason ? { reason } : {}) };
}

type FieldError = { field: string; message: string };
const RESOURCE_FIELDS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
const PATH_FIELDS = ['path', 'verb'];

/** The attributes a review asks about: exactly one of resourceAttributes and nonResourceAttributes, strings throughout. */
function accessAttributes(review: Review, spec: Record<string, unknown>): { attributes: Attributes } | { invalid: FieldError[] } | { refused: StatusError } {
  const resource = spec.resourceAttributes as Record<string, unknown> | undefined | null;
  const path = spec.nonResourceAttributes as Record<string, unknown> | undefined | null;
  if (!resource === !path) return { invalid: [{ field: 'spec', message: 'Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified' }] };
  const [given, fields, where] = resource ? [resource, RESOURCE_FIELDS, 'resourceAttributes'] : [path!, PATH_FIELDS, 'nonResourceAttributes'];
  const wrong = typeof given !== 'object' || Array.isArray(given) ? '' : fields.find((field) => given[field] !== undefined && typeof given[field] !== 'string');
  if (wrong !== undefined) {
    return { refused: badRequest(`the object provided is unrecognized (must be of type ${review.kind}): spec.${where}${wrong ? `.${wrong}` : ''} must be ${wrong ? 'a string' : 'an object'}`) };
  }
  const text = (field: string) => (given[field] as string | undefined) ?? '';
  if (path) return { attributes: { resourceRequest: false, verb: text('verb'), path: text('path') } };
  return {
    attributes: resourceAttributes({ verb: text('verb'), apiGroup: text('group'), apiVersion: text('version'), resource: text('resource'), subresource: text('subresource'), namespace: text('namespace'), name: text('name') }),
  };
}

/** The API server's 422: `SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: …`. */
function invalid(review: Review, errors: FieldError[]): StatusError {
  const texts = errors.map((e) => `${e.field}: ${e.message}`);
  const message = `${review.kind}.${review.group} "" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
  return failure(422, 'Invalid', message, { group: review.group, kind: review.kind, causes: errors.map((e) => ({ reason: 'FieldValueInvalid', message: e.message, field: e.field })) });
}
