// Aggregated ClusterRoles, as kube-controller-manager's aggregation controller fills them: a
// ClusterRole with an aggregationRule has, in place of its own rules, the rules of every other
// ClusterRole one of its selectors matches by labels. Aggregated roles may select aggregated
// roles (the built-in admin takes edit, which takes view), so this runs to the fixed point the
// controller's repeated syncs reach.
import type { LabelSelector, PolicyRule, Role } from './rbac-types.ts';

export function withAggregatedRules(roles: Role[]): Role[] {
  const clusterRoles = roles.filter((role) => role.kind === 'ClusterRole');
  const aggregated = clusterRoles.filter((role) => role.aggregationRule);
  const rulesOf = new Map<Role, PolicyRule[]>(clusterRoles.map((role) => [role, role.aggregationRule ? [] : role.rules]));
  const selectedBy = new Map(
    aggregated.map((role) => [role, clusterRoles.filter((other) => other !== role && role.aggregationRule!.clusterRoleSelectors.some((s) => selects(s, other.metadata.labels ?? {})))]),
  );
  // Each pass only adds rules, and there are finitely many: it ends.
  for (let changed = true; changed; ) {
    changed = false;
    for (const role of aggregated) {
      const union = distinct(selectedBy.get(role)!.flatMap((other) => rulesOf.get(other)!));
      if (union.length === rulesOf.get(role)!.length) continue;
      rulesOf.set(role, union);
      changed = true;
    }
  }
  return roles.map((role) => (role.aggregationRule ? { ...role, rules: rulesOf.get(role)! } : role));
}

/** metav1.LabelSelectorAsSelector's meaning: every pair and every requirement holds; `{}` selects all. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    pairs &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const has = Object.hasOwn(labels, key);
      if (operator === 'Exists') return has;
      if (operator === 'DoesNotExist') return !has;
      const listed = has && values.includes(labels[key]);
      return operator === 'In' ? listed : !listed;
    })
  );
}

function distinct(rules: PolicyRule[]): PolicyRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = JSON.stringify(rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
