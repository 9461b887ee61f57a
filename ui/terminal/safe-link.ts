// Links found in terminal output are untrusted (SECURITY.md item 6): only http(s) ever opens,
// in a new tab that cannot reach back to this page.
export function safeLinkTarget(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

export function openSafeLink(uri: string, open: (url: string, target: string, features: string) => unknown = (...args) => window.open(...args)): boolean {
  const href = safeLinkTarget(uri);
  if (href) open(href, '_blank', 'noopener,noreferrer');
  return href !== undefined;
}
