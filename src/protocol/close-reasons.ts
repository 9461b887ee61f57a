// Why the server closed a page's socket on purpose (1008, the close frame's reason), where the page
// says something of its own for it: the page and the server read the same words.

/** An admin signed the socket's person out everywhere (docs/team-mode.md, "Offboarding"). */
export const SIGNED_OUT_BY_ADMIN = 'signed out by an admin';
