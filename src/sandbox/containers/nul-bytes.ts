// No word of a command, and no environment variable, may hold a NUL byte: execve cannot take one
// (runc answers "invalid argument"), Node's spawn throws on one, and the bubblewrap runtime's
// launcher reads NUL-ended words, where a NUL inside an environment value would end the value
// early and make the rest a command of its own, run outside the container. Both runtimes ask
// this before anything starts.
import type { ExecPreparation } from './container-runtime.ts';

export function refuseNulBytes(argv: string[], env: Record<string, string>): ExecPreparation | undefined {
  const words = [...argv, ...Object.entries(env).flat()];
  if (!words.some((word) => word.includes('\0'))) return undefined;
  return { notFound: `exec: ${JSON.stringify(argv[0] ?? '')}: invalid argument` };
}
