// `octant-exec debug POD`: a shell in a debug container added to the pod (the image: --image,
// else the first the server allows), or with --copy in a debug copy of the pod, deleted when
// this terminal ends.
import process from 'node:process';
import type { ParsedArgs } from '../flags.ts';
import type { ServerInfo } from '../../protocol/index.ts';
import { serverAccess } from '../server/server-access.ts';
import { callServerJson, ServerError, serverText, type ServerAccess } from '../server/server-client.ts';
import { UsageError } from '../usage.ts';
import type { debugSpec } from './debug-spec.ts';
import { runTerminal } from './run-terminal.ts';
import { targetOperand } from './terminal-target.ts';
import { withTarget } from './with-target.ts';
import { idleTimeoutRequest } from './idle-timeout-flag.ts';

export async function debugCommand({ values, operands }: ParsedArgs<typeof debugSpec>): Promise<number> {
  if (values.copy && values.image !== undefined) throw new UsageError('--copy runs the shell in a copy of the pod, not in an image: give --copy or --image, not both');
  const { pod, namespace } = targetOperand(operands, values, 'octant-exec debug [options] [NAMESPACE/]POD');
  const idle = idleTimeoutRequest(values);
  // a debug shell is a terminal: from a pipe, its end would never end the shell, and the run would wait for good
  if (!process.stdin.isTTY) throw new UsageError('a debug shell needs a terminal, and stdin is not one: run it from a terminal (octant-exec exec POD -- COMMAND runs a command from a pipe)');
  const access = serverAccess(values);
  const program = 'octant-exec debug';
  return withTarget(program, access, pod, namespace, values, async (target) => {
    if (values.copy) {
      return runTerminal({
        access,
        program,
        request: { ...target, mode: { kind: 'copy' }, ...idle },
        notice: (row) => `this is a COPY of ${target.pod}, named ${serverText(String(row.target?.pod))}, with ${target.container} kept sleeping: it is deleted when this terminal ends`,
      });
    }
    const image = values.image ?? (await defaultImage(access));
    if (image === undefined) return fail(program, `the server at ${access.url.origin} offers no debug image: give one with --image`);
    return runTerminal({
      access,
      program,
      request: { ...target, mode: { kind: 'debug', image }, ...idle },
      notice: () => `a debug container of ${serverText(image)} in ${target.pod}, sharing ${target.container}'s processes (its files under /proc/1/root); press Enter if no prompt shows`,
    });
  }).catch((error) => {
    if (error instanceof ServerError) return fail(program, error.message);
    throw error;
  });
}

/** The first image of the server's --debug-image list, as the page offers it. */
async function defaultImage(access: ServerAccess): Promise<string | undefined> {
  const info = await callServerJson<ServerInfo>(access, 'GET', '/api/v1/info');
  const first = Array.isArray(info?.debugImages) ? info.debugImages[0] : undefined;
  return typeof first === 'string' ? first : undefined;
}

function fail(program: string, sentence: string): number {
  process.stderr.write(`${program}: ${sentence}\n`);
  return 1;
}
