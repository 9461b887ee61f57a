// `octant-exec __complete WORD…`: what the completion scripts call; one candidate per line.
import process from 'node:process';
import { clusterNames } from './cluster-names.ts';
import { completions } from './complete.ts';

export async function completeCommand(words: string[]): Promise<number> {
  const candidates = await completions(words, clusterNames);
  await new Promise((resolve) => process.stdout.write(candidates.map((word) => `${word}\n`).join(''), resolve));
  // the shell waits for this process: a cluster request still in flight must not hold the prompt
  process.exit(0);
}
