// The labelSelector query syntax the API server accepts: `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
// `k notin (a,b)`, `k`, `!k`, joined by commas (all must hold).
type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a selector; returns null when it is malformed (the caller answers 400). */
export function parseLabelSelector(selector: string): Requirement | null {
  const parts = splitOutsideParens(selector.trim());
  const requirements: Requirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const requirement = parseRequirement(part);
    if (!requirement) return null;
    requirements.push(requirement);
  }
  return (labels) => requirements.every((r) => r(labels));
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;

function parseRequirement(part: string): Requirement | null {
  let m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(part);
  if (m) {
    const [key, op, value] = [m[1], m[3], m[4]];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part);
  if (m) {
    const [key, op] = [m[1], m[3]];
    const values = m[4].split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) return null;
    return op === 'in' ? (l) => key in l && values.includes(l[key]) : (l) => !(key in l) || !values.includes(l[key]);
  }
  m = new RegExp(`^(!?)\\s*(${KEY})$`).exec(part);
  if (m) {
    const [negate, key] = [m[1] === '!', m[2]];
    return negate ? (l) => !(key in l) : (l) => key in l;
  }
  return null;
}

function splitOutsideParens(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
