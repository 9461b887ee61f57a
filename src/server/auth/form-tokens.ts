// CSRF tokens for a sign-in form. The form comes before any session, so a session cookie's
// SameSite cannot protect it, and a page elsewhere could post its own credential to sign a visitor
// in as someone else (login CSRF). So the form page sets a random cookie and embeds
// HMAC(per-launch key, cookie) in a hidden field; a post must bring both, matching. Another site can
// read neither (no CORS), and even a cookie planted from a sibling domain is useless without the
// key. A restart changes the key: a form left open across it asks to be loaded again.
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
