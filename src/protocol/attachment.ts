// What the socket client (socket-client.ts) knows of one session a page shows: where its output
// stands, whether the current socket has it attached, and what waits to be sent or acknowledged.
import type { AckPacing } from './ack-pacing.ts';
import type { SessionSink } from './session-sink.ts';

export interface Attachment {
  sink: SessionSink;
  /** offset of the next byte we expect (bytes since the session's first output) */
  offset: number;
  /** set once the server confirmed an attach on the current socket */
  live: boolean;
  everAttached: boolean;
  /** a fresh attach asks for the screen (a reattach after a drop goes on from its offset); every attach asks to be caught up with the screen when it lags */
  screen: boolean;
  /** bytes of the screen announced in `attached` not yet received: a drop before they all came asks for the screen again */
  screenDue: number;
  /** bytes drawn and not yet acknowledged */
  acks: AckPacing;
  inFlight: number;
  size?: { cols: number; rows: number };
  /** the server said its program takes no more input for now (`inputHeld`): what is typed for it waits here */
  inputHeld?: boolean;
  /** typed before its first attach was answered (a new terminal takes keys at once): sent when it is; dropped with its socket; undefined once that attach was refused (keys then go nowhere) */
  early: Uint8Array[] | undefined;
}
