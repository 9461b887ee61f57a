// --store, --store-file and --advertise as a user types them: flags that do not fit are refused
// before anything starts, and a database that cannot be used (wrong password, nothing listening, a
// schema from a newer octant-exec) stops the start with one line, password never in it, exit 2.
// A good one starts a replica that says so.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import process from 'node:process';
import { join } from 'node:path';
import { runCli, startCli } from '../support/cli.ts';
import { startCluster, type PgCluster } from '../support/postgres.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite<{ cluster: PgCluster; dir: string }>('octant-exec --store', { context: {} as { cluster: PgCluster; dir: string } });

test.before(async (context) => {
  context.cluster = await startCluster();
  context.dir = mkdtempSync(join(tmpdir(), 'octant-exec-store-flags-'));
  // A kubeconfig nothing is asked of at a start: the store is what these tests are about.
  writeFileSync(
    join(context.dir, 'kubeconfig'),
    'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: k, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n',
  );
});

test.after(async ({ cluster, dir }) => {
  await cluster?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const serve = (dir: string, ...args: string[]) => ['serve', '--kubeconfig', join(dir, 'kubeconfig'), '--state-dir', join(dir, 'state'), '--port', '0', ...args];

test('flags that do not fit are refused before anything starts (exit 2)', async ({ dir }) => {
  const cases: [string[], RegExp][] = [
    [['--store', 'mysql://u@h/db', '--advertise', 'http://127.0.0.1:1'], /--store takes a PostgreSQL URL/],
    [['--store', 'postgres://u@h/db'], /needs --advertise URL/],
    [['--advertise', 'http://127.0.0.1:1'], /--advertise is for replicas sharing a --store/],
    [['--store', 'postgres://u@h/db', '--advertise', 'http://127.0.0.1:1/path'], /--advertise is where the other replicas reach this one/],
    [['--store', 'postgres://u@h/db', '--store-file', '/x', '--advertise', 'http://127.0.0.1:1'], /exclude each other/],
    [['--store-file', join(dir, 'absent'), '--advertise', 'http://127.0.0.1:1'], /--store-file .*absent cannot be read \(ENOENT\)/],
  ];
  for (const [args, expected] of cases) {
    const { code, stderr } = await runCli(serve(dir, ...args));
    assert.is(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, expected);
  }
});

test('a database that cannot be used stops the start with one line, without the password (exit 2)', async ({ cluster, dir }) => {
  const database = await cluster.createDatabase();
  const wrongPassword = 'not-the-password-4711';
  const refusedPort = cluster.url('x').replace(/:\d+\//, ':9/');
  for (const [url, expected] of [
    [cluster.url(new URL(database).pathname.slice(1), wrongPassword), /password/i],
    [refusedPort, /127\.0\.0\.1:9/],
  ] as const) {
    const { code, stderr } = await runCli(serve(dir, '--store', url, '--advertise', 'http://127.0.0.1:1'), 60_000);
    assert.is(code, 2, stderr);
    const lines = stderr.trim().split('\n').filter((line) => !/WARNING/.test(line));
    assert.is(lines.length, 1, stderr);
    assert.match(lines[0], /^octant-exec: the shared event log cannot be opened: /);
    assert.match(lines[0], expected);
    assert.not.match(stderr, new RegExp(`${wrongPassword}|${cluster.password}`));
  }
});

test('a good --store-file starts a replica, which says which it is, and a SIGTERM stops it cleanly', async ({ cluster, dir }) => {
  const url = await cluster.createDatabase();
  writeFileSync(join(dir, 'store-url'), `${url}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'token'), 'a'.repeat(43), { mode: 0o600 });
  const cli = startCli(serve(dir, '--store-file', join(dir, 'store-url'), '--advertise', 'http://127.0.0.1:1', '--token-file', join(dir, 'token')));
  try {
    await waitFor(() => cli.stdout.find((line) => /event log shared in PostgreSQL, as replica [a-z0-9]{6} reached at http:\/\/127\.0\.0\.1:1/.test(line)), 'the ready lines', 30_000);
    assert.not.match(cli.stdout.join('\n') + cli.stderr(), new RegExp(cluster.password));
    process.kill(cli.child.pid!, 'SIGTERM'); // by pid: Deno's ChildProcess.kill reports any child it signalled as killed by it
    assert.is(await withTimeout(cli.exit, 20_000, 'the replica to stop'), 0, 'a clean stop, not death by the signal');
    assert.match(cli.stderr(), /octant-exec: stopped \(SIGTERM\); every terminal ended/);
    const [replica] = await cluster.admin<{ ended: Date | null }>(new URL(url).pathname.slice(1), 'SELECT ended FROM replicas');
    assert.ok(replica?.ended, 'its lease given up');
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

test('a SIGTERM while a replica starts stops it once started: it never says it is ready, and its lease is given up', async ({ cluster, dir }) => {
  const url = new URL(await cluster.createDatabase());
  // the database is reached through a gate the test opens: the start waits there, signal handlers in place
  const held: Socket[] = [];
  let open = false;
  const through = (socket: Socket) => {
    const database = connect(Number(url.port), url.hostname);
    socket.pipe(database).pipe(socket);
    const end = () => (socket.destroy(), database.destroy());
    socket.on('error', end).on('close', end);
    database.on('error', end).on('close', end);
  };
  const gate = createServer((socket) => (open ? through(socket) : held.push(socket.on('error', () => {})))); // a held socket the replica resets is of no interest
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
  const gated = new URL(url);
  gated.port = String((gate.address() as { port: number }).port);
  writeFileSync(join(dir, 'token'), 'a'.repeat(43), { mode: 0o600 });
  const cli = startCli(serve(dir, '--store', gated.href, '--advertise', 'http://127.0.0.1:1', '--token-file', join(dir, 'token')));
  try {
    await waitFor(() => held.length > 0, 'the start to reach the database', 30_000);
    process.kill(cli.child.pid!, 'SIGTERM');
    await waitFor(() => /octant-exec: SIGTERM while starting: stopping once the start ends/.test(cli.stderr()), 'the signal acknowledged', 10_000);
    open = true;
    held.splice(0).forEach(through);
    assert.is(await withTimeout(cli.exit, 30_000, 'the replica to start, then stop'), 0, cli.stderr());
    assert.match(cli.stderr(), /octant-exec: stopped \(SIGTERM\); every terminal ended/);
    assert.equal(cli.stdout, [], 'asked to stop while starting, it never said it was ready');
    const [replica] = await cluster.admin<{ ended: Date | null }>(url.pathname.slice(1), 'SELECT ended FROM replicas');
    assert.ok(replica?.ended, 'its lease given up');
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    gate.close();
  }
});

test.run();
