// What the socket's client (socket-client.ts) tells the one who shows a session: its bytes, with
// a callback once they are drawn (the client turns that into acks), and what each attach brings.

export interface AttachInfo {
  /** bytes before the replay that the server no longer holds */
  dropped: number;
  /** the session came back from the event log after a server restart: its output is gone */
  restored: boolean;
  /** this is a reattach after the socket dropped, not the first attach */
  reattach: boolean;
  /** bytes of held output (or of the screen) that follow this message before live output resumes */
  replayBytes: number;
  /** what follows is the terminal's screen as it is, for an empty screen, not its raw output */
  screen: boolean;
  /** with a screen: the size it was built at, which its bytes must be drawn at (then fit: a resize makes the program redraw) */
  screenSize?: { cols: number; rows: number };
  /** a terminal that lagged, caught up with its screen on the live socket (under a flood: the bytes it skipped, or that left the scrollback meanwhile, are no news) */
  caughtUp?: true;
}

/** Where one session's bytes go. */
export interface SessionSink {
  /** Write bytes to the screen; call `written` once they are on it. */
  output(bytes: Uint8Array, channel: 'stdout' | 'stderr', written: () => void): void;
  attached?(info: AttachInfo): void;
  /** the server detached this session (it was closed, or the share that showed it ended: `message` says why) */
  detached?(reason: string, message?: string): void;
  error?(message: string): void;
  /** bytes of this session's input still waiting to be sent (a big paste goes out paced); 0 once all went, or (`lost`) once the rest was dropped as the link went */
  inputPending?(bytes: number, lost: boolean): void;
}
