// Test files in several worker processes at once. Most of a file's time is spent waiting (on a
// sandbox, kubectl, a browser, a database), so one process at a time leaves a 2-core machine
// half idle. Each worker is this runner again, under the same runtime; it claims the next file
// no one has taken (a folder made per file: mkdir either makes it or finds it made, atomically),
// runs it as the one-process run would (file-at-a-time.ts), and marks where each file's output
// ends with its result. The parent prints each file's output whole as it ends (never two files'
// lines mixed) and adds up the results. A worker that dies mid-file fails that file, by name;
// the other workers take the files it would have run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import type { FileResult } from './file-at-a-time.ts';

/** Set in a worker's environment: where the file list and the claims are, and its result mark. */
const WORKER_ENV = 'OCTANT_EXEC_TEST_WORKER';

interface WorkerSetup {
  /** the folder of claims; `files.json` in it lists the files in order */
  claims: string;
  /** begins each line the worker writes about a file's start and end */
  mark: string;
}

export interface TestFile {
  name: string;
  path: string;
}

/** A worker's setup when this process is one, else undefined. Read once: the tests' own children (a runner a test runs) must not inherit it. */
export function workerSetup(): WorkerSetup | undefined {
  const text = process.env[WORKER_ENV];
  delete process.env[WORKER_ENV];
  return text ? (JSON.parse(text) as WorkerSetup) : undefined;
}

/** The files a worker takes, each claimed as its turn comes (a lazy iterable, for runFiles). */
export function* claimFiles({ claims, mark }: WorkerSetup): Generator<TestFile> {
  const files = JSON.parse(readFileSync(join(claims, 'files.json'), 'utf8')) as TestFile[];
  for (const [index, file] of files.entries()) {
    try {
      mkdirSync(join(claims, String(index)));
    } catch {
      continue; // another worker has it
    }
    process.stdout.write(`\n${mark} start ${index}\n`);
    yield file;
  }
}

/** Written by the worker after a file's own output: the parent splits the output there. */
export function reportEnded({ mark }: WorkerSetup, result: FileResult): void {
  process.stdout.write(`\n${mark} ended ${JSON.stringify(result)}\n`);
}

export interface ParallelRun {
  /** the results of the files the workers ran, in the order they ended; a file a worker died in counts as failed */
  done: Promise<FileResult[]>;
  /** the files none ran (every worker gone: they all died), each said and counted as failed */
  notRun(ran: FileResult[]): FileResult[];
  /** what each worker is running now, with its output so far: said when the watchdog stops the run */
  inFlight(): string[];
  /** whether a worker ended by a SIGINT or SIGTERM (a terminal's Ctrl-C reaches the runner too) */
  endedBySignal(): boolean;
  /** asks every worker (SIGTERM, past `graceMs` for one that may be ending already) to end what its tests started and stop; one that does not within 10 s is left to the caller. Removes the claims */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `files` in `jobs` workers of this runtime, printing each file's output as it ends. */
export function runInWorkers(files: TestFile[], jobs: number, claimsIn: string): ParallelRun {
  const claims = mkdtempSync(join(claimsIn, 'octant-exec-test-claims-'));
  writeFileSync(join(claims, 'files.json'), JSON.stringify(files));
  const setup: WorkerSetup = { claims, mark: `octant-exec-test-${randomBytes(6).toString('hex')}` };
  const workers = Array.from({ length: Math.min(jobs, files.length) }, () => new Worker(setup, files));
  const done = Promise.all(workers.map((worker) => worker.done)).then((perWorker) => {
    rmSync(claims, { recursive: true, force: true });
    return perWorker.flat();
  });
  return {
    done,
    inFlight: () => workers.flatMap((worker) => worker.inFlight()),
    endedBySignal: () => workers.some((worker) => worker.signalled),
    notRun: (ran) => {
      const names = new Set(ran.map((result) => result.file));
      return files.filter(({ name }) => !names.has(name)).map(({ name }) => {
        process.stdout.write(`\n   FAIL  ${name}: not run, every test worker had ended\n`);
        return failed(name);
      });
    },
    stop: async (graceMs = 0) => {
      takeEveryClaim(claims, files.length); // no worker begins another file
      await Promise.all(workers.map((worker) => worker.stop(graceMs)));
      rmSync(claims, { recursive: true, force: true });
    },
  };
}

/** One worker process and what it has said so far. */
class Worker {
  readonly done: Promise<FileResult[]>;
  private readonly child: ChildProcess;
  private readonly results: FileResult[] = [];
  /** the running file's output, held until it ends: stdout and stderr in the order they came */
  private pending = '';
  /** stdout's unfinished line (a mark, perhaps), kept apart until it ends: no stderr inside a mark */
  private partial = '';
  private running: string | undefined;
  /** it ended by a SIGINT or SIGTERM */
  signalled = false;

  constructor(private readonly setup: WorkerSetup, private readonly files: TestFile[]) {
    this.child = spawn(...workerCommand(), {
      env: { ...process.env, [WORKER_ENV]: JSON.stringify(setup) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => this.read(text));
    // a file's stderr (console.error, the servers and sandboxes it runs) is its output too, held with it
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.pending += text));
    this.done = new Promise((resolve) => {
      this.child.once('error', (error) => this.exited(`could not start: ${error.message}`, resolve));
      this.child.once('close', (code, signal) => {
        this.signalled = signal === 'SIGINT' || signal === 'SIGTERM' || code === 130 || code === 143; // its handlers make those exits
        this.exited(`exit ${signal ?? code}`, resolve);
      });
    });
  }

  inFlight(): string[] {
    return this.running ? [`${this.running}, its output so far:\n${this.pending}${this.partial}`] : [];
  }

  /** SIGTERM once `graceMs` have passed without its end (a worker that had the signal too ends by itself), then waits 10 s at most. */
  async stop(graceMs: number): Promise<void> {
    if (await this.endsWithin(graceMs)) return;
    this.child.kill('SIGTERM');
    await this.endsWithin(10_000);
  }

  private async endsWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([this.done.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
    clearTimeout(timer);
    return ended;
  }

  private read(text: string): void {
    const mark = `${this.setup.mark} `;
    let rest = this.partial + text;
    for (;;) {
      const at = `\n${rest}`.indexOf(`\n${mark}`); // a mark begins a line
      const lineEnd = at < 0 ? -1 : rest.indexOf('\n', at);
      if (lineEnd < 0) {
        // whole lines wait with the file's output; an unfinished one (a mark, perhaps) waits for its end
        const keep = at >= 0 ? at : rest.lastIndexOf('\n') + 1;
        this.pending += rest.slice(0, keep);
        this.partial = rest.slice(keep);
        return;
      }
      const [kind, detail] = splitOnce(rest.slice(at + mark.length, lineEnd), ' ');
      const output = this.pending + rest.slice(0, at);
      process.stdout.write(output.endsWith('\n') ? output.slice(0, -1) : output); // but the newline the worker put before its mark
      this.pending = '';
      rest = rest.slice(lineEnd + 1);
      if (kind === 'start') this.running = this.files[Number(detail)]?.name;
      if (kind === 'ended') {
        this.results.push(JSON.parse(detail) as FileResult);
        this.running = undefined;
      }
    }
  }

  private exited(how: string, resolve: (results: FileResult[]) => void): void {
    process.stdout.write(this.pending + this.partial);
    [this.pending, this.partial] = ['', ''];
    if (this.running) {
      process.stdout.write(`\n   FAIL  ${this.running}: its test worker ended before the file did (${how})\n`);
      this.results.push(failed(this.running));
      this.running = undefined;
    }
    resolve(this.results);
  }
}

/** This runner again, under the runtime running it. */
function workerCommand(): [string, string[]] {
  const script = fileURLToPath(new URL('../run.ts', import.meta.url));
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  return deno ? [deno.execPath(), ['run', '-A', script]] : [process.execPath, [...process.execArgv, script]];
}

function takeEveryClaim(claims: string, count: number): void {
  for (let index = 0; index < count; index++) {
    try {
      mkdirSync(join(claims, String(index)));
    } catch {
      // taken already
    }
  }
}

/** A file that could not finish counts as one failed test, as one whose setup throws. */
function failed(file: string): FileResult {
  return { file, total: 1, passed: 0, skipped: 0, ms: 0 };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
