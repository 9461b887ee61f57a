// What a credential the command line sends in a header may look like: anything else (a line end
// in a file, a control character from a hostile server) would break the header, or smuggle
// another into it, and is refused with a sentence before anything is sent.

/** A cookie's value: no blanks, quotes, commas, semicolons or backslashes, bounded. */
const VALUE = '[\\x21\\x23-\\x2b\\x2d-\\x3a\\x3c-\\x5b\\x5d-\\x7e]{1,8192}';

/** A cookie as NAME=VALUE, the name RFC 6265's token. */
export const COOKIE = new RegExp(`^[!#$%&'*+\\-.^_\`|~0-9A-Za-z]+=${VALUE}$`);

/** octant-exec's session cookie, as a team-mode server names it (__Host- over https). */
export const SESSION_COOKIE = new RegExp(`^(__Host-)?octant_exec_session=${VALUE}$`);
