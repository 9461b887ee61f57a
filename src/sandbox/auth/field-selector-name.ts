// The object a list or watch names through its field selector, as kube-apiserver's RequestInfo
// finds it (fields.ParseSelector, then RequiresExactMatch("metadata.name")): terms split at commas
// that are not escaped, each `field=value`, `field==value` or `field!=value`, values unescaped
// (`\,` `\=` `\\`); the first exact metadata.name in sorted order names the object. A selector that
// does not parse names nothing, nor does a name that cannot be a path segment.
const OPERATORS = ['!=', '==', '='];

export function fieldSelectorName(selector: string): string {
  const terms = splitTerms(selector).filter((term) => term !== '').sort();
  let name: string | undefined;
  for (const term of terms) {
    const parsed = splitTerm(term);
    if (!parsed) return '';
    const value = unescapeValue(parsed.value);
    if (value === undefined) return '';
    if (name === undefined && parsed.field === 'metadata.name' && parsed.operator !== '!=') name = value;
  }
  return name !== undefined && isPathSegmentName(name) ? name : '';
}

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    if (escaped) escaped = false;
    else if (selector[i] === '\\') escaped = true;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  return [...terms, selector.slice(start)];
}

/** The first operator from the left, `!=` before `==` before `=` at each place, as Go's splitTerm. */
function splitTerm(term: string): { field: string; operator: string; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const operator = OPERATORS.find((op) => term.startsWith(op, i));
    if (operator) return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
  }
  return undefined;
}

function unescapeValue(value: string): string | undefined {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (!'\\,='.includes(c)) return undefined;
      out += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=') return undefined;
    else out += c;
  }
  return escaped ? undefined : out;
}

/** k8s.io/apimachinery's IsValidPathSegmentName. */
function isPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}
