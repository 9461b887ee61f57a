// The Exec dialog's idle timeout: a number in seconds or minutes, within the server's limit for
// POST /exec's idleTimeoutSeconds (src/server/exec-body.ts), shown at first as the server's default.
import { wholeNumber } from './whole-number.ts';

/** the longest idle timeout POST /exec accepts: a day */
export const MAX_IDLE_SECONDS = 86_400;

export type IdleUnit = 's' | 'min';

const SECONDS_PER: Record<IdleUnit, number> = { s: 1, min: 60 };

/** The field as it first shows: the server's default, in minutes when it is whole minutes. */
export function idleFieldDefault(serverSeconds: number): { text: string; unit: IdleUnit } {
  return serverSeconds % 60 === 0 ? { text: String(serverSeconds / 60), unit: 'min' } : { text: String(serverSeconds), unit: 's' };
}

/** The seconds the field asks for, or the sentence saying the range when it is out of it. */
export function idleTimeoutSeconds(text: string, unit: IdleUnit): { seconds: number } | { problem: string } {
  const per = SECONDS_PER[unit];
  const value = wholeNumber(text, 1, Math.floor(MAX_IDLE_SECONDS / per));
  if (value === undefined) return { problem: `The idle timeout must be a whole number from 1 to ${MAX_IDLE_SECONDS} seconds (1 to ${MAX_IDLE_SECONDS / 60} minutes).` };
  return { seconds: value * per };
}
