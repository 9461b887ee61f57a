// The cookies the sign-in modes set. Every one is HttpOnly (no script of any page reads it), scoped
// to the path that reads it, and Secure when people reach the server over https (--public-url).
// SameSite is each cookie's own choice: Strict for sessions (a page elsewhere never makes the
// browser send it), Lax only for the short OIDC flow cookie, which must come back on the identity
// provider's redirect.
export interface CookieOptions {
  path: string;
  sameSite: 'Strict' | 'Lax';
  secure: boolean;
  /** seconds; 0 removes the cookie */
  maxAge: number;
}

export function setCookie(name: string, value: string, options: CookieOptions): string {
  return [`${name}=${value}`, 'HttpOnly', `SameSite=${options.sameSite}`, `Path=${options.path}`, `Max-Age=${Math.max(0, Math.floor(options.maxAge))}`, ...(options.secure ? ['Secure'] : [])].join('; ');
}

export function clearCookie(name: string, options: Omit<CookieOptions, 'maxAge'>): string {
  return setCookie(name, '', { ...options, maxAge: 0 });
}
