// Kubernetes names, checked before any cluster call (SECURITY.md: names with "/", "..", spaces,
// uppercase or over 253 characters are refused with a 400, never sent on).

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type NameKind = 'namespace' | 'pod' | 'container';

/** Why `value` is not a valid name of this kind, or undefined when it is. */
export function nameProblem(kind: NameKind, value: unknown): string | undefined {
  // a string first: String() of a JSON object with a "toString" member throws
  if (typeof value !== 'string' || value === '') return `A ${kind} name is required.`;
  const shown = `"${value.length > 60 ? value.slice(0, 60) + '…' : value}"`;
  if (kind === 'pod') {
    // DNS-1123 subdomain: dot-separated labels, 253 characters at most
    if (value.length > 253 || !value.split('.').every((part) => label.test(part))) {
      return `${shown} is not a valid pod name: use lowercase letters, digits, "-" and ".", at most 253 characters.`;
    }
    return undefined;
  }
  // namespaces and containers are DNS-1123 labels
  if (value.length > 63 || !label.test(value)) {
    return `${shown} is not a valid ${kind} name: use lowercase letters, digits and "-", at most 63 characters, starting and ending with a letter or digit.`;
  }
  return undefined;
}

export function isValidName(kind: NameKind, value: unknown): value is string {
  return nameProblem(kind, value) === undefined;
}
