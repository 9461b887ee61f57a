// The terminal socket's JSON messages (docs/api.md, "The socket protocol"), both ways, with the
// protocol version, the error codes and the limits a server announces in its hello. Terminal
// bytes go in binary frames (frames.ts), never here.
import type { Alert, BatchRow, PodSummary, SessionRow } from './wire-types.ts';
import type { ShareRole } from '../domain/share.ts';
import type { ShareView } from './shares.ts';

/**
 * Raised when a message changes meaning, or a row gets a state an older client does not know (2: a
 * terminal `stopped`, a batch's result `cancelled`). The CLI refuses another version with a
 * sentence (an older one would wait for ever on a state it never takes for an end); a page shows
 * a word it does not know as it is, and says to reload (ui/state/app-state.ts: badge).
 */
export const PROTOCOL_VERSION = 2;
/** A control message is small; a bigger one is refused. */
export const MAX_CONTROL_BYTES = 4096;
/** Columns and rows are clamped to 1..this. */
export const MAX_TERMINAL_SIZE = 1000;

export const CLIENT_MESSAGE_TYPES = ['ping', 'attach', 'detach', 'resize', 'ack', 'eof', 'watchPods', 'unwatchPods'] as const;

/** What a client sends (after the server's checks: cols and rows rounded and clamped, `from` and `ack` filled in). */
export type ClientMessage =
  | { type: 'ping'; id?: string | number }
  /** show a session's output from byte `from`; `ack`: this client acknowledges what it has drawn; `screen`: a fresh screen wants the terminal's screen as it is, not a raw replay; `catchUp: "screen"`: when this viewer lags, skip it to the screen as it is instead of pausing the terminal */
  | { type: 'attach'; sessionId: string; from: number; ack: boolean; screen?: true; catchUp?: 'screen' }
  | { type: 'detach'; sessionId: string }
  | { type: 'resize'; sessionId: string; cols: number; rows: number }
  /** `bytes` of the session's output are on the screen since the last ack */
  | { type: 'ack'; sessionId: string; bytes: number }
  /** the end of input (non-TTY sessions) */
  | { type: 'eof'; sessionId: string }
  | { type: 'watchPods' | 'unwatchPods'; namespace: string; context?: string };

export const SERVER_MESSAGE_TYPES = ['hello', 'session', 'sessionClosed', 'alerts', 'batch', 'attached', 'detached', 'shareRole', 'shares', 'stream', 'inputHeld', 'pods', 'error', 'pong'] as const;

export const ERROR_CODES = ['badMessage', 'unknownType', 'unknownSession', 'notAttached', 'notRunning', 'badResize', 'badAck', 'rateLimited', 'tooManyAttached', 'watchFailed', 'readOnly', 'notATerminal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The limits a server works under, told in its hello (names as in the server's options). */
export interface HubLimits {
  maxPayload: number;
  scrollbackBytes: number;
  highWatermark: number;
  lowWatermark: number;
  pingIntervalMs: number;
  messagesPerSecond: number;
  inputBytesPerSecond: number;
  maxTerminalSize: number;
}

export type ServerMessage =
  /** `now`: the server's clock as it sent it (rows' times are on it; an older server sends none) */
  | { type: 'hello'; protocol: number; now?: number; sessions: SessionRow[]; alerts: Alert[]; batches: BatchRow[]; limits: HubLimits }
  | { type: 'session'; session: SessionRow }
  /** `because` tooManyEnded: it closed on its own, its owner past --max-ended-per-person; `message` says so, for the page to show */
  | { type: 'sessionClosed'; sessionId: string; because?: 'tooManyEnded'; message?: string }
  | { type: 'alerts'; alerts: Alert[] }
  | { type: 'batch'; batch: BatchRow }
  /** the answer to attach: bytes `from`..`to` follow in frames; `dropped` bytes before `from` are gone; `screen`: bytes of screen frames (the screen as of `to`) that come first instead; `skipped`: a viewer that lagged is caught up, and these bytes before `from` were never sent to it; `inputHeld`: as the message of that name says, from now */
  | { type: 'attached'; sessionId: string; from: number; to: number; dropped: number; restored: boolean; running: boolean; session: SessionRow; screen?: number; screenSize?: { cols: number; rows: number }; skipped?: number; inputHeld?: true }
  /** shareEnded: the share that let this socket in was revoked, expired or removed it (`message` says which) */
  | { type: 'detached'; sessionId: string; reason: 'closed' | 'request' | 'shareEnded'; message?: string }
  /** the owner of a shared terminal made this socket's person a viewer or a participant */
  | { type: 'shareRole'; sessionId: string; role: ShareRole }
  /** to the owner's pages: the terminal's shares changed (who joined, left, typed; made, revoked), all of them as GET .../shares has them */
  | { type: 'shares'; sessionId: string; shares: ShareView[] }
  | { type: 'stream'; sessionId: string; state: 'opened' | 'closed' }
  /** to those who type into it: the program is not taking its input (a MiB waits to be sent on): hold what is typed until `held` is false; what is sent past 4 MiB waiting is dropped */
  | { type: 'inputHeld'; sessionId: string; held: boolean }
  | { type: 'pods'; namespace: string; context?: string; pods: PodSummary[] }
  | { type: 'error'; code: ErrorCode; message: string; sessionId?: string; namespace?: string; context?: string }
  | { type: 'pong'; id?: string | number };

// Each list names every member of its union: a type added to one and not the other fails to compile.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const clientTypesComplete: Exactly<(typeof CLIENT_MESSAGE_TYPES)[number], ClientMessage['type']> = true;
const serverTypesComplete: Exactly<(typeof SERVER_MESSAGE_TYPES)[number], ServerMessage['type']> = true;
void clientTypesComplete;
void serverTypesComplete;
