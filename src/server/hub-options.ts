// The stream hub's limits, with their defaults, said once. A page learns them in its hello
// (src/protocol, HubLimits); a server sets them with --scrollback and --ended-scrollback or in code
// (StreamHubOptions).
import { MAX_TERMINAL_SIZE, type HubLimits } from '../protocol/index.ts';

export interface StreamHubOptions {
  /** bytes of output kept per session for attach and reattach */
  scrollbackBytes?: number;
  /** bytes the scrollbacks of ended sessions hold all told, past which the oldest-ended let theirs go (ended-scrollback.ts) */
  endedScrollbackBytes?: number;
  /** unacknowledged bytes of one viewer above which the session's upstream pauses */
  highWatermark?: number;
  /** ... and below which (for every viewer) it resumes */
  lowWatermark?: number;
  /** a frame bigger than this closes its socket with 1009 (message too big) */
  maxPayload?: number;
  /** the server pings each socket this often (the keepalive's page hop); one silent (no pong, no message) through two pings in a row, counted while the server was free to read (src/domain/heartbeat.ts), is dropped */
  pingIntervalMs?: number;
  /** control messages a socket may send per second, bursts up to 5x (acks are free) */
  messagesPerSecond?: number;
  /** input bytes a socket may send per second, bursts up to 4x */
  inputBytesPerSecond?: number;
  /** sessions one socket may attach at once */
  maxAttachedPerSocket?: number;
  /** pod lists one socket may watch at once */
  maxPodWatchesPerSocket?: number;
  /**
   * bytes waiting unread for one socket that no viewer's flow control bounds (messages: answers,
   * refusals, pushes; and what was sent for viewers since detached or replaced), past which it is
   * closed: it sends and does not read (SECURITY.md item 5)
   */
  maxUnreadMessages?: number;
  /**
   * bytes queued for one socket and not yet written to it, all told, past which it is closed.
   * Default: what the most a socket may attach can hold there (a full replay and a watermark of
   * live output each) and maxUnreadMessages
   */
  maxSocketBacklog?: number;
  /**
   * sockets one person may hold open at once (local mode: the one user; a local share link's
   * browser counts apart, at a quarter of it): each may hold a replay and a screen of every
   * terminal it shows, so without a bound one caller could grow the server's memory and CPU at will
   */
  maxSocketsPerPerson?: number;
  /** a share's person whose last socket closed is logged as left this long after (back sooner: neither left nor joined again), so attach loops cannot flood the log */
  shareLeftAfterMs?: number;
  /** the server's log: what an operator should know (the ended sessions' budget first passed) */
  warn?: (message: string) => void;
}

export const HUB_DEFAULTS: Required<StreamHubOptions> = {
  scrollbackBytes: 1024 * 1024,
  // the last screens of 256 ended terminals at the full 1 MiB, and of far more that printed less
  endedScrollbackBytes: 256 * 1024 * 1024,
  // low enough that Ctrl-C under a flood answers quickly in a browser, high enough for full speed (bench figures 2 and 8)
  highWatermark: 64 * 1024,
  lowWatermark: 16 * 1024,
  maxPayload: 256 * 1024,
  pingIntervalMs: 15_000,
  messagesPerSecond: 200,
  inputBytesPerSecond: 4 * 1024 * 1024,
  maxAttachedPerSocket: 256,
  maxPodWatchesPerSocket: 16,
  maxSocketsPerPerson: 64,
  shareLeftAfterMs: 30_000,
  // pod lists and alerts go as the newest only (sendLatest): this is many of every kind at once
  maxUnreadMessages: 16 * 1024 * 1024,
  maxSocketBacklog: 0, // derived from the others: hubOptions
  warn: (message) => console.error(`octant-exec: ${message}`),
};

export function hubOptions(options: StreamHubOptions = {}): Required<StreamHubOptions> {
  const resolved = { ...HUB_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
  if (!(resolved.lowWatermark < resolved.highWatermark)) throw new Error('the low watermark must be below the high watermark');
  if (!(resolved.endedScrollbackBytes >= 0)) throw new Error("the ended sessions' scrollback budget must not be negative");
  if (options.maxSocketBacklog === undefined) resolved.maxSocketBacklog = resolved.maxAttachedPerSocket * (resolved.scrollbackBytes + resolved.highWatermark) + resolved.maxUnreadMessages;
  return resolved;
}

/** What a page is told of the limits it works under. */
export function hubLimits(o: Required<StreamHubOptions>): HubLimits {
  return {
    maxPayload: o.maxPayload,
    scrollbackBytes: o.scrollbackBytes,
    highWatermark: o.highWatermark,
    lowWatermark: o.lowWatermark,
    pingIntervalMs: o.pingIntervalMs,
    messagesPerSecond: o.messagesPerSecond,
    inputBytesPerSecond: o.inputBytesPerSecond,
    maxTerminalSize: MAX_TERMINAL_SIZE,
  };
}
