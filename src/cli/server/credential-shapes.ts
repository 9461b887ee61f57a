// What a credential the command line sends in a header may look like: anything else (a line end
// in a file, a control character from a hostile server) would break the header, or smuggle
// another into it, and is refused with a sentence before anything is sent.

/** A cookie as NAME=VALUE: the name RFC 6265's token, the value without blanks, quotes, commas, semicolons or backslashes. */
export const COOKIE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+=[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,8192}$/;

/** octant-exec's session cookie, as a team-mode server names it (__Host- over https). */
export const SESSION_COOKIE = /^(__Host-)?octant_exec_session=[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,8192}$/;
