// SPDY/3.1 frames: their in-memory shape and their encoding. Header blocks stay opaque bytes
// here (already compressed); compression is stateful per connection and lives in
// header-compression.ts, so this codec can stay a pure function of one frame.

export const SPDY_VERSION = 3;
/** Every frame starts with 8 bytes: control bit, version/stream id, type, flags, 24-bit length. */
export const FRAME_HEADER_LENGTH = 8;
/** The 24-bit length field cannot say more than this. */
export const MAX_FRAME_PAYLOAD = 0xffffff;
/** Stream ids, window deltas and the associated-to id are 31-bit: the top bit is reserved. */
export const MAX_31_BIT = 0x7fffffff;

export const ControlType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
/** SYN_STREAM only: the sender will never receive on this stream. */
export const FLAG_UNIDIRECTIONAL = 0x02;
/** SETTINGS only: forget persisted settings. */
export const FLAG_CLEAR_SETTINGS = 0x01;

export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  FrameTooLarge: 11,
} as const;

export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

export const SettingId = {
  MaxConcurrentStreams: 4,
  InitialWindowSize: 7,
} as const;

export interface DataFrame {
  type: 'data';
  streamId: number;
  fin: boolean;
  data: Uint8Array;
}
export interface SynStreamFrame {
  type: 'syn_stream';
  streamId: number;
  associatedToStreamId: number;
  /** 0 (highest) to 7 */
  priority: number;
  slot: number;
  fin: boolean;
  unidirectional: boolean;
  headerBlock: Uint8Array;
}
export interface SynReplyFrame {
  type: 'syn_reply';
  streamId: number;
  fin: boolean;
  headerBlock: Uint8Array;
}
export interface HeadersFrame {
  type: 'headers';
  streamId: number;
  fin: boolean;
  headerBlock: Uint8Array;
}
export interface RstStreamFrame {
  type: 'rst_stream';
  streamId: number;
  status: number;
}
export interface Setting {
  id: number;
  value: number;
  /** FLAG_SETTINGS_PERSIST_VALUE (1) / PERSISTED (2); we never persist, but keep what we read */
  flags: number;
}
export interface SettingsFrame {
  type: 'settings';
  clear: boolean;
  settings: Setting[];
}
export interface PingFrame {
  type: 'ping';
  id: number;
}
export interface GoAwayFrame {
  type: 'goaway';
  lastGoodStreamId: number;
  status: number;
}
export interface WindowUpdateFrame {
  type: 'window_update';
  /** 0 is the whole session (SPDY/3.1 connection-level flow control) */
  streamId: number;
  delta: number;
}

export type ControlFrame =
  | SynStreamFrame
  | SynReplyFrame
  | HeadersFrame
  | RstStreamFrame
  | SettingsFrame
  | PingFrame
  | GoAwayFrame
  | WindowUpdateFrame;
export type Frame = DataFrame | ControlFrame;
/** the frames that carry a compressed name/value block */
export type HeaderFrame = SynStreamFrame | SynReplyFrame | HeadersFrame;

function controlFrame(type: number, flags: number, payloadLength: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(FRAME_HEADER_LENGTH + payloadLength);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0x8000 | SPDY_VERSION);
  view.setUint16(2, type);
  view.setUint32(4, ((flags & 0xff) << 24 | payloadLength) >>> 0);
  return { bytes, view };
}

function checkLength(length: number): void {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY frame payload of ${length} bytes exceeds the 24-bit length field`);
}

/** Encodes one frame. Throws RangeError for payloads the 24-bit length cannot carry (our bug, not the peer's). */
export function encodeFrame(frame: Frame): Uint8Array {
  switch (frame.type) {
    case 'data': {
      checkLength(frame.data.length);
      const bytes = new Uint8Array(FRAME_HEADER_LENGTH + frame.data.length);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, frame.streamId & MAX_31_BIT);
      view.setUint32(4, ((frame.fin ? FLAG_FIN : 0) << 24 | frame.data.length) >>> 0);
      bytes.set(frame.data, FRAME_HEADER_LENGTH);
      return bytes;
    }
    case 'syn_stream': {
      checkLength(10 + frame.headerBlock.length);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      const { bytes, view } = controlFrame(ControlType.SynStream, flags, 10 + frame.headerBlock.length);
      view.setUint32(8, frame.streamId & MAX_31_BIT);
      view.setUint32(12, frame.associatedToStreamId & MAX_31_BIT);
      bytes[16] = (frame.priority & 0x07) << 5;
      bytes[17] = frame.slot & 0xff;
      bytes.set(frame.headerBlock, 18);
      return bytes;
    }
    case 'syn_reply':
    case 'headers': {
      checkLength(4 + frame.headerBlock.length);
      const type = frame.type === 'syn_reply' ? ControlType.SynReply : ControlType.Headers;
      const { bytes, view } = controlFrame(type, frame.fin ? FLAG_FIN : 0, 4 + frame.headerBlock.length);
      view.setUint32(8, frame.streamId & MAX_31_BIT);
      bytes.set(frame.headerBlock, 12);
      return bytes;
    }
    case 'rst_stream': {
      const { bytes, view } = controlFrame(ControlType.RstStream, 0, 8);
      view.setUint32(8, frame.streamId & MAX_31_BIT);
      view.setUint32(12, frame.status);
      return bytes;
    }
    case 'settings': {
      const { bytes, view } = controlFrame(ControlType.Settings, frame.clear ? FLAG_CLEAR_SETTINGS : 0, 4 + 8 * frame.settings.length);
      view.setUint32(8, frame.settings.length);
      frame.settings.forEach((setting, i) => {
        view.setUint32(12 + 8 * i, ((setting.flags & 0xff) << 24 | (setting.id & 0xffffff)) >>> 0);
        view.setUint32(16 + 8 * i, setting.value);
      });
      return bytes;
    }
    case 'ping': {
      const { bytes, view } = controlFrame(ControlType.Ping, 0, 4);
      view.setUint32(8, frame.id);
      return bytes;
    }
    case 'goaway': {
      const { bytes, view } = controlFrame(ControlType.GoAway, 0, 8);
      view.setUint32(8, frame.lastGoodStreamId & MAX_31_BIT);
      view.setUint32(12, frame.status);
      return bytes;
    }
    case 'window_update': {
      const { bytes, view } = controlFrame(ControlType.WindowUpdate, 0, 8);
      view.setUint32(8, frame.streamId & MAX_31_BIT);
      view.setUint32(12, frame.delta & MAX_31_BIT);
      return bytes;
    }
  }
}
