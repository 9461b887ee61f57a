// How many terminals may run at once unless --max-sessions says: the supervisor refuses past it,
// and GET /info tells clients the number in force.
export const DEFAULT_MAX_LIVE_SESSIONS = 64;

/**
 * In a team mode, how many of those one person may run at once unless --max-sessions-per-person
 * says (never more than --max-sessions): one person's script, stuck page or batch cannot take every
 * slot and leave everyone else's Shell refused.
 */
export const DEFAULT_MAX_LIVE_SESSIONS_PER_PERSON = 16;

/**
 * How many ended terminals one person keeps unless --max-ended-per-person says: each costs the
 * server memory until closed, so past it their oldest-ended are closed on their own.
 */
export const DEFAULT_MAX_ENDED_PER_PERSON = 200;

/** Why a terminal closed on its own, as the page and the socket say it (`kept`: the limit then in force). */
export function tooManyEndedSentence(kept: number): string {
  return `Closed on its own: at most ${kept} ended terminals are kept per person, and this one had ended longest ago. Close the ended terminals you no longer need.`;
}
