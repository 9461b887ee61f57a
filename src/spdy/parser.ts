// Incremental frame parser: bytes go in however the socket chops them, whole frames come out.
// It checks everything a frame says about itself (version, length per type, reserved ids) and
// fails with SpdyProtocolError for the rest of the connection's life once one frame is bad: after
// a framing error there is no way to find the next frame boundary again. The good frames before
// the bad one still come out: they may be the last output of an exec.
import { SpdyProtocolError } from './errors.ts';
import {
  ControlType,
  FLAG_CLEAR_SETTINGS,
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FRAME_HEADER_LENGTH,
  type Frame,
  MAX_31_BIT,
  MAX_FRAME_PAYLOAD,
  SPDY_VERSION,
} from './frames.ts';

/** DATA frames up to what the length field allows: Go writers put a whole Write() in one frame. */
export const DEFAULT_MAX_DATA_FRAME_LENGTH = MAX_FRAME_PAYLOAD;
/** Control frames are small (exec header blocks are under 1 KiB); this bounds a hostile one. */
export const DEFAULT_MAX_CONTROL_FRAME_LENGTH = 64 * 1024;

export interface FrameParserOptions {
  maxDataFrameLength?: number;
  maxControlFrameLength?: number;
}

interface PendingHeader {
  control: boolean;
  /** control: version; data: stream id */
  word0: number;
  type: number;
  flags: number;
  length: number;
}

export class FrameParser {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private header: PendingHeader | undefined;
  #failure: SpdyProtocolError | undefined;
  private readonly maxData: number;
  private readonly maxControl: number;

  constructor(options: FrameParserOptions = {}) {
    this.maxData = options.maxDataFrameLength ?? DEFAULT_MAX_DATA_FRAME_LENGTH;
    this.maxControl = options.maxControlFrameLength ?? DEFAULT_MAX_CONTROL_FRAME_LENGTH;
  }

  /** Set once a frame was bad: the connection can be read no further. */
  get failure(): SpdyProtocolError | undefined {
    return this.#failure;
  }

  /**
   * Feeds bytes; returns the frames they complete. A bad frame sets `failure`: the frames before
   * it come back from this push (handle them, then fail), and every later push throws it.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#failure) throw this.#failure;
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    try {
      for (;;) {
        if (!this.header) {
          if (this.buffered < FRAME_HEADER_LENGTH) break;
          this.header = this.readHeader(this.take(FRAME_HEADER_LENGTH));
        }
        if (this.buffered < this.header.length) break;
        const payload = this.take(this.header.length);
        const frame = decodePayload(this.header, payload);
        this.header = undefined;
        if (frame) frames.push(frame);
      }
    } catch (error) {
      // Anything else escaping here would be a bug in this file; let it surface as itself.
      if (!(error instanceof SpdyProtocolError)) throw error;
      this.#failure = error;
      this.chunks.length = 0; // nothing after a bad frame is ever read
      this.buffered = 0;
    }
    return frames;
  }

  private readHeader(bytes: Uint8Array): PendingHeader {
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const first = view.getUint32(0);
    const second = view.getUint32(4);
    const control = (first & 0x80000000) !== 0;
    const header: PendingHeader = {
      control,
      word0: control ? (first >>> 16) & 0x7fff : first & MAX_31_BIT,
      type: first & 0xffff,
      flags: second >>> 24,
      length: second & 0xffffff,
    };
    if (control && header.word0 !== SPDY_VERSION) {
      throw new SpdyProtocolError('unsupported-version', `SPDY version ${header.word0} (only 3 is spoken here)`);
    }
    const limit = control ? this.maxControl : this.maxData;
    if (header.length > limit) {
      throw new SpdyProtocolError('frame-too-large', `${control ? 'control' : 'DATA'} frame of ${header.length} bytes exceeds the limit of ${limit}`);
    }
    return header;
  }

  /** Removes n buffered bytes, copying only when they span chunks. */
  private take(n: number): Uint8Array {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      out.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}

function invalid(message: string): SpdyProtocolError {
  return new SpdyProtocolError('invalid-frame', message);
}

function requireStreamId(id: number, frameName: string): number {
  if (id === 0) throw invalid(`${frameName} on stream 0`);
  return id;
}

function requireLength(length: number, expected: number, frameName: string): void {
  if (length !== expected) throw invalid(`${frameName} with length ${length}, expected ${expected}`);
}

function requireMinLength(length: number, min: number, frameName: string): void {
  if (length < min) throw invalid(`${frameName} with length ${length}, at least ${min} needed`);
}

/** Returns undefined for control frame types we do not know: SPDY/3 says to ignore them. */
function decodePayload(header: PendingHeader, payload: Uint8Array): Frame | undefined {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const fin = (header.flags & FLAG_FIN) !== 0;
  if (!header.control) {
    return { type: 'data', streamId: requireStreamId(header.word0, 'DATA'), fin, data: payload };
  }
  const u32 = (offset: number) => view.getUint32(offset);
  const id31 = (offset: number) => view.getUint32(offset) & MAX_31_BIT;
  switch (header.type) {
    case ControlType.SynStream:
      requireMinLength(header.length, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: requireStreamId(id31(0), 'SYN_STREAM'),
        associatedToStreamId: id31(4),
        priority: payload[8]! >>> 5,
        slot: payload[9]!,
        fin,
        unidirectional: (header.flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case ControlType.SynReply:
    case ControlType.Headers: {
      const name = header.type === ControlType.SynReply ? 'SYN_REPLY' : 'HEADERS';
      requireMinLength(header.length, 4, name);
      const streamId = requireStreamId(id31(0), name);
      const headerBlock = payload.subarray(4);
      return header.type === ControlType.SynReply
        ? { type: 'syn_reply', streamId, fin, headerBlock }
        : { type: 'headers', streamId, fin, headerBlock };
    }
    case ControlType.RstStream: {
      requireLength(header.length, 8, 'RST_STREAM');
      const status = u32(4);
      if (status === 0) throw invalid('RST_STREAM with status 0');
      return { type: 'rst_stream', streamId: requireStreamId(id31(0), 'RST_STREAM'), status };
    }
    case ControlType.Settings: {
      requireMinLength(header.length, 4, 'SETTINGS');
      const count = u32(0);
      // Compare as numbers: a huge count must not overflow into a "matching" length.
      if (header.length !== 4 + 8 * count) throw invalid(`SETTINGS announcing ${count} entries in ${header.length} bytes`);
      const settings = Array.from({ length: count }, (_, i) => {
        const idWord = u32(4 + 8 * i);
        return { id: idWord & 0xffffff, flags: idWord >>> 24, value: u32(8 + 8 * i) };
      });
      return { type: 'settings', clear: (header.flags & FLAG_CLEAR_SETTINGS) !== 0, settings };
    }
    case ControlType.Ping:
      requireLength(header.length, 4, 'PING');
      return { type: 'ping', id: u32(0) };
    case ControlType.GoAway:
      requireLength(header.length, 8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: id31(0), status: u32(4) };
    case ControlType.WindowUpdate: {
      requireLength(header.length, 8, 'WINDOW_UPDATE');
      const delta = id31(4);
      if (delta === 0) throw invalid('WINDOW_UPDATE with a delta of 0');
      return { type: 'window_update', streamId: id31(0), delta };
    }
    default:
      return undefined;
  }
}
