// Tokens that tie a sign-in form's post to a form this server gave: the form page sets a random
// cookie and embeds HMAC(key, cookie) in a hidden field, and a post must bring both, matching.
// What they do not do is stop login CSRF (a page elsewhere posting its own credential to sign a
// visitor in as someone else) by themselves: anyone can GET the sign-in page and have a valid
// pair, and a page that could set the cookie in the visitor's browser (a sibling subdomain, were
// it not a __Host- one over https: kube-token-auth.ts) could send the pair along. What stops it is
// the Origin and Fetch Metadata check every sign-in post passes first (same-origin.ts), which a
// browser does not let another site forge. The pair adds only that a post answers a form of this
// launch (or, with a session key, of any replica). A restart changes a per-launch key: a form left
// open across it asks to be loaded again.
//
// Replicas behind one address given a session key derive this key from it (forSessionKey), so a
// form one replica gave may be posted to another: a round-robin proxy sends the two requests to
// either.
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class FormTokens {
  constructor(private readonly key: Uint8Array = randomBytes(32)) {}

  /** Form tokens every replica with this session key takes (a key of their own, not the cookies'). */
  static forSessionKey(sessionKey: Uint8Array): FormTokens {
    return new FormTokens(createHmac('sha256', sessionKey).update('octant-exec sign-in form').digest());
  }

  /** A new pair: the cookie's value and the form field's. */
  issue(): { cookie: string; field: string } {
    const cookie = randomBytes(32).toString('base64url');
    return { cookie, field: this.#field(cookie) };
  }

  valid(cookie: string | undefined, field: string | undefined): boolean {
    if (!cookie || !field || cookie.length > 64 || field.length > 64) return false;
    const expected = Buffer.from(this.#field(cookie));
    const given = Buffer.from(field);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #field(cookie: string): string {
    return createHmac('sha256', this.key).update(cookie).digest('base64url');
  }
}
