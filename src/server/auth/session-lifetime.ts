// How long a sign-in holds, apart from sessions.ts so that what outlives a sign-in by exactly that
// long (a person-wide sign-out, revocations.ts) needs no import of the sessions themselves.

/** How long a sign-in holds, in every mode that keeps sessions: a working day, never extended. */
export const SESSION_MS = 8 * 3600_000;
