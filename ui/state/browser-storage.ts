// sessionStorage or localStorage, or nothing where the browser denies the page its storage
// (cookies blocked for the site): reading `window.localStorage` then throws, and a page that
// reached for it directly would not start.
export function browserStorage(kind: 'sessionStorage' | 'localStorage'): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined;
  }
}
