// GET /api/v1/namespaces/NS/pods/NAME/log: a container's log, the output of its main process as
// the kubelet keeps it (the last MiB, processes/log-buffer.ts), plain text. `tailLines` and
// `limitBytes` cut it as kubectl asks; `follow` then streams new output until the process ends
// (or the client leaves). A follower is never allowed to slow the process: one that stops
// reading is cut off once a log's worth of output waits for it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterState } from './cluster-state.ts';
import type { MainProcesses } from '../containers/main-processes.ts';
import type { MainProcess } from '../processes/main-process.ts';
import { LOG_LIMIT_BYTES, lastLines } from '../processes/log-buffer.ts';
import { chooseContainer } from '../exec/exec-admission.ts';
import { sendStatus } from './http-replies.ts';
import { badRequest, notFound } from './kube-status.ts';

const isTrue = (value: string | null) => value === 'true' || value === '1';

export function handlePodLog(state: ClusterState, mainProcesses: MainProcesses, namespace: string, podName: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const pod = state.pod(namespace, podName);
  if (!pod) return sendStatus(res, notFound('pods', podName));
  const chosen = chooseContainer(pod, podName, query.get('container') ?? '');
  if ('refused' in chosen) return sendStatus(res, chosen.refused);
  const { container } = chosen;
  const tail = whole(query.get('tailLines'), 'tailLines');
  const limit = whole(query.get('limitBytes'), 'limitBytes', 1);
  if (typeof tail === 'string') return sendStatus(res, badRequest(tail));
  if (typeof limit === 'string') return sendStatus(res, badRequest(limit));
  // Only the current instance is kept: the sandbox never restarts a container.
  if (isTrue(query.get('previous'))) return sendStatus(res, badRequest(`previous terminated container "${container.name}" in pod "${podName}" not found`));
  if (typeof container.state === 'object' && 'waiting' in container.state) {
    return sendStatus(res, badRequest(`container "${container.name}" in pod "${podName}" is waiting to start: ${container.state.waiting.reason}`));
  }

  const main = mainProcesses.find(namespace, podName, container.name);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  if (!main) return void res.end(); // a container that never ran here has written nothing
  void main.then((started) => {
    let log = started.log.contents();
    if (tail !== undefined) log = lastLines(log, tail);
    if (limit !== undefined) log = log.subarray(0, limit);
    res.write(log);
    if (!isTrue(query.get('follow')) || !started.running || limit !== undefined) return void res.end();
    follow(started, req, res);
  });
}

function follow(main: MainProcess, req: IncomingMessage, res: ServerResponse): void {
  const detach = main.attach({
    write: (_stream, chunk) => {
      if (res.writableLength > LOG_LIMIT_BYTES) stop();
      else res.write(chunk);
      return true;
    },
  });
  function stop(): void {
    detach();
    if (!res.writableEnded) res.end();
  }
  void main.exited.then(stop);
  req.on('close', stop);
  res.on('close', stop);
}

/** A query number as the API server reads it: absent, or a whole number from `min`; else what is wrong. */
function whole(value: string | null, name: string, min = 0): number | undefined | string {
  if (value === null) return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= min ? number : `${name}: Invalid value: "${value}": must be a whole number of at least ${min}`;
}
