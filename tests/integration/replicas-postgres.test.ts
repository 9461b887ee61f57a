// Issue 17's proof, with the real things: PostgreSQL 15, three octant-exec replicas (programs, as
// deployed) sharing its log, nginx in front of them as a round-robin proxy, and the sandbox as
// the cluster. Terminals are opened through random replicas and watched through others, each
// viewer hashing what it gets.
// - One replica is SIGKILLed mid-stream: every terminal it did not hold arrives whole at its
//   viewers (those whose sockets went through it reconnect and reattach where they stopped);
//   those it held are disconnected (replicaLost) on every other replica once its lease (10 s)
//   has run out, and restart through another; the audit trail has every run exactly once.
// - The database is then stopped for 10 s: running terminals go on, new execs are refused with
//   why and a banner shows; after it is back everything decided meanwhile is in the log once.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { startNginx, type Nginx } from '../support/nginx.ts';
import { PageSocket } from '../support/page-socket.ts';
import { startReplicaPrograms, type ReplicaPrograms } from '../support/replica-programs.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('replicas on PostgreSQL behind nginx', { deadlineMs: 300_000 });

const TERMINALS = 60;
const LINES = 100;
/** every container of the fixture with a shell and `sleep` */
const CONTAINERS = [
  ['default', 'web', 'nginx'],
  ['default', 'web', 'sidecar'],
  ['default', 'alpine-tools', 'tools'],
  ...[0, 1, 2].flatMap((i) => [
    ['batch', `worker-${i}`, 'main'],
    ['batch', `worker-${i}`, 'logger'],
  ]),
];

/** A terminal that prints LINES numbered lines, `pause` s apart: its expected output is known exactly. */
const printer = (tag: string, pause: string) => ['sh', '-c', `i=0; while [ $i -lt ${LINES} ]; do echo "$0 line $i"; i=$((i+1)); sleep ${pause}; done`, tag];
const expectedSha = (tag: string) => createHash('sha256').update(Array.from({ length: LINES }, (_, i) => `${tag} line ${i}\n`).join('')).digest('hex');

interface Row {
  sessionId: string;
  state: string;
  replica?: string;
  run: number;
  disconnectReason?: string;
}

test('sixty terminals through three replicas: one SIGKILLed, then the database stopped for 10 s', async () => {
  let nginx: Nginx | undefined;
  let programs: ReplicaPrograms | undefined;
  const pages: PageSocket[] = [];
  try {
    programs = await startReplicaPrograms(3, async (ports) => {
      nginx = await startNginx({ upstreams: ports.map((port) => `127.0.0.1:${port}`) });
      return ['--allow-host', `127.0.0.1:${nginx.port}`, '--max-sessions', '200'];
    });
    const { api, cluster, database, replicas, token } = programs;
    const proxy = nginx!.url;
    const rowsOf = async (base: string): Promise<Row[]> => (await api(base, '/api/v1/sessions')).json.sessions;

    // Pages on the proxy: each socket lands on some replica, round robin.
    for (let i = 0; i < 6; i++) pages.push(new PageSocket(proxy, token));
    const tags: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < TERMINALS; i++) {
      const [namespace, pod, container] = CONTAINERS[i % CONTAINERS.length];
      const tag = `term${i}`;
      const opened = await api(proxy, '/api/v1/exec', 'POST', { namespace, pod, containers: [container], command: { argv: printer(tag, '0.25') }, interactive: false });
      assert.is(opened.status, 201, JSON.stringify(opened.json));
      tags.push(tag);
      ids.push(opened.json.sessionIds[0]);
      pages[i % pages.length].attach(ids[i]);
    }
    const holders = new Set(ids.map((id) => id.split('-')[0]));
    assert.is(holders.size, 3, 'the proxy spread the terminals over the three replicas');

    // Mid-stream: the replica that holds the first terminal is killed, as a node lost.
    await waitFor(() => pages.every((page, p) => ids.filter((_, i) => i % pages.length === p).every((id) => page.received(id).bytes > 0)), 'every terminal streaming to its viewer', 150_000); // sixty execs through three replicas: minutes on a busy machine under Deno
    const victimId = ids[0].split('-')[0];
    const victim = replicas.find((r) => r.id === victimId)!;
    assert.ok(victim, `the replica ${victimId} among the three`);
    victim.signal('SIGKILL');
    const survivors = replicas.filter((r) => r !== victim);
    const lostIds = ids.filter((id) => id.startsWith(`${victimId}-`));
    const keptIds = ids.filter((id) => !id.startsWith(`${victimId}-`));
    // A lost terminal still running at the kill is marked lost; one whose printer had already
    // finished (a slow machine opens the sixty slowly) rightly stays exited.
    const endedRight = (row: Row | undefined) => row?.state === 'exited' || row?.disconnectReason === 'replicaLost';
    let markedLost: string[] = [];
    for (const survivor of survivors) {
      await waitFor(async () => {
        const rows = await rowsOf(survivor.url);
        return lostIds.every((id) => endedRight(rows.find((row) => row.sessionId === id)));
      }, `replica ${survivor.port} marks the lost replica's ${lostIds.length} terminals disconnected`, 20_000).catch(async (error) => {
        const rows = await rowsOf(survivor.url);
        const states = lostIds.map((id) => rows.find((row) => row.sessionId === id)).map((row) => `${row?.sessionId}: ${row?.state}/${row?.disconnectReason}`);
        throw new Error(`${(error as Error).message}: ${states.join(', ')}`);
      });
      markedLost = (await rowsOf(survivor.url)).filter((row) => lostIds.includes(row.sessionId) && row.disconnectReason === 'replicaLost').map((row) => row.sessionId);
    }
    assert.ok(markedLost.length > 0, 'the terminals opened last were still running at the kill, and are marked lost');

    // Everything the lost replica did not hold arrives whole, also at viewers whose socket went through it.
    for (const [i, id] of ids.entries()) {
      if (!keptIds.includes(id)) continue;
      const page = pages[i % pages.length];
      await waitFor(() => page.received(id).bytes >= Array.from({ length: LINES }, (_, n) => `${tags[i]} line ${n}\n`).join('').length, `all of ${id}'s output at its viewer`, 60_000).catch((error) => {
        const lines = page.received(id).text.split('\n');
        const missing = Array.from({ length: LINES }, (_, n) => `${tags[i]} line ${n}`).filter((line) => !lines.includes(line));
        throw new Error(`${(error as Error).message}: ${page.received(id).bytes} bytes; missing ${JSON.stringify(missing)}; ${lines.length} lines, of which out of place: ${JSON.stringify(lines.filter((line, n) => line && line !== `${tags[i]} line ${n}`).slice(0, 5))}`);
      });
      assert.is(page.sha256(id), expectedSha(tags[i]), `${id}: every byte, once, in order`);
    }

    // A lost terminal restarts through another replica.
    const restarted = await api(survivors[0].url, `/api/v1/sessions/${markedLost[0]}/restart`, 'POST', {});
    assert.is(restarted.status, 200, JSON.stringify(restarted.json));
    await waitFor(async () => (await rowsOf(survivors[1].url)).find((row) => row.sessionId === markedLost[0] && row.run === 2 && row.replica !== victimId), 'its second run listed on the other survivor');

    // The audit trail has every run exactly once.
    const records: { sessionId: string; run: number }[] = (await api(survivors[1].url, '/api/v1/audit')).json.records;
    for (const id of ids) assert.is(records.filter((r) => r.sessionId === id && r.run === 1).length, 1, `${id} run 1 once in the audit`);
    assert.is(records.filter((r) => r.sessionId === markedLost[0] && r.run === 2).length, 1, 'the restart once in the audit');

    // The database stops for 10 s while terminals run.
    const during: string[] = [];
    const duringTags: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [namespace, pod, container] = CONTAINERS[i % CONTAINERS.length];
      const opened = await api(survivors[i % 2].url, '/api/v1/exec', 'POST', { namespace, pod, containers: [container], command: { argv: printer(`outage${i}`, '0.15') }, interactive: false });
      assert.is(opened.status, 201, JSON.stringify(opened.json));
      during.push(opened.json.sessionIds[0]);
      duringTags.push(`outage${i}`);
      pages[1].attach(during[i]);
    }
    await waitFor(() => during.every((id) => pages[1].received(id).bytes > 0), 'the new terminals streaming');
    await cluster.stop();
    const stoppedAt = Date.now();
    const refused = await waitFor(async () => {
      const answer = await api(survivors[0].url, '/api/v1/exec', 'POST', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
      return answer.status === 503 ? answer : undefined;
    }, 'a new exec refused while the database is down', 15_000);
    assert.match(refused.json.error.message, /database does not answer/);
    // Each replica finds the outage on its own (its next write or catch-up read), so the other one may learn a moment later.
    for (const survivor of survivors) {
      await waitFor(async () => ((await api(survivor.url, '/api/v1/alerts')).json.alerts as { kind: string }[]).some((alert) => alert.kind === 'storage'), `a banner for the page on replica ${survivor.port}`, 15_000);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - stoppedAt))));
    await cluster.start();

    for (const [i, id] of during.entries()) {
      await waitFor(() => pages[1].received(id).bytes >= Array.from({ length: LINES }, (_, n) => `${duringTags[i]} line ${n}\n`).join('').length, `${id}'s output, streamed through the outage`, 60_000);
      assert.is(pages[1].sha256(id), expectedSha(duringTags[i]), `${id}: every byte`);
    }
    for (const survivor of survivors) {
      await waitFor(async () => {
        const rows = await rowsOf(survivor.url);
        return during.every((id) => rows.find((row) => row.sessionId === id)?.state === 'exited');
      }, `the exits decided during the outage reach replica ${survivor.port}`, 30_000);
    }
    const duplicates = await cluster.admin<{ n: string }>(database, `SELECT count(*) AS n FROM (SELECT coalesce(body::jsonb->>'sessionId', body::jsonb->>'requestId') AS s, body::jsonb->>'type' AS t FROM entries WHERE body::jsonb->>'type' IN ('session.spawned', 'session.exited', 'exec.requested') GROUP BY 1, 2 HAVING count(*) > 1) d`);
    assert.is(Number(duplicates[0].n), 0, 'no entry written twice');
    const exits = await cluster.admin<{ n: string }>(database, `SELECT count(*) AS n FROM entries WHERE body::jsonb->>'type' = 'session.exited' AND body::jsonb->>'sessionId' = ANY($1)`, [during]);
    assert.is(Number(exits[0].n), during.length, 'every exit decided during the outage written once');
  } finally {
    for (const page of pages) page.close();
    await programs?.close();
    await nginx?.stop();
  }
});

test.run();
