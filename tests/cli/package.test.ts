// The installed package, as a user gets it (tests/support/package-install.ts: npm pack, then an
// offline install into an empty folder): what the tarball and the install hold, and the
// installed octant-exec run as it is, by Node alone: --version and --help, the app with the
// sandbox through a real exec (also on the image's Node), the sandbox command and batch against
// it, octant install and uninstall, a broken install; and the built entry under Deno.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageNode, imageNodeMajor } from '../support/image-node.ts';
import { packAndInstall, type InstalledPackage } from '../support/package-install.ts';
import { runCli, startCli, type Cli, type CliOptions } from '../support/cli.ts';
import { killAndRemove } from '../support/killed-state-dir.ts';
import { StreamClient, openExec, type TestApp } from '../server/support.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('package');
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
let dir = '';
let pkg: InstalledPackage;
/** the Node the image runs (fetched before the tests, whose deadlines are for what they run) */
let image: Awaited<ReturnType<typeof imageNode>>;
const started: Cli[] = [];

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'octant-exec-package-'));
  pkg = await packAndInstall(dir);
  image = await imageNode();
});
test.after(() => killAndRemove(started, dir));

/** The installed octant-exec, run as it is (its #!/usr/bin/env node line). */
const installed = (options: CliOptions = {}): CliOptions => ({ program: pkg.bin, ...options });
const start = (args: string[], options: CliOptions = {}) => {
  const cli = startCli(args, installed(options));
  started.push(cli);
  return cli;
};

/** Started, until its first stdout line (a JSON ready line) or its end. */
/** The command line's sources: what its help and its sentences say. */
function cliSources(dir = join(new URL('../..', import.meta.url).pathname, 'src', 'cli')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? cliSources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
}

async function ready(cli: Cli): Promise<Record<string, any>> {
  await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the ready line', 60_000);
  assert.ok(cli.stdout.length > 0, `no ready line; stderr: ${cli.stderr()}`);
  return JSON.parse(cli.stdout[0]);
}

async function stop(cli: Cli): Promise<void> {
  cli.child.kill('SIGTERM');
  await withTimeout(cli.exit, 20_000, 'the process to stop').catch((error) => {
    throw new Error(`${(error as Error).message}; its stderr ends: ${cli.stderr().slice(-500)}`);
  });
}

test('the tarball holds bin/, dist/, the manifest, the license and the docs --help points to: no sources, tests or bench', () => {
  const files = execFileSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(files.filter((f) => !/^package\/(bin\/|dist\/(cli|ui|octant)\/|dist\/THIRD-PARTY-NOTICES\.txt$|deploy\/rbac\.yaml$|docs\/[a-z-]+\.md$|package\.json$|README\.md$|LICENSE$)/.test(f)), []);
  assert.ok(files.includes('package/LICENSE'), 'the license package.json names');
  // what the command line tells people to read is there for whoever installed the package
  const named = new Set(cliSources().flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[a-z-]+\.md\b/g)].map((m) => m[0])));
  assert.ok(named.size > 0, 'the command line names docs');
  for (const doc of named) assert.ok(files.includes(`package/${doc}`), `${doc}, which the command line names, is in the package`);
  for (const needed of ['package/bin/octant-exec.mjs', 'package/dist/cli/main.js', 'package/dist/cli/main.js.map', 'package/dist/ui/index.html', 'package/dist/octant/octant-exec.js', 'package/deploy/rbac.yaml']) assert.ok(files.includes(needed), needed);
  assert.match(readFileSync(join(pkg.root, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8'), /^@kubernetes\/client-node [\d.]+ \(Apache-2\.0\)$/m);
});

test('the install has no tsx, esbuild or typescript: its one dependency is node-pty', () => {
  const names = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => (name.startsWith('@') ? readdirSync(join(folder, name)).map((n) => `${name}/${n}`) : name.startsWith('.') ? [] : [name]));
  const everywhere = (folder: string): string[] => names(folder).flatMap((name) => [name, ...(existsSync(join(folder, name, 'node_modules')) ? everywhere(join(folder, name, 'node_modules')) : [])]);
  const all = everywhere(join(pkg.folder, 'node_modules'));
  for (const tool of ['tsx', 'esbuild', 'typescript']) assert.not.ok(all.some((name) => name === tool || name.startsWith(`@${tool}/`) || name.startsWith('@esbuild/')), `${tool} installed: ${all.join(', ')}`);
  assert.equal(Object.keys(JSON.parse(readFileSync(join(pkg.root, 'package.json'), 'utf8')).dependencies), ['@lydell/node-pty']);
  assert.ok(all.includes('@lydell/node-pty'));
});

test('--version and --help answer from the installed program', async () => {
  const { version } = JSON.parse(readFileSync(join(pkg.root, 'package.json'), 'utf8'));
  const [v, help, bad] = await Promise.all([runCli(['--version'], 30_000, installed()), runCli(['--help'], 30_000, installed()), runCli(['bach'], 30_000, installed())]);
  assert.is(v.stdout, `octant-exec ${version}\n`);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: octant-exec \[serve\] \[options\]$/m);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^octant-exec: unknown command "bach" \(did you mean batch\?\)/);
});

/** The app started as `cli` (with --sandbox --json): its ready line, the built page, and a real exec in a sandbox container. */
async function servesAndExecs(cli: Cli): Promise<void> {
  const info = await ready(cli);
  const app = { port: info.port, token: info.token, host: `127.0.0.1:${info.port}`, origin: `http://127.0.0.1:${info.port}` } as TestApp;
  const page = await fetch(info.url, { headers: { Host: app.host } });
  assert.is(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="\/?app\.js"/, 'the built page, not the "not built" placeholder');
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'echo "from the package: $HOSTNAME"'] }, interactive: false });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await tab.waitForText(id, 'from the package: web\n');
  await tab.close();
  await stop(cli);
  assert.match(cli.stderr(), /stopped \(SIGTERM\)/);
}

test('the app with --sandbox: the ready line, the page, and a real exec in a sandbox container', () =>
  servesAndExecs(start(['--sandbox', '--json', '--port', '0', '--state-dir', join(dir, 'app-state')])));

test(`the image's Node (the Dockerfile's node:${imageNodeMajor()}) runs the installed app, with a real exec`, async () => {
  assert.ok(image.version.startsWith(`v${imageNodeMajor()}.`), image.version);
  await servesAndExecs(start([join(pkg.root, 'bin', 'octant-exec.mjs'), '--sandbox', '--json', '--port', '0', '--state-dir', join(dir, 'image-node-state')], { program: image.node }));
});

test('the sandbox command and batch against it: one result per container', async () => {
  const sandbox = start(['sandbox', '--json', '--port', '0', '--state-dir', join(dir, 'sandbox-state')]);
  const { kubeconfig } = await ready(sandbox);
  const r = await runCli(['batch', '--kubeconfig', kubeconfig, '-n', 'batch', '-l', 'app=worker', '--all-containers', '--', 'sh', '-c', 'echo $HOSTNAME'], 60_000, installed());
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').sort(), ['worker-0/logger | worker-0', 'worker-0/main | worker-0', 'worker-1/logger | worker-1', 'worker-1/main | worker-1', 'worker-2/logger | worker-2', 'worker-2/main | worker-2']);
  await stop(sandbox);
});

test("octant install writes into Octant's folder and says how to start both; a foreign file is refused; uninstall removes it", async () => {
  const home = join(dir, 'home');
  const env = { HOME: home };
  const done = await runCli(['octant', 'install'], 30_000, installed({ env }));
  const plugin = join(home, '.config', 'octant', 'plugins', 'octant-exec.js');
  assert.is(done.code, 0, done.stderr);
  assert.ok(done.stdout.startsWith(`octant-exec: wrote ${plugin} (`), done.stdout);
  assert.match(done.stdout, /octant-exec --port 7788 --embed-origin http:\/\/127\.0\.0\.1:7777\n/);
  assert.match(done.stdout, /^ {2}3\. octant$/m);
  const lines = readFileSync(plugin, 'utf8').split('\n');
  assert.match(lines[0], /^\/\/ octant-exec plugin for Octant, written by `octant-exec octant install`/);
  assert.is(lines[1], 'var OCTANT_EXEC_URL = "http://127.0.0.1:7788";');
  assert.ok(lines.some((line) => line.includes('var _octantPlugin')));

  const elsewhere = join(dir, 'plugins-elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'octant-exec.js'), '// somebody else\n');
  const refused = await runCli(['octant', 'install', '--dir', elsewhere], 30_000, installed({ env }));
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /^octant-exec octant: refusing to replace .*octant-exec\.js: .*octant-exec did not write it\. Move it away, or use another folder with --dir\.\n$/);
  assert.is(readFileSync(join(elsewhere, 'octant-exec.js'), 'utf8'), '// somebody else\n');
  const notAFolder = await runCli(['octant', 'install', '--dir', join(elsewhere, 'octant-exec.js')], 30_000, installed({ env }));
  assert.is(notAFolder.code, 1);
  assert.match(notAFolder.stderr, /^octant-exec octant: ENOTDIR: not a directory, mkdir '.*plugins-elsewhere\/octant-exec\.js'\n$/, 'the system\'s one line, no stack trace');

  const removed = await runCli(['octant', 'uninstall'], 30_000, installed({ env }));
  assert.is(removed.stdout, `octant-exec: removed ${plugin}\n`);
  assert.not.ok(existsSync(plugin));
});

test("an older Node than package.json's engines is told what the program needs, not a failure from inside", async () => {
  // the floor as engines writes it (>=MAJOR.MINOR): a shape the program cannot read would pass every Node, unsaid
  const { engines } = JSON.parse(readFileSync(join(pkg.root, 'package.json'), 'utf8'));
  const floor = /^>=(\d+)\.(\d+)$/.exec(engines.node);
  assert.ok(floor, `engines.node is ${engines.node}: bin/octant-exec.mjs reads only >=MAJOR.MINOR`);
  const [, major, minor] = floor.map(Number);
  const below = minor > 0 ? `${major}.${minor - 1}.99` : `${major - 1}.99.99`;
  // the Node on this PATH, told it is another version before the program starts
  const asIf = (version: string) =>
    runCli(['--import', `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`, join(pkg.root, 'bin', 'octant-exec.mjs'), '--version'], 30_000, { program: 'node' });
  const old = await asIf(below);
  assert.is(old.code, 1);
  assert.match(old.stderr, new RegExp(`^octant-exec: needs Node\\.js ${major}\\.${minor} or later, and this is Node\\.js ${below.replace(/\./g, '\\.')} \\(/\\S+\\): install a newer Node\\.js \\(https://nodejs\\.org\\)\n$`));
  for (const version of [`${major}.${minor}.0`, `${major}.${minor + 10}.0`, `${major + 1}.0.0`]) {
    const enough = await asIf(version);
    assert.is(enough.code, 0, `${version}: ${enough.stderr}`);
    assert.match(enough.stdout, /^octant-exec \d/);
  }
});

test('a broken install names what is missing or damaged', async () => {
  const broken = join(dir, 'broken');
  cpSync(pkg.root, broken, { recursive: true, dereference: true });
  const entry = join(broken, 'dist', 'cli', 'main.js');
  const chunk = join(broken, 'dist', 'cli', /\.\/(chunk-\w+\.js)/.exec(readFileSync(entry, 'utf8'))![1]);
  writeFileSync(chunk, readFileSync(chunk, 'utf8') + '\n)(');
  const damaged = await runCli(['--help'], 30_000, { program: join(broken, 'bin', 'octant-exec.mjs') });
  assert.is(damaged.code, 1);
  assert.is(damaged.stderr.trim(), `octant-exec: the built program is incomplete: ${chunk} is damaged (Unexpected token ')'); install octant-exec again`);
  rmSync(entry);
  const missing = await runCli(['--help'], 30_000, { program: join(broken, 'bin', 'octant-exec.mjs') });
  assert.is(missing.code, 1);
  assert.is(missing.stderr.trim(), `octant-exec: the built program is incomplete: ${entry} is missing; install octant-exec again`);
});

test('Deno runs the built entry: the app with the sandbox, and batch', async () => {
  const runtime = deno?.execPath() ?? join(pkg.copy, 'node_modules', '.bin', 'deno');
  const entry = join(pkg.copy, 'dist', 'cli', 'main.js');
  const app = start(['run', '-A', entry, '--sandbox', '--json', '--port', '0', '--state-dir', join(dir, 'deno-state')], { program: runtime });
  const info = await ready(app);
  assert.is(info.cluster, 'sandbox');
  const r = await runCli(['run', '-A', entry, 'batch', '--kubeconfig', join(dir, 'deno-state', 'sandbox', 'kubeconfig'), '-n', 'batch', 'worker-1', '--', 'hostname'], 60_000, { program: runtime });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'worker-1/main | worker-1\n');
  await stop(app);
});

test.run();
