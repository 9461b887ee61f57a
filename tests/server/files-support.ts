// Calling the file routes of a test server with real bodies (fetch), and running a short command
// in a container to set up or check what a transfer did.
import { createHash } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { writeTar } from '../../src/files/tar-writer.ts';
import { call, openExec, sessionState, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

export interface Where {
  namespace?: string;
  pod: string;
  container?: string;
  path: string;
  name?: string;
}

export function filesUrl(app: TestApp, route: 'upload' | 'download', where: Where): string {
  const query = new URLSearchParams({ namespace: where.namespace ?? 'default', pod: where.pod, path: where.path });
  if (where.container) query.set('container', where.container);
  if (where.name) query.set('name', where.name);
  return `http://127.0.0.1:${app.port}/api/v1/files/${route}?${query}`;
}

export async function uploadTo(app: TestApp, where: Where, body: Uint8Array, contentType = 'application/octet-stream'): Promise<{ status: number; json: any }> {
  const send = () => fetch(filesUrl(app, 'upload', where), { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': contentType }, body: new Blob([new Uint8Array(body)]) });
  // Deno's fetch may take a kept-alive connection the server has just closed (a download the test
  // before cut) and fail with no answer: asked again on a new one, as a browser does. An upload of
  // the same bytes to the same place is the same upload.
  const res = await send().catch(send);
  return { status: res.status, json: await res.json() };
}

/** status 0: the connection was cut (a download that failed after its answer had started); `headers`: more to send (the page's footer header) */
export async function downloadFrom(app: TestApp, where: Where, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  try {
    const res = await fetch(filesUrl(app, 'download', where), { headers: { ...headers, Authorization: `Bearer ${app.token}` } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  } catch {
    return { status: 0, headers: new Headers(), body: Buffer.alloc(0) };
  }
}

/**
 * A download as `octant-exec cp` asks for it (TE: trailers, and the outcome in trailers), through
 * node:http: its bytes, whether the answer ended (false: cut) and its trailers. `teOnly`: TE alone,
 * as a client that knows nothing of the outcome sends it (curl -H 'TE: trailers').
 */
export function downloadWithTrailers(app: TestApp, where: Where, { teOnly = false } = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; ended: boolean; trailers: NodeJS.Dict<string> }> {
  return new Promise((resolve, reject) => {
    const outcome = teOnly ? {} : { 'X-Octant-Exec-Outcome': 'trailers' };
    const req = request(filesUrl(app, 'download', where), { headers: { TE: 'trailers', ...outcome, Authorization: `Bearer ${app.token}` } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('error', () => {});
      res.on('close', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts), ended: res.complete, trailers: res.trailers }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Runs argv (no TTY) in a container and waits for it to exit 0. */
export async function runIn(app: TestApp, pod: string, container: string, argv: string[], namespace = 'default'): Promise<void> {
  const [id] = await openExec(app, { namespace, pod, containers: [container], command: { argv }, interactive: false });
  await waitFor(async () => ['exited', 'failed'].includes((await sessionState(app, id))?.state ?? ''), `${argv.join(' ')} to end`, 20_000);
  const row = await sessionState(app, id);
  if (row?.state !== 'exited' || row.exitCode !== 0) throw new Error(`${argv.join(' ')} ended ${row?.state} ${row?.exitCode}`);
  await call(app, `/api/v1/sessions/${id}/close`, { method: 'POST' });
}

/**
 * Runs `body` while the container's `tar` is a script that prints `stream` whatever it is asked,
 * as a hostile image's tar could (the sandbox's PATH has /usr/local/bin first); then removes it.
 * `exitCode`: what it exits with after printing the stream (GNU tar's 2: some file could not be
 * read whole); `thenSleep`: seconds it waits before (a tar still running after its archive);
 * `said`: lines it writes on stderr after the stream (no single quotes in them).
 */
export async function withLyingTar(app: TestApp, pod: string, container: string, stream: Uint8Array, body: () => Promise<void>, exitCode = 0, thenSleep = 0, said: string[] = []): Promise<void> {
  const res = await uploadTo(app, { pod, container, path: '/tmp', name: 'lie.tar' }, stream);
  if (res.status !== 201) throw new Error(`planting the lying tar's archive: ${res.status} ${JSON.stringify(res.json)}`);
  const stderr = said.length > 0 ? `printf '%s\\n' ${said.map((line) => `'${line}'`).join(' ')} >&2\n` : '';
  await withPlantedTar(app, pod, container, `cat /tmp/lie.tar\n${stderr}sleep ${thenSleep}\nexit ${exitCode}`, async () => {
    try {
      await body();
    } finally {
      await runIn(app, pod, container, ['rm', '-f', '/tmp/lie.tar']);
    }
  });
}

/** Runs `body` while the container's `tar` is the shell script `script`; then removes it. */
export async function withPlantedTar(app: TestApp, pod: string, container: string, script: string, body: () => Promise<void>): Promise<void> {
  const file = Buffer.from(`#!/bin/sh\n${script}\n`);
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar([{ name: 'tar', type: 'file', mode: 0o755, mtime: 0, size: file.length, body: Readable.from([file]) }])) chunks.push(chunk);
  const res = await uploadTo(app, { pod, container, path: '/usr/local/bin' }, Buffer.concat(chunks), 'application/x-tar');
  if (res.status !== 201) throw new Error(`planting a tar: ${res.status} ${JSON.stringify(res.json)}`);
  try {
    await body();
  } finally {
    await runIn(app, pod, container, ['rm', '-f', '/usr/local/bin/tar']);
  }
}
