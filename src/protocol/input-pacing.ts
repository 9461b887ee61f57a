// How the socket client paces a terminal's input (socket-client.ts): in frames well under the
// server's size limit, held while the socket still has a lot unsent, and under the server's rate.
import { TokenBucket } from '../domain/token-bucket.ts';

/** Input frames stay far below the server's maxPayload (256 KiB): a big paste is split, never refused. */
export const INPUT_FRAME_BYTES = 32 * 1024;
/** Input waits while the browser still holds this much unsent on the socket (a paste of 10 MB is not copied into it at once). */
export const INPUT_BUFFERED_BYTES = 256 * 1024;
/** How soon waiting input looks again for room (the socket's buffer or the rate budget). */
export const INPUT_RETRY_MS = 15;
/**
 * What an input frame costs of the server's input rate at least, whatever it carries (docs/api.md):
 * a frame is work for the server however small, so one-byte frames must not come at the byte rate,
 * millions a second. Typing, a key a frame, stays far under it.
 */
export const INPUT_FRAME_MIN_COST = 256;
export const inputCost = (bytes: number): number => Math.max(bytes, INPUT_FRAME_MIN_COST);
/** The server's input limit before its hello says otherwise (docs/api.md: 4 MiB/s). */
export const DEFAULT_INPUT_BYTES_PER_SECOND = 4 * 1024 * 1024;

/**
 * The page's input budget: below the server's (docs/api.md: its rate, bursts of four seconds'
 * worth) by a margin, because frames sent apart may reach the server together.
 */
export function inputBudget(serverBytesPerSecond: number, now: () => number): TokenBucket {
  return new TokenBucket(serverBytesPerSecond * 0.9, serverBytesPerSecond * 2, now);
}
