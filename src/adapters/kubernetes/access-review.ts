// "May I …?" as the cluster answers it: a SelfSubjectAccessReview, made as the person (impersonated)
// so the server's own identity needs nothing but impersonate. The page asks this for every pod row
// it shows (is Shell enabled?), so answers are kept briefly: RBAC rarely changes within seconds,
// and a Role granted now shows within the keep time. Bounded, so many people cannot grow it.
import type { V1SelfSubjectAccessReview, V1SubjectAccessReviewStatus } from '@kubernetes/client-node';
import { nameProblem } from '../../domain/names.ts';
import type { AccessAnswer, AccessCheck } from '../cluster.ts';

/** Verbs, resources and subresources are lowercase words (`create`, `pods`, `exec`, `*`). */
const word = /^(\*|[a-z][a-z0-9.-]{0,62})$/;

export const ACCESS_ANSWER_MS = 10_000;
export const ACCESS_ANSWERS_KEPT = 1_000;

/** Why a check cannot be asked, or undefined. */
export function accessCheckProblem(check: AccessCheck): string | undefined {
  const namespace = nameProblem('namespace', check.namespace);
  if (namespace) return namespace;
  for (const [what, value] of [['verb', check.verb], ['resource', check.resource], ['subresource', check.subresource ?? 'none']] as const) {
    if (typeof value !== 'string' || !word.test(value)) return `${JSON.stringify(value)} is not a valid ${what}: use lowercase letters, digits, "-" and ".".`;
  }
  return undefined;
}

/** The permission in kubectl's words: `create pods/exec in namespace "default"`. */
export function permissionText(check: AccessCheck): string {
  const resource = check.subresource ? `${check.resource}/${check.subresource}` : check.resource;
  return `${check.verb} ${resource} in namespace "${check.namespace}"`;
}

export function reviewBody(check: AccessCheck): V1SelfSubjectAccessReview {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace: check.namespace, verb: check.verb, resource: check.resource, ...(check.subresource ? { subresource: check.subresource } : {}) } },
  };
}

export function accessAnswer(check: AccessCheck, status: V1SubjectAccessReviewStatus | undefined): AccessAnswer {
  const permission = permissionText(check);
  if (status?.allowed) return { allowed: true, reason: `Allowed: ${permission}.` };
  const said = status?.evaluationError ? ` The cluster said: ${status.evaluationError}` : '';
  return { allowed: false, reason: `Not allowed: this needs ${permission}. Ask a cluster admin for a Role that grants it.${said}` };
}

export interface AccessAnswerOptions {
  /** how long an answer is kept; default 10 s */
  keepMs?: number;
  /** at most this many answers; the oldest go first; default 1,000 */
  maxKept?: number;
  /** the clock (tests) */
  now?: () => number;
}

/** Answers by key (person and question); a question asked while its answer is coming shares it. */
export class AccessAnswers {
  readonly #kept = new Map<string, { at: number; answer: Promise<AccessAnswer> }>();
  readonly #keepMs: number;
  readonly #maxKept: number;
  readonly #now: () => number;

  constructor(options: AccessAnswerOptions = {}) {
    this.#keepMs = options.keepMs ?? ACCESS_ANSWER_MS;
    this.#maxKept = Math.max(1, options.maxKept ?? ACCESS_ANSWERS_KEPT);
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#kept.size;
  }

  answer(key: string, ask: () => Promise<AccessAnswer>): Promise<AccessAnswer> {
    const now = this.#now();
    const kept = this.#kept.get(key);
    if (kept && now - kept.at < this.#keepMs) return kept.answer;
    this.#kept.delete(key); // set again below, so the map's order stays the order of age
    const entry = { at: now, answer: ask() };
    this.#kept.set(key, entry);
    // A failure is not an answer: the next question asks again.
    entry.answer.catch(() => {
      if (this.#kept.get(key) === entry) this.#kept.delete(key);
    });
    while (this.#kept.size > this.#maxKept) this.#kept.delete(this.#kept.keys().next().value!);
    return entry.answer;
  }
}
