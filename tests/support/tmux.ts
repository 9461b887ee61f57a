// A real terminal for a test: a command in a detached tmux session of its own server (its own
// socket, so tests never meet), with keys sent and the screen read as a person would.
import { execFileSync } from 'node:child_process';
import { TMUX } from './sandbox.ts';
import { waitFor } from './wait.ts';
import { isRunning } from './process-tree.ts';

export interface TmuxTerminal {
  /** tmux key names (`Enter`, `C-p`) or text */
  keys(...keys: string[]): void;
  screen(): string;
  /** the terminal gets this size (its program a SIGWINCH) */
  resize(cols: number, rows: number): void;
  /** waits until the screen matches, or fails showing it */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<void>;
  kill(): void;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Runs `argv` (with `env`) in a `cols`×`rows` terminal; `after`: shell words run once it ends (the terminal stays to be read). */
export function startTmux(name: string, argv: string[], env: Record<string, string>, options: { cols?: number; rows?: number; after?: string } = {}): TmuxTerminal {
  const server = `octant-exec-${name}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync(TMUX, ['-L', server, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`);
  const command = `env ${assignments.join(' ')} ${argv.map(quote).join(' ')}; ${options.after ?? ''} sleep 600`;
  tmux('new-session', '-d', '-s', 'main', '-x', String(options.cols ?? 100), '-y', String(options.rows ?? 30), command);
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'main');
  return {
    keys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    screen,
    resize: (cols, rows) => void tmux('resize-window', '-t', 'main', '-x', String(cols), '-y', String(rows)),
    waitFor: (pattern, what, timeoutMs = 30_000) =>
      // a screen read is a process: ten a second are enough, and leave the machine to the test
      waitFor(async () => pattern.test(screen()) || (await new Promise((resolve) => setTimeout(resolve, 100)), false), what, timeoutMs).then(
        () => undefined,
        (error) => {
          throw new Error(`${(error as Error).message}; the screen: ${JSON.stringify(screen())}`);
        },
      ),
    kill: () => {
      try {
        const pid = Number(tmux('display-message', '-p', '#{pid}').trim());
        tmux('kill-server');
        // the server exits a moment after it is told: the run's look for orphans must not find it on its way out
        waitGone(pid, 5_000);
      } catch {
        // already gone
      }
    },
  };
}

/** Blocks (kill() is synchronous) until `pid` has ended, for at most `ms`. */
function waitGone(pid: number, ms: number): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (const end = Date.now() + ms; isRunning(pid) && Date.now() < end; ) Atomics.wait(nap, 0, 0, 20);
}
