// A bare exec client speaking the channel protocol with `ws`, for the tests that need to see
// frames kubectl hides: the first empty stdout frame, the status frame, close codes.
import WebSocket from 'ws';
import type { Sandbox } from '../../src/sandbox/index.ts';

export interface ExecQuery {
  namespace?: string;
  pod: string;
  container?: string;
  command: string[];
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  tty?: boolean;
}

export function execPath(q: ExecQuery): string {
  const params = new URLSearchParams();
  for (const c of q.command) params.append('command', c);
  if (q.container) params.set('container', q.container);
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty'] as const) if (q[flag] ?? (flag !== 'stdin' && flag !== 'tty')) params.set(flag, 'true');
  return `/api/v1/namespaces/${q.namespace ?? 'default'}/pods/${q.pod}/exec?${params}`;
}

export interface AttachQuery {
  namespace?: string;
  pod: string;
  container?: string;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  tty?: boolean;
}

export function attachPath(q: AttachQuery): string {
  const params = new URLSearchParams();
  if (q.container) params.set('container', q.container);
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty'] as const) if (q[flag] ?? (flag !== 'stdin' && flag !== 'tty')) params.set(flag, 'true');
  return `/api/v1/namespaces/${q.namespace ?? 'default'}/pods/${q.pod}/attach?${params}`;
}

export interface Frame {
  channel: number;
  data: Buffer;
}

export interface ExecSession {
  ws: WebSocket;
  protocol: string;
  frames: Frame[];
  send(channel: number, data: Uint8Array | string): void;
  /** resolves when the socket closed */
  closed: Promise<{ code: number }>;
  stdout(): string;
  stderr(): string;
  status(): Record<string, unknown> | undefined;
}

export function openExec(sandbox: Sandbox, q: ExecQuery, protocols: string[] = ['v5.channel.k8s.io']): Promise<ExecSession> {
  return openStream(sandbox, execPath(q), protocols);
}

/** A channel-protocol WebSocket to any streaming path (exec, attach), as `token` (default: the admin's). */
export function openStream(sandbox: Sandbox, path: string, protocols: string[] = ['v5.channel.k8s.io'], token = sandbox.token): Promise<ExecSession> {
  const ws = new WebSocket(`${sandbox.server.replace('https', 'wss')}${path}`, protocols, {
    ca: sandbox.caPem,
    headers: { Authorization: `Bearer ${token}` },
  });
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer) => frames.push({ channel: data[0], data: data.subarray(1) }));
  const closed = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })));
  const text = (channel: number) => Buffer.concat(frames.filter((f) => f.channel === channel).map((f) => f.data)).toString();
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        protocol: ws.protocol,
        frames,
        closed,
        send: (channel, data) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)])),
        stdout: () => text(1),
        stderr: () => text(2),
        status: () => {
          const f = frames.find((x) => x.channel === 3);
          return f ? JSON.parse(f.data.toString()) : undefined;
        },
      }),
    );
  });
}

/** Runs an exec to its end and returns what came back. */
export async function runExec(sandbox: Sandbox, q: ExecQuery, input?: string): Promise<ExecSession & { closeCode: number }> {
  const session = await openExec(sandbox, q);
  if (input !== undefined) {
    session.send(0, input);
    session.send(255, new Uint8Array([0]));
  }
  const { code } = await session.closed;
  return { ...session, closeCode: code };
}
