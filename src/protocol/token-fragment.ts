// Local mode's token in a URL's fragment (`#token=…`), which no server or proxy sees: the CLI
// writes it, the page reads it, and a person may paste it in the page's Token field. A
// --token-file token may hold `+`, `/` and `=` (base64): it goes percent-encoded, and is read
// without form decoding, which would turn a `+` into a space and the token into another.

const KEY = 'token=';

/** `url` with `token` in its fragment, percent-encoded. */
export function tokenUrl(url: string, token: string): string {
  return `${url}#${KEY}${encodeURIComponent(token)}`;
}

/** The token in a fragment (`token=…&…`, with or without its `#`): `%2B` and a `+` typed by hand both mean `+`. */
export function fragmentToken(fragment: string): string | undefined {
  for (const part of fragment.replace(/^#/, '').split('&')) {
    if (!part.startsWith(KEY)) continue;
    const value = part.slice(KEY.length);
    try {
      return decodeURIComponent(value);
    } catch {
      return value; // a stray `%`: sent as it is, the server says it is not the token
    }
  }
  return undefined;
}

/**
 * What a person pasted in the Token field, as the token: the token alone, or the printed URL or
 * its `#token=…` part, whose token it takes (no token holds a `#`).
 */
export function pastedToken(text: string): string {
  const given = text.trim();
  const hash = given.indexOf('#');
  return (hash >= 0 ? fragmentToken(given.slice(hash + 1)) : undefined) || given;
}
