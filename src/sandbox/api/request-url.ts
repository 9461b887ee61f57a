/**
 * A request's path, exactly as sent, and its query. WHATWG URL parsing would resolve `%2E%2E` segments
 * and turn `/namespaces/%2E%2E/pods` into another resource; names must be judged as sent.
 */
export function splitRequestUrl(raw: string | undefined): { pathname: string; searchParams: URLSearchParams } {
  const text = raw ?? '/';
  const q = text.indexOf('?');
  return q < 0 ? { pathname: text, searchParams: new URLSearchParams() } : { pathname: text.slice(0, q), searchParams: new URLSearchParams(text.slice(q + 1)) };
}
