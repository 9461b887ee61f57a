// Figure 10: replicas. Two server processes share one event log in PostgreSQL (docs/scaling.md).
// A terminal is held by the replica that opened it (A); a page whose socket reached the other
// replica (B) gets its bytes relayed from A. Measured in one run, interleaved, for a page on the
// holder and a page on the other replica: exec → first output byte, keystroke echo, and how soon
// a terminal opened through A appears in the page's session list. Then, as figure 5 measures one
// server, a fresh third replica's memory (after full collections) per idle shell it holds, per
// shell A holds that it lists, and per shell of A's it relays to a page of its own.
import { interleave, quantile, summarize, type Figure, type Series } from '../harness.ts';
import { roundTrips } from '../measure.ts';
import { startReplicaBench, type Replica } from '../replica-bench.ts';
import { attachIdleShells, execShell, OPENERS, PER_SOCKET } from '../idle-shells.ts';
import { SessionPushes } from '../session-pushes.ts';
import { fixtureFor } from '../sandbox-fixture.ts';
import { attachTerminal, inTarget, rawThen, readUntil } from '../terminals.ts';
import type { HubClient } from '../hub-client.ts';

const HOLDER = 'page on the holder';
const RELAY = 'page on the other replica';
const SUBJECTS = [HOLDER, RELAY] as const;
type Subject = (typeof SUBJECTS)[number];
const WARMUP_KEYS = 20;
/** shells of each kind a fresh replica holds or relays before its memory baseline */
const WARM = 10;
/**
 * idle shells opened (or attached) at once in the memory measure, not figure 5's OPENERS (8): with
 * up to 1,020 shells in the sandbox each start costs it more (its launcher closes every fd the
 * sandbox holds, ~5 a shell), and on the 2-core bench machine 8 at once took 3–6 s each to the
 * prompt at 450 shells where 3 at once took 0.5–1 s and opened them all sooner (issue #17)
 */
const IDLE_OPENERS = 3;
/** the replicas' --idle-timeout: longer than any run of the figure */
const IDLE_TIMEOUT_SECONDS = 3600;
/** the project's goal for a server's memory per idle terminal, KiB */
const GOAL_KIB = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const METRICS = { firstByte: 'p50 first byte of `echo hi`', echo50: 'p50 echo', echo99: 'p99 echo', listed50: 'p50 session listed', listed99: 'p99 session listed' };

export const replicasFigure: Figure = {
  id: '10',
  title: 'Replicas on one PostgreSQL log: a page on the holder vs a page on the other replica',
  // a hang guard, not a limit: a full run opens 1,020 shells at IDLE_OPENERS at a time after its rounds
  stuckMinutes: (quick) => (quick ? 4 : 25),
  async run(ctx) {
    const execs = ctx.quick ? 20 : 50;
    const keys = ctx.quick ? 200 : 2000;
    // as in figure 1: sequential typing this fast would pass the control-message rate
    const idle = ctx.quick ? 50 : 500;
    // as in figure 5, --max-sessions (default 64) and the pod's process limit raised for the idle
    // shells: A and C each hold `idle` and WARM of them at once
    const maxSessions = idle + 2 * WARM + 20;
    const shells = 2 * idle + 2 * WARM;
    // idle shells must outlast the measure: at the default --idle-timeout (5 minutes) C's first
    // ones ended while A's were still being opened, and as they ended new shells took up to 30 s
    // to start, one past the server's connect timeout: the breakage of issue #17
    const bench = await startReplicaBench({ hub: { messagesPerSecond: 1_000_000 }, maxSessions, idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS, fixture: fixtureFor(shells) });
    const { a, b } = bench;
    const pageOf = { [HOLDER]: a.page, [RELAY]: b.page };
    const pushes = { [HOLDER]: new SessionPushes(a.page), [RELAY]: new SessionPushes(b.page) };
    const series = new Map<string, Series>();
    const record = (subject: string, metric: string, value: number) => {
      const key = `${subject}\n${metric}`;
      if (!series.has(key)) series.set(key, { subject, metric, unit: 'ms', better: 'lower', samples: [] });
      series.get(key)!.samples.push(value);
    };
    /** relayed first-byte runs in which B listed the terminal by the time POST /exec answered, of all */
    const listedByB = { yes: 0, runs: 0 };
    const all = { firstByte: { [HOLDER]: [] as number[], [RELAY]: [] as number[] }, listed: { [HOLDER]: [] as number[], [RELAY]: [] as number[] } };

    /** where the first byte's time goes, over all rounds: POST /exec answered, `attached` on the page (ms from the start) */
    const steps = { answered: { [HOLDER]: [] as number[], [RELAY]: [] as number[] }, attached: { [HOLDER]: [] as number[], [RELAY]: [] as number[] } };
    /** POST /exec on A, attach from the page on `subject`; ms to the first byte of `echo hi`, and whether that page listed it when POST answered */
    const firstByte = async (subject: Subject): Promise<{ ms: number; listed: boolean }> => {
      const started = performance.now();
      const [sessionId] = await a.page.exec(inTarget(['echo', 'hi'], false));
      const answered = performance.now() - started;
      const listed = pushes[subject].has(sessionId);
      const term = await attachTerminal(pageOf[subject], sessionId);
      const attached = performance.now() - started;
      // an exec that fails never prints: break, do not wait for the watchdog
      const ended = term.exited.then(() => sleep(1_000)).then(() => 'ended' as const);
      if ((await Promise.race([readUntil(term, 'h'), ended])) === 'ended') throw new Error(`\`echo hi\` (${sessionId}) ended and its output never came`);
      const ms = performance.now() - started;
      steps.answered[subject].push(answered);
      steps.attached[subject].push(attached);
      // not `term.exited`: a command this short may have ended before the attach, its end already pushed
      await a.page.closeSession(sessionId);
      return { ms, listed };
    };
    /** POST /exec on A; ms to the first `session` push for it on each page */
    const listing = async (): Promise<Record<string, number>> => {
      const started = performance.now();
      const [sessionId] = await a.page.exec(inTarget(['true'], false));
      const [onHolder, onOther] = await Promise.all(SUBJECTS.map((subject) => pushes[subject].first(sessionId)));
      await a.page.closeSession(sessionId);
      return { [HOLDER]: onHolder - started, [RELAY]: onOther - started };
    };
    /** an interactive `cat` opened through A, typed into from the page on `subject`; ms per round trip */
    const echo = async (subject: Subject): Promise<number[]> => {
      const [sessionId] = await a.page.exec(inTarget(rawThen('cat'), true));
      const term = await attachTerminal(pageOf[subject], sessionId);
      await readUntil(term, 'R');
      await roundTrips(term, WARMUP_KEYS);
      const times = await roundTrips(term, keys);
      term.close();
      await term.exited;
      return times;
    };

    /** pages of the memory measure */
    const idlePages: HubClient[] = [];
    /** the longest any idle shell of the memory measure took to its prompt, ms */
    let slowestPrompt = 0;
    /** `count` idle shells, the i-th `terminalOf(i, page)`, attached by pages on `replica`; their ids */
    const attachIdle = async (replica: Replica, count: number, terminalOf: (i: number, page: HubClient) => Promise<string>): Promise<string[]> => {
      const { pages, sessionIds, slowestMs } = await attachIdleShells(replica.server.app, count, terminalOf, IDLE_OPENERS);
      idlePages.push(...pages);
      slowestPrompt = Math.max(slowestPrompt, slowestMs);
      return sessionIds;
    };
    /** `count` shells held by `holder`, opened and attached by pages on it, then each attached by a page on `relay` too */
    const relayIdle = async (holder: Replica, relay: Replica, count: number) => {
      const sessionIds = await attachIdle(holder, count, (_, page) => execShell(page));
      await attachIdle(relay, count, async (i) => sessionIds[i]);
    };
    /** a replica's memory after full collections, a second after a step (its sockets and timers settled) */
    const reading = async (replica: Replica) => {
      await sleep(1_000);
      return replica.server.memoryAfterGc();
    };
    let memory: { readings: Record<'base' | 'held' | 'listed' | 'relayed', { c: NodeJS.MemoryUsage; a: NodeJS.MemoryUsage }>; heldSeconds: number; relaySeconds: number } | undefined;

    try {
      // untimed: the first exec through each replica, B's first relay link to A
      for (const subject of SUBJECTS) await firstByte(subject);
      await listing();
      for (let round = 0; round < ctx.rounds; round++) {
        const firstBytes = { [HOLDER]: [] as number[], [RELAY]: [] as number[] };
        const listings = { [HOLDER]: [] as number[], [RELAY]: [] as number[] };
        await interleave(execs, {
          holder: async () => void firstBytes[HOLDER].push((await firstByte(HOLDER)).ms),
          relay: async () => {
            // B relays an attach only once it lists the terminal (until then it polls): how often it already did
            const { ms, listed } = await firstByte(RELAY);
            firstBytes[RELAY].push(ms);
            listedByB.runs++;
            if (listed) listedByB.yes++;
          },
          listed: async () => {
            const times = await listing();
            for (const subject of SUBJECTS) listings[subject].push(times[subject]);
          },
        });
        for (const subject of SUBJECTS) {
          record(subject, METRICS.firstByte, quantile(firstBytes[subject], 0.5));
          record(subject, METRICS.listed50, quantile(listings[subject], 0.5));
          record(subject, METRICS.listed99, quantile(listings[subject], 0.99));
          all.firstByte[subject].push(...firstBytes[subject]);
          all.listed[subject].push(...listings[subject]);
        }
        for (const subject of SUBJECTS) {
          const times = await echo(subject);
          record(subject, METRICS.echo50, quantile(times, 0.5));
          record(subject, METRICS.echo99, quantile(times, 0.99));
        }
      }

      // Memory, once, after the rounds (which leave no terminal open), on a fresh replica C: on the
      // rounds' grown heaps RSS hardly moves as terminals are added (bench/README.md). C first
      // holds WARM shells and relays WARM of A's, so code loading, JIT and its first relay link
      // are in the baseline; then `idle` shells held by C; then `idle` held by A (C lists them);
      // then each of those also watched from a page on C, which relays it from A.
      const c = await bench.startReplica('c');
      const both = async () => ({ c: await reading(c), a: await reading(a) });
      await attachIdle(c, WARM, (_, page) => execShell(page));
      await relayIdle(a, c, WARM);
      const base = await both();
      let started = performance.now();
      await attachIdle(c, idle, (_, page) => execShell(page));
      const heldSeconds = (performance.now() - started) / 1000;
      const held = await both();
      const relayIds = await attachIdle(a, idle, (_, page) => execShell(page));
      const listed = await both();
      started = performance.now();
      await attachIdle(c, idle, async (i) => relayIds[i]);
      const relaySeconds = (performance.now() - started) / 1000;
      memory = { readings: { base, held, listed, relayed: await both() }, heldSeconds, relaySeconds };
      ctx.log(`replicas: ${idle} idle shells opened through C in ${heldSeconds.toFixed(1)} s; ${idle} of A's attached from C in ${relaySeconds.toFixed(1)} s; slowest to its prompt ${(slowestPrompt / 1000).toFixed(1)} s`);
    } catch (error) {
      // what the replicas said (a lost lease, a stream that failed) goes with the breakage
      ctx.log(bench.warnings(20));
      throw error;
    } finally {
      for (const page of idlePages) page.close();
      for (const subject of SUBJECTS) pushes[subject].stop();
      await bench.close();
    }
    const median = (metric: string, subject: string) => summarize(series.get(`${subject}\n${metric}`)!.samples).median;
    const gap = (metric: string) => (median(metric, RELAY) - median(metric, HOLDER)).toFixed(2);
    const overall = (samples: Record<string, number[]>, subject: string) => `p50 ${quantile(samples[subject], 0.5).toFixed(1)} ms, p99 ${quantile(samples[subject], 0.99).toFixed(1)} ms`;
    const p50 = (samples: Record<string, number[]>, subject: string) => quantile(samples[subject], 0.5).toFixed(1);
    const { readings, heldSeconds, relaySeconds } = memory!;
    /** KiB per terminal between two readings of one replica: RSS, and what is live (JS heap used and memory outside it: buffers) */
    const per = (from: keyof typeof readings, to: keyof typeof readings, replica: 'a' | 'c') => {
      const [x, y] = [readings[from][replica], readings[to][replica]];
      return { rss: (y.rss - x.rss) / 1024 / idle, live: (y.heapUsed + y.external - x.heapUsed - x.external) / 1024 / idle };
    };
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const perGiB = (kib: number) => Math.round(2 ** 20 / kib).toLocaleString('en');
    const kibSeries = (subject: string, metric: string, kib: number): Series => ({ subject, metric, unit: 'KiB', better: 'lower', samples: [kib] });
    const FRESH = 'replica C (fresh)';
    const HOLDER_A = 'replica A (warm)';
    const cHeld = per('base', 'held', 'c');
    const cListed = per('held', 'listed', 'c');
    const cRelayed = per('listed', 'relayed', 'c');
    const aHeld = per('held', 'listed', 'a');
    const aViewer = per('listed', 'relayed', 'a');
    const memoryLine = (replica: 'a' | 'c') =>
      (['base', 'held', 'listed', 'relayed'] as const).map((step) => `${step} ${mib(readings[step][replica].rss)}/${mib(readings[step][replica].heapUsed)}/${mib(readings[step][replica].external)}`).join(', ');
    return {
      id: this.id,
      title: this.title,
      series: [
        ...series.values(),
        kibSeries(FRESH, `RSS per idle terminal it holds (${idle})`, cHeld.rss),
        kibSeries(FRESH, `heap + external per idle terminal it holds (${idle})`, cHeld.live),
        kibSeries(FRESH, `RSS per terminal A holds, listed (${idle})`, cListed.rss),
        kibSeries(FRESH, `heap + external per terminal A holds, listed (${idle})`, cListed.live),
        kibSeries(FRESH, `RSS per terminal it relays from A (${idle})`, cRelayed.rss),
        kibSeries(FRESH, `heap + external per terminal it relays from A (${idle})`, cRelayed.live),
        kibSeries(HOLDER_A, `heap + external per idle terminal it holds (${idle})`, aHeld.live),
        kibSeries(HOLDER_A, `heap + external per viewer relayed by C (${idle})`, aViewer.live),
      ],
      ratios: Object.values(METRICS).map((metric) => [RELAY, HOLDER, metric]),
      notes: [
        'two replicas (server processes) on one PostgreSQL 15 database and one sandbox; every terminal is opened by POST /exec on replica A, which holds it; "page on the other replica" is a page socket on B, whose bytes B relays from A',
        `first byte: from POST /exec to the first byte of \`echo hi\` on the page, attached on A or on B; ${execs} execs of each per round, interleaved with the listing below, one untimed of each first; each round's p50 is one sample. On B the attach also waits until B has the terminal in its lists (it goes on when the shared log delivers it)`,
        `echo: ${keys} 1-byte round trips through \`cat\` in raw mode per round (after ${WARMUP_KEYS} unmeasured), typed on the page on A or on B; messagesPerSecond raised on both, as in figure 1`,
        `session listed: from POST /exec on A to the first \`session\` push for that terminal on a page on A (for reference: its own entries) and on B (the shared log: the insert, NOTIFY, B's read, its projection, its push); ${execs} execs of \`true\` per round`,
        `over all rounds, first byte: page on the holder ${overall(all.firstByte, HOLDER)}; page on the other replica ${overall(all.firstByte, RELAY)}`,
        `where the first byte's time goes, p50 over all rounds (ms from POST /exec): answered ${p50(steps.answered, HOLDER)} and ${p50(steps.answered, RELAY)}, \`attached\` on the page ${p50(steps.attached, HOLDER)} and ${p50(steps.attached, RELAY)}, first byte ${p50(all.firstByte, HOLDER)} and ${p50(all.firstByte, RELAY)} (page on the holder, page on the other replica)`,
        `over all rounds, session listed: page on the holder ${overall(all.listed, HOLDER)}; page on the other replica ${overall(all.listed, RELAY)}`,
        `relay − holder (medians of the rounds): first byte ${gap(METRICS.firstByte)} ms, echo p50 ${gap(METRICS.echo50)} ms, echo p99 ${gap(METRICS.echo99)} ms, session listed p50 ${gap(METRICS.listed50)} ms`,
        `when POST /exec answered on A, B had already pushed the terminal's row in ${listedByB.yes} of ${listedByB.runs} relayed first-byte runs (an attach for a terminal B does not list yet waits for the shared log to deliver it)`,
        `memory, once after the rounds, on a fresh replica C started then on the same log: warm-up of ${WARM} \`sh\` held by C and ${WARM} held by A watched from C; then ${idle} interactive \`sh\` opened through C ${IDLE_OPENERS} at a time (figure 5 opens ${OPENERS}), each attached by a page on C (sockets of ${PER_SOCKET}), in ${heldSeconds.toFixed(1)} s; then ${idle} opened through A and attached on A (C lists them); then each of those attached by a page on C too (C relays it from A) in ${relaySeconds.toFixed(1)} s; the slowest shell took ${(slowestPrompt / 1000).toFixed(1)} s from POST /exec (or the attach) to its prompt (the server gives up on an exec the cluster has not started in 30 s). Each reading a second after its step, after full collections in the replica, repeated a second apart until its RSS fell by less than 1 MiB (pages go back to the system a while after a collection); --max-sessions ${maxSessions}, --idle-timeout ${IDLE_TIMEOUT_SECONDS}, the pod's process limit ${fixtureFor(shells).podPidsLimit}`,
        `memory, MiB as RSS/heap used/external, after each step: C: ${memoryLine('c')}; A: ${memoryLine('a')}`,
        `per terminal, RSS and heap + external: C holds one for ${cHeld.rss.toFixed(1)} and ${cHeld.live.toFixed(1)} KiB, lists one of A's for ${cListed.rss.toFixed(1)} and ${cListed.live.toFixed(1)} KiB, relays one for ${cRelayed.rss.toFixed(1)} and ${cRelayed.live.toFixed(1)} KiB more; A (warm: its RSS says little) holds one for ${aHeld.live.toFixed(1)} KiB of heap + external, and a viewer relayed by C costs it ${aViewer.live.toFixed(1)} KiB`,
        `terminals per GiB of a replica holding them: ${perGiB(cHeld.rss)} at the measured RSS (${cHeld.rss.toFixed(0)} KiB), ${perGiB(cHeld.live)} at heap + external (${cHeld.live.toFixed(0)} KiB); relayed through a replica: ${perGiB(cListed.rss + cRelayed.rss)} at RSS (${(cListed.rss + cRelayed.rss).toFixed(0)} KiB); against ${perGiB(GOAL_KIB)} at the ${GOAL_KIB} KiB goal`,
      ],
    };
  },
};
