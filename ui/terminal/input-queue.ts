// One terminal's input on its way to the socket. Keystrokes go at once; a paste over PASTE_PIECE
// characters goes in pieces of that size, each handed to the socket only when little of the last
// waits there (the socket tells: SessionSink.inputPending), converted as xterm.js converts a
// paste (newlines as Enter, bracketed when the program asked). So the page never encodes,
// converts or holds megabytes in one go and keeps drawing while a 10 MB paste goes out; what is
// typed meanwhile goes after it.

/** A big paste on its way to the server, for a progress line: characters sent of all pasted. */
export interface InputProgress {
  sent: number;
  total: number;
  /** the link to the server went before all of it did: the rest was dropped, and is not sent again by itself */
  cut?: true;
}

/**
 * What to tell of a paste cut short. "About": what the socket had handed to the browser may still
 * have been dropped with the link, and characters are counted against bytes.
 */
export function cutShortWords(progress: InputProgress): string {
  return `Pasting stopped at about ${Math.floor((progress.sent / progress.total) * 100)}%: the link to octant-exec went before the rest was sent. Once it is back, paste what is missing.`;
}

/** A paste longer than this goes out in pieces of this many characters. */
export const PASTE_PIECE = 64 * 1024;
/** the next piece goes to the socket once less than this (bytes) waits there */
const PASTE_LOW_WATER = 256 * 1024;
const BRACKET_START = '\x1b[200~';
const BRACKET_END = '\x1b[201~';
const utf8 = new TextEncoder();

/**
 * A paste as it may go out: without the bracketed-paste markers it carries itself. A clipboard can
 * hold ESC [ 201 ~ (a web page puts it there behind harmless text): sent, it would end the paste
 * early and what follows would be typed as keys, its newline an Enter that runs it. The run of ESCs
 * before "[200~"/"[201~" goes (so no ESC before it forms a marker again); the rest stays as pasted.
 */
export function withoutPasteMarkers(text: string): string {
  return text.includes('\x1b') ? text.replace(/\x1b+(?=\[20[01]~)/g, '') : text;
}

/** Input waiting behind a big paste, in order: typed text as it is, pasted text converted piece by piece. */
interface QueuedInput {
  text: string;
  /** characters of it already handed to the socket */
  at: number;
  paste?: { bracketed: boolean };
}

export interface InputSocket {
  /** false: the socket did not take it (reconnecting) */
  input(text: string): boolean;
  /** drop what the socket still holds of this terminal's input */
  cancel(): void;
}

export class InputQueue {
  #queue: QueuedInput[] = [];
  #pasted = { handed: 0, total: 0 };
  /** bytes of our input the socket still holds */
  #socketPending = 0;
  /** bytes of input handed to the socket so far (what it sent is this less what it still holds) */
  #handed = 0;
  /** where the bracketed paste going out starts and (once its last piece is handed) ends, in handed bytes */
  #bracket: { startAt: number; endAt?: number } | undefined;
  #feedScheduled = false;
  /** the last paste the link's loss cut short, told to each new listener until dismissed or another paste starts */
  #cutShort: InputProgress | undefined;
  /** a bracketed paste cut short after its start marker went: the program waits in paste mode for its end marker, sent before the next input */
  #endOwed: boolean;
  readonly #socket: InputSocket;
  #onProgress: ((progress: InputProgress | undefined) => void) | undefined;
  #onSettled: (() => void) | undefined;

  /** `owesEnd`: an earlier queue of this terminal owed its program an end marker (#endOwed) */
  constructor(socket: InputSocket, owesEnd = false) {
    this.#socket = socket;
    this.#endOwed = owesEnd;
  }

  /** The end marker owed, for a queue that takes this one's place. */
  get owesEnd(): boolean {
    return this.#endOwed;
  }

  /** A new run of the terminal: its program never saw the paste that owed the end marker. */
  forgetEnd(): void {
    this.#endOwed = false;
  }

  /** The paste cut short, until dismissed or another paste starts. */
  get cutShort(): InputProgress | undefined {
    return this.#cutShort;
  }

  /** Called once, when nothing is on its way any more: all of it went, or the link's loss dropped it. */
  whenSettled(listener: () => void): void {
    this.#onSettled = listener;
    this.#settleIfIdle();
  }

  #settleIfIdle(): void {
    const settled = this.#onSettled;
    if (!settled || this.onItsWay) return;
    this.#onSettled = undefined;
    settled();
  }

  /** Whether anything waits here (then a small paste queues too, to keep the order). */
  get busy(): boolean {
    return this.#queue.length > 0;
  }

  /** Whether any of the input is still on its way: here, or in the socket's queue (a detach would drop it). */
  get onItsWay(): boolean {
    return this.#queue.length > 0 || this.#socketPending > 0;
  }

  /** Keystrokes go at once, unless a paste is still going out: then after it. */
  type(data: string): void {
    if (this.#queue.length > 0) this.#queue.push({ text: data, at: 0 });
    else this.#hand(data);
  }

  /** A big paste, sent in pieces (`bracketed`: the program asked for bracketed paste). */
  paste(text: string, bracketed: boolean): void {
    this.#queue.push({ text, at: 0, paste: { bracketed } });
    this.#pasted.total += text.length;
    this.#cutShort = undefined;
    this.#feed();
  }

  /** Stop sending the rest (and what was typed after it); a bracketed paste is closed, so the program leaves paste mode. */
  cancel(): void {
    // What went is what the socket no longer holds. The program is in paste mode when the start
    // marker went and the end marker did not (it may sit in the socket's queue, dropped now).
    const sent = this.#handed - this.#socketPending;
    const inPasteMode = this.#inPasteMode(sent);
    this.#queue = [];
    this.#socket.cancel();
    this.#handed = sent;
    this.#bracket = undefined;
    if (inPasteMode) this.#hand(BRACKET_END);
    this.#tellProgress();
  }

  /** The program is in paste mode once the start marker went (`sent`: bytes the socket no longer holds), until the end marker did. */
  #inPasteMode(sent: number): boolean {
    return this.#bracket !== undefined && sent > this.#bracket.startAt && (this.#bracket.endAt === undefined || sent < this.#bracket.endAt);
  }

  /**
   * The progress line of a big paste: called as it goes, undefined once all of it went (or was
   * cancelled); at once with where things stand (a paste on its way, or one cut short).
   */
  onProgress(listener: ((progress: InputProgress | undefined) => void) | undefined): void {
    this.#onProgress = listener;
    if (this.#cutShort) listener?.(this.#cutShort);
    else if (this.#pasted.total > 0) this.#tellProgress();
  }

  /** The person read that a paste was cut short: no listener hears of it again. */
  dismissCut(): void {
    this.#cutShort = undefined;
    if (this.#pasted.total === 0) this.#onProgress?.(undefined);
  }

  /** The socket says how much of our input it still holds (`lost`: it dropped the rest, its link gone). */
  socketPending(bytes: number, lost = false): void {
    if (lost) {
      // what went is what the socket held no more before it dropped the rest
      const before = this.#socketPending;
      this.#socketPending = bytes;
      this.#cut(before);
      return;
    }
    this.#socketPending = bytes;
    // told from inside the socket's sending: the next piece goes after it, not in the middle
    if (this.#queue.length > 0 && bytes < PASTE_LOW_WATER && !this.#feedScheduled) {
      this.#feedScheduled = true;
      queueMicrotask(() => this.#feed());
    } else if (this.#pasted.total > 0) this.#tellProgress();
    this.#settleIfIdle();
  }

  /** Hand the socket the next pieces while little waits there. */
  #feed(): void {
    this.#feedScheduled = false;
    while (this.#queue.length > 0 && this.#socketPending < PASTE_LOW_WATER) {
      const item = this.#queue[0];
      if (!item.paste) {
        this.#queue.shift();
        if (!this.#hand(item.text)) return;
      } else {
        let end = Math.min(item.text.length, item.at + PASTE_PIECE);
        const last = item.text.charCodeAt(end - 1);
        // never between \r and \n (one Enter) nor inside a surrogate pair (one character)
        if (end < item.text.length && ((last === 13 && item.text.charCodeAt(end) === 10) || (last >= 0xd800 && last <= 0xdbff))) end++;
        let piece = item.text.slice(item.at, end).replace(/\r?\n/g, '\r');
        if (item.paste.bracketed && item.at === 0) {
          piece = BRACKET_START + piece;
          // an end marker owed to a paste cut short goes just before (#hand)
          this.#bracket = { startAt: this.#handed + (this.#endOwed ? BRACKET_END.length : 0) };
        }
        const whole = end === item.text.length;
        if (whole) {
          if (item.paste.bracketed) piece += BRACKET_END;
          this.#queue.shift();
        }
        if (!this.#hand(piece)) return;
        this.#pasted.handed += end - item.at;
        item.at = end;
        if (whole && item.paste.bracketed && this.#bracket) this.#bracket.endAt = this.#handed;
      }
    }
    this.#tellProgress();
  }

  /** One piece to the socket, after an end marker owed; false (and what waits dropped) when it is reconnecting. */
  #hand(piece: string): boolean {
    const text = (this.#endOwed ? BRACKET_END : '') + piece;
    if (!this.#socket.input(text)) {
      this.#cut();
      return false;
    }
    this.#endOwed = false;
    this.#handed += utf8.encode(text).length;
    return true;
  }

  /**
   * The link went: what waits is dropped, as keystrokes typed while reconnecting are. A paste cut
   * short says so; its progress line would otherwise go as if all of it had gone. One cut after
   * its start marker went owes the program its end marker. `pending`: what the socket held of our
   * input just before it dropped it.
   */
  #cut(pending = this.#socketPending): void {
    const sent = this.#handed - pending;
    const { handed, total } = this.#pasted;
    if (this.#inPasteMode(sent)) this.#endOwed = true;
    this.#handed = sent;
    this.#queue = [];
    this.#bracket = undefined;
    this.#pasted = { handed: 0, total: 0 };
    if (total > 0) {
      this.#cutShort = { sent: Math.max(0, handed - pending), total, cut: true };
      this.#onProgress?.(this.#cutShort);
    }
    this.#settleIfIdle();
  }

  #tellProgress(): void {
    if (this.#queue.length === 0 && this.#socketPending === 0) {
      this.#pasted = { handed: 0, total: 0 };
      this.#onProgress?.(undefined);
    } else if (this.#pasted.total > 0) {
      this.#onProgress?.({ sent: Math.max(0, this.#pasted.handed - this.#socketPending), total: this.#pasted.total });
    }
  }
}
