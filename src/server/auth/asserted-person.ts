// A person as a proxy's headers or an identity provider's claims assert them (proxy, oidc): names
// that go straight into Impersonate-User and Impersonate-Group, and the server's identity may
// impersonate any user and any group. Names starting with `system:` are Kubernetes' own: the group
// system:masters is cluster-admin by the API server itself (no RBAC can take that away), and
// system:serviceaccount:…, system:node:… and system:kube-controller-manager are the cluster's
// components. Nobody becomes one because a header or a claim says so:
// - a user name starting with `system:` is refused, with a sentence that says why;
// - groups starting with `system:` are dropped (the API server adds system:authenticated to every
//   impersonated user itself), and the server log says so once per distinct group.
// The configured prefixes are prepended first, as kube-apiserver's --oidc-username-prefix and
// --oidc-groups-prefix do, so a person has the name the cluster's RBAC binds; the check is on the
// name as it is sent. (kube-token needs none of this: there the cluster itself names the person.)
import type { Person } from '../../domain/person.ts';
import { endsInSpace, personFrom, SPACED_GROUP_WHY } from './person-names.ts';

/** Kubernetes' own names begin so. */
export const RESERVED_PREFIX = 'system:';
/** Distinct dropped groups remembered for the once-only log line; past it, nothing more is logged. */
const MAX_WARNED = 1000;

export interface NamePrefixes {
  /** prepended to the user name ('' for none) */
  username: string;
  /** prepended to each group ('' for none) */
  groups: string;
}

export const NO_PREFIXES: NamePrefixes = { username: '', groups: '' };

export class AssertedNames {
  readonly #warned = new Set<string>();

  constructor(
    private readonly prefixes: NamePrefixes,
    /** says what dropped a group, for the log line: "proxy sign-in", "oidc sign-in" */
    private readonly who: string,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * The person the names make, or a sentence that says why they cannot be one (never the value);
   * `reserved` when the names are fine but the user is one of Kubernetes' own.
   */
  person(user: string, groups: readonly string[], source: { user: string; groups: string }): Person | { problem: string; reserved?: true } {
    // A group with white space at an end is dropped, as a system: one is (dropping only takes rights
    // away); one such group at the provider would otherwise lock every member out, unsaid which.
    const prefixed = groups.map((group) => this.prefixes.groups + group);
    const spaced = prefixed.filter(endsInSpace);
    if (spaced.length) this.#dropped(spaced, source.groups, SPACED_GROUP_WHY);
    const person = personFrom(this.prefixes.username + user, prefixed.filter((group) => !endsInSpace(group)), source);
    if ('problem' in person) return person;
    if (person.user.startsWith(RESERVED_PREFIX)) {
      return { problem: `The user name in ${source.user} starts with "${RESERVED_PREFIX}", which Kubernetes keeps for its own components and service accounts: octant-exec never acts as such a name.`, reserved: true };
    }
    const kept = person.groups.filter((group) => !group.startsWith(RESERVED_PREFIX));
    if (kept.length < person.groups.length) this.#dropped(person.groups.filter((group) => group.startsWith(RESERVED_PREFIX)), source.groups, `groups starting with "${RESERVED_PREFIX}" are Kubernetes' own, never impersonated`);
    return { user: person.user, groups: kept };
  }

  #dropped(groups: string[], source: string, why: string): void {
    for (const group of groups) {
      if (this.#warned.has(group) || this.#warned.size >= MAX_WARNED) continue;
      this.#warned.add(group);
      // A group name is no credential; JSON.stringify shows any control character escaped.
      this.warn(`${this.who}: dropped the group ${JSON.stringify(group)} from ${source}: ${why} (said once per group)`);
    }
  }
}
