// Whether one PolicyRule covers a request, by Kubernetes' rules: `*` matches any verb, group,
// resource or path; "pods/exec" is a resource with its subresource and "*/exec" any resource's
// exec; resourceNames limit a rule to named objects (so never to lists or creates);
// nonResourceURLs match exactly or by a prefix ending in `*`.
import type { Attributes } from './attributes.ts';
import type { PolicyRule } from './rbac-types.ts';

const ALL = '*';

export function ruleAllows(attributes: Attributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, attributes.verb)) return false;
  if (!attributes.resourceRequest) return (rule.nonResourceURLs ?? []).some((url) => urlMatches(url, attributes.path));
  const { apiGroup, resource, subresource, name } = attributes;
  return (
    has(rule.apiGroups ?? [], apiGroup) &&
    (rule.resources ?? []).some((pattern) => resourceMatches(pattern, resource, subresource)) &&
    (!rule.resourceNames?.length || (name !== '' && rule.resourceNames.includes(name)))
  );
}

const has = (list: string[], value: string) => list.includes(ALL) || list.includes(value);

function resourceMatches(pattern: string, resource: string, subresource: string): boolean {
  if (pattern === ALL) return true;
  if (pattern === (subresource ? `${resource}/${subresource}` : resource)) return true;
  // "*/scale" is the scale subresource of every resource; a plain request never matches it.
  return subresource !== '' && pattern === `*/${subresource}`;
}

function urlMatches(pattern: string, path: string): boolean {
  if (pattern === ALL || pattern === path) return true;
  return pattern.endsWith(ALL) && path.startsWith(pattern.slice(0, -1));
}
