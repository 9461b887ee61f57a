// Figure 10: replicas. Two server processes share one event log in PostgreSQL (docs/scaling.md).
// A terminal is held by the replica that opened it (A); a page whose socket reached the other
// replica (B) gets its bytes relayed from A. Measured in one run, interleaved, for a page on the
// holder and a page on the other replica: exec → first output byte, keystroke echo, and how soon
// a terminal opened through A appears in the page's session list. Then, as figure 5 measures one
// server: each replica's memory per idle shell A holds, and per shell also watched from a page on B.
import { interleave, quantile, summarize, type Figure, type Series } from '../harness.ts';
import { roundTrips } from '../measure.ts';
import { startReplicaBench } from '../replica-bench.ts';
import { SessionPushes } from '../session-pushes.ts';
import { fixtureFor } from '../sandbox-fixture.ts';
import { attachTerminal, inTarget, rawThen, readPrompt, readUntil, TARGET } from '../terminals.ts';
import { HubClient, type AppAddress } from '../hub-client.ts';

const HOLDER = 'page on the holder';
const RELAY = 'page on the other replica';
const SUBJECTS = [HOLDER, RELAY] as const;
type Subject = (typeof SUBJECTS)[number];
const WARMUP_KEYS = 20;
/** as in figure 5: idle shells per page socket (a tab's worth), opened 8 at a time */
const PER_SOCKET = 100;
const OPENERS = 8;
/** the project's goal for a server's memory per idle terminal, KiB */
const GOAL_KIB = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const METRICS = { firstByte: 'p50 first byte of `echo hi`', echo50: 'p50 echo', echo99: 'p99 echo', listed50: 'p50 session listed', listed99: 'p99 session listed' };

export const replicasFigure: Figure = {
  id: '10',
  title: 'Replicas on one PostgreSQL log: a page on the holder vs a page on the other replica',
  stuckMinutes: (quick) => (quick ? 3 : 10),
  async run(ctx) {
    const execs = ctx.quick ? 20 : 50;
    const keys = ctx.quick ? 200 : 2000;
    // as in figure 1: sequential typing this fast would pass the control-message rate
    const idle = ctx.quick ? 50 : 500;
    // as in figure 5, --max-sessions (default 64) and the pod's process limit raised for the idle shells
    const bench = await startReplicaBench({ hub: { messagesPerSecond: 1_000_000 }, maxSessions: idle + 20, fixture: fixtureFor(idle + 20) });
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

    /** pages of the memory measure, each a socket of PER_SOCKET idle shells */
    const idlePages: HubClient[] = [];
    /** `idle` terminals, the i-th being `terminalOf(i, page)`, each attached by a page on `app` (PER_SOCKET a page) until its shell prompt shows; their ids */
    const attachIdle = async (app: AppAddress, terminalOf: (i: number, page: HubClient) => Promise<string>): Promise<string[]> => {
      const pages: HubClient[] = [];
      for (let i = 0; i < idle; i += PER_SOCKET) pages.push(await HubClient.connect(app));
      idlePages.push(...pages);
      const sessionIds: string[] = [];
      let next = 0;
      const opener = async () => {
        while (next < idle) {
          const i = next++;
          const page = pages[Math.floor(i / PER_SOCKET)];
          sessionIds[i] = await terminalOf(i, page);
          // on B the output is replayed from its first byte, so it ends with the prompt too
          await readPrompt(await attachTerminal(page, sessionIds[i]));
        }
      };
      await Promise.all(Array.from({ length: OPENERS }, opener));
      return sessionIds;
    };
    /** both replicas' RSS, bytes, after a second's rest */
    const rss = async () => {
      await sleep(1_000);
      return { a: (await a.server.usage()).rss, b: (await b.server.usage()).rss };
    };
    let memory: { before: { a: number; b: number }; held: { a: number; b: number }; relayed: { a: number; b: number }; openSeconds: number; relaySeconds: number } | undefined;

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

      // Memory, once, after the rounds (which leave no terminal open): `idle` interactive shells
      // opened through A and attached by pages on A, as figure 5 opens them on one server; then
      // each also attached by a page on B, whose bytes B relays from A. On processes whose heaps
      // the rounds have grown, RSS hardly moves as terminals are added (bench/README.md); before
      // the rounds, closing the 500 made the rounds' first exec fail.
      const before = await rss();
      let opened = performance.now();
      const sessionIds = await attachIdle(a.server.app, async (_, page) => (await page.exec({ namespace: TARGET.namespace, pod: TARGET.pod, containers: [TARGET.container], command: { shell: 'sh' }, interactive: true }))[0]);
      const openSeconds = (performance.now() - opened) / 1000;
      const held = await rss();
      opened = performance.now();
      await attachIdle(b.server.app, async (i) => sessionIds[i]);
      const relaySeconds = (performance.now() - opened) / 1000;
      memory = { before, held, relayed: await rss(), openSeconds, relaySeconds };
      ctx.log(`replicas: ${idle} idle shells opened through A in ${openSeconds.toFixed(1)} s, attached from B in ${relaySeconds.toFixed(1)} s`);
    } finally {
      for (const page of idlePages) page.close();
      for (const subject of SUBJECTS) pushes[subject].stop();
      await bench.close();
    }
    const median = (metric: string, subject: string) => summarize(series.get(`${subject}\n${metric}`)!.samples).median;
    const gap = (metric: string) => (median(metric, RELAY) - median(metric, HOLDER)).toFixed(2);
    const overall = (samples: Record<string, number[]>, subject: string) => `p50 ${quantile(samples[subject], 0.5).toFixed(1)} ms, p99 ${quantile(samples[subject], 0.99).toFixed(1)} ms`;
    const p50 = (samples: Record<string, number[]>, subject: string) => quantile(samples[subject], 0.5).toFixed(1);
    const { before, held, relayed, openSeconds, relaySeconds } = memory!;
    /** KiB per terminal between two RSS readings */
    const per = (from: number, to: number) => (to - from) / 1024 / idle;
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const perGiB = (kib: number) => Math.round(2 ** 20 / kib).toLocaleString('en');
    const kibSeries = (subject: string, metric: string, kib: number): Series => ({ subject, metric, unit: 'KiB', better: 'lower', samples: [kib] });
    const HOLDS = 'replica A (holds them)';
    const RELAYS = 'replica B (relays them)';
    const holderIdle = per(before.a, held.a);
    const holderWatched = per(before.a, relayed.a);
    return {
      id: this.id,
      title: this.title,
      series: [
        ...series.values(),
        kibSeries(HOLDS, `RSS per idle terminal (${idle})`, holderIdle),
        kibSeries(HOLDS, `RSS per relayed viewer of one (${idle})`, per(held.a, relayed.a)),
        kibSeries(RELAYS, `RSS per terminal listed, not watched (${idle})`, per(before.b, held.b)),
        kibSeries(RELAYS, `RSS per relayed terminal (${idle})`, per(held.b, relayed.b)),
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
        `memory, once after the rounds, as figure 5 measures one server: ${idle} interactive \`sh\` opened through A ${OPENERS} at a time in ${openSeconds.toFixed(1)} s, each attached by a page on A (sockets of ${PER_SOCKET}); then each also attached by a page on B (sockets of ${PER_SOCKET}: one relay link to A each) in ${relaySeconds.toFixed(2)} s; RSS of each server process alone, a second after each step; --max-sessions raised to ${idle + 20} and the pod's process limit to ${fixtureFor(idle + 20).podPidsLimit}`,
        `RSS, A: ${mib(before.a)} MiB before, ${mib(held.a)} MiB holding ${idle} idle terminals, ${mib(relayed.a)} MiB with each also watched from B; B: ${mib(before.b)}, ${mib(held.b)} (listing them), ${mib(relayed.b)} MiB (relaying them)`,
        `terminals per GiB of a replica's RSS: ${perGiB(holderIdle)} held at the measured ${holderIdle.toFixed(0)} KiB, ${perGiB(holderWatched)} held and each watched through the relay (${holderWatched.toFixed(0)} KiB), against ${perGiB(GOAL_KIB)} at the ${GOAL_KIB} KiB goal`,
      ],
    };
  },
};
