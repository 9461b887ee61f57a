// A probe for the bench's server and sandbox processes (loaded with NODE_OPTIONS=--require), for
// the hop-by-hop tools (echo-hops.ts, first-byte-hops.ts). It stamps every socket read and write
// with the monotonic clock, which every process on the machine shares, so stamps from different
// processes line up. With `events`, also each connection's start and TLS handshake, each HTTP
// request and upgrade a server takes, each child process spawned, and the first bytes of every
// socket read and write as text. Stamps are kept in memory and written out on SIGUSR2, so the
// probe does no I/O while it measures.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

/** `first`: a socket chunk's first byte (a WebSocket frame's opcode byte); -1 for a string or an event. */
export type Stamp = [t: number, kind: string, localPort: number, remotePort: number, first: number, length: number, label?: string];

/** The first stamp in [from, to) that matches. */
export function firstStamp(stamps: Stamp[], from: number, to: number, match: (s: Stamp) => boolean): Stamp | undefined {
  for (const s of stamps) if (s[0] >= from && s[0] < to && match(s)) return s;
  return undefined;
}

export interface HopProbe {
  /** the pid of the process that plays `role` ('server', 'sandbox') */
  pidOf(role: string): number;
  /** every stamp `role` made so far, in order */
  stampsOf(role: string): Promise<Stamp[]>;
  remove(): void;
}

const probeSource = (dir: string, events: boolean) => `const net = require('node:net');
const fs = require('node:fs');
const role = (process.argv[1] || '').endsWith('server-process.ts') ? 'server' : process.argv.includes('sandbox') ? 'sandbox' : undefined;
if (role) {
  const stamps = [];
  const events = ${events};
  const text = (chunk) => (typeof chunk === 'string' ? chunk.slice(0, 24) : chunk.subarray(0, 24).toString('latin1')).replace(/[^ -~]/g, '.');
  const stamp = (socket, kind, first, length, label) => stamps.push([Number(process.hrtime.bigint()), kind, socket ? socket.localPort : 0, socket ? socket.remotePort : 0, first, length, label]);
  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, chunk) {
    if (event === 'data' && chunk && chunk.length) stamp(this, 'in', typeof chunk === 'string' ? -1 : chunk[0], chunk.length, events ? text(chunk) : undefined);
    else if (events && (event === 'connect' || event === 'secureConnect' || event === 'secure')) stamp(this, event, -1, 0);
    return emit.apply(this, arguments);
  };
  const writeGeneric = net.Socket.prototype._writeGeneric;
  net.Socket.prototype._writeGeneric = function (writev, data) {
    const first = writev ? data[0] && data[0].chunk : data;
    const length = writev ? data.reduce((n, d) => n + d.chunk.length, 0) : data.length;
    stamp(this, 'out', first && typeof first !== 'string' ? first[0] : -1, length, events && first ? text(first) : undefined);
    return writeGeneric.apply(this, arguments);
  };
  if (events) {
    const connect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function () { stamp(undefined, 'connect()', -1, 0); return connect.apply(this, arguments); };
    // the server's page side is http, the sandbox's API server https (a tls.Server, not an http.Server)
    for (const { Server } of [require('node:http'), require('node:https')]) {
      const serverEmit = Server.prototype.emit;
      Server.prototype.emit = function (event, request) {
        if (event === 'request' || event === 'upgrade') stamp(request.socket, event, -1, 0, request.method + ' ' + request.url.slice(0, 60));
        return serverEmit.apply(this, arguments);
      };
    }
    const { ChildProcess } = require('node:child_process');
    const spawn = ChildProcess.prototype.spawn;
    ChildProcess.prototype.spawn = function (options) {
      stamp(undefined, 'spawn()', -1, 0, String(options.file));
      try { return spawn.apply(this, arguments); } finally { stamp(undefined, 'spawned', -1, 0, String(options.file)); }
    };
  }
  fs.writeFileSync(${JSON.stringify(dir)} + '/' + role + '.pid', String(process.pid));
  // written whole under another name, then renamed: the bench never reads half a file
  process.on('SIGUSR2', () => {
    const file = ${JSON.stringify(dir)} + '/' + role + '.json';
    fs.writeFileSync(file + '.part', JSON.stringify(stamps));
    fs.renameSync(file + '.part', file);
  });
}
`;

/** Writes the probe and has every Node process started from here on load it. */
export function installHopProbe(options: { events?: boolean } = {}): HopProbe {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-hop-probe-'));
  const probe = join(dir, 'probe.cjs');
  writeFileSync(probe, probeSource(dir, options.events ?? false));
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim();
  const pidOf = (role: string) => Number(readFileSync(join(dir, `${role}.pid`), 'utf8'));
  return {
    pidOf,
    async stampsOf(role) {
      // SIGUSR2: tsx runs the script as a child of its own, so the pid is the probe's, not tsx's
      process.kill(pidOf(role), 'SIGUSR2');
      const file = join(dir, `${role}.json`);
      for (let i = 0; i < 100 && !readdirSync(dir).includes(`${role}.json`); i++) await new Promise((r) => setTimeout(r, 50));
      const stamps = JSON.parse(readFileSync(file, 'utf8')) as Stamp[];
      rmSync(file);
      return stamps;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
