// How many terminals may run at once unless --max-sessions says: the supervisor refuses past it,
// and GET /info tells clients the number in force.
export const DEFAULT_MAX_LIVE_SESSIONS = 64;
