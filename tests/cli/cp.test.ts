// `octant-exec cp` as a user runs it, against a server with the sandbox: a file and a directory
// into a container and back with equal sha256 (kubectl cp's syntax and naming), the server's
// sentence and exit 1 when the copy cannot be done, and exit 2 for what is not a copy.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { runCli, startCli } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';
import { startTestApp } from '../server/support.ts';
import { runIn, sha256, withLyingTar } from '../server/files-support.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { kubectlBinary, requireTool } from '../support/sandbox.ts';

const execFileAsync = promisify(execFile);

const app = await startTestApp();
test.after(() => app.close());
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
const cp = (...args: string[]) => runCli(['cp', ...args], 60_000, { env });

test('a file goes in as DST names it and comes back with the same sha256', async () => {
  await withTempDir(async (dir) => {
    const data = randomBytes(2 * 1024 * 1024 + 3);
    writeFileSync(join(dir, 'in.bin'), data);
    const up = await cp(join(dir, 'in.bin'), 'default/web:/tmp/cp-file.bin', '-c', 'nginx');
    assert.is(up.code, 0, up.stderr);
    const down = await cp('web:/tmp/cp-file.bin', join(dir, 'out.bin'), '-c', 'nginx');
    assert.is(down.code, 0, down.stderr);
    assert.is(sha256(readFileSync(join(dir, 'out.bin'))), sha256(data));
    // into an existing local directory: the container's name is kept
    const intoDir = await cp('web:/tmp/cp-file.bin', dir, '-c', 'nginx');
    assert.is(intoDir.code, 0, intoDir.stderr);
    assert.is(sha256(readFileSync(join(dir, 'cp-file.bin'))), sha256(data));
  });
});

test('a directory goes in and comes back: DST holds its contents, as with kubectl cp', async () => {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, 'site/css'), { recursive: true });
    writeFileSync(join(dir, 'site/index.html'), '<h1>hi</h1>');
    const css = randomBytes(50_000);
    writeFileSync(join(dir, 'site/css/x.css'), css);
    const up = await cp(join(dir, 'site'), 'web:/tmp/cp-site', '-c', 'sidecar');
    assert.is(up.code, 0, up.stderr);
    const down = await cp('web:/tmp/cp-site', join(dir, 'back'), '-c', 'sidecar');
    assert.is(down.code, 0, down.stderr);
    assert.equal(readdirSync(join(dir, 'back')).sort(), ['css', 'index.html']);
    assert.is(sha256(readFileSync(join(dir, 'back/css/x.css'))), sha256(css));
  });
});

test('what cannot be copied says why and exits 1, leaving no partial file', async () => {
  await withTempDir(async (dir) => {
    const missing = await cp('web:/tmp/not-there', join(dir, 'x'), '-c', 'nginx');
    assert.is(missing.code, 1);
    assert.match(missing.stderr, /"\/tmp\/not-there" does not exist/);
    assert.not.ok(existsSync(join(dir, 'x')));
    const noTar = await cp('distroless-app:/etc/passwd', join(dir, 'p'));
    assert.is(noTar.code, 1);
    assert.match(noTar.stderr, /has no tar.*debug container/);
    // this machine's refusal is said as it is, not as a cut-off to try again
    writeFileSync(join(dir, 'a-file'), 'x');
    const underFile = await cp('web:/etc/hostname', join(dir, 'a-file', 'h'), '-c', 'nginx');
    assert.is(underFile.code, 1);
    assert.match(underFile.stderr, /^octant-exec cp: ENOTDIR: not a directory, mkdir '.*a-file'\n$/);
    mkdirSync(join(dir, 'hostname'));
    const ontoFolder = await cp('web:/etc/hostname', `${dir}/`, '-c', 'nginx');
    assert.is(ontoFolder.code, 1);
    assert.match(ontoFolder.stderr, /hostname is a folder here: a file cannot be written over it/);
    // a folder with a file tar may not read: why, in tar's words, and what did arrive
    await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/cp-part && echo ok > /tmp/cp-part/ok && echo s > /tmp/cp-part/secret && chmod 000 /tmp/cp-part/secret']);
    const unreadable = await cp('web:/tmp/cp-part', join(dir, 'part'), '-c', 'nginx');
    assert.is(unreadable.code, 1);
    assert.match(unreadable.stderr, /^octant-exec cp: The container "nginx" of pod "web" may not read all of "\/tmp\/cp-part" as its user \(tar said: .*secret: Cannot open: Permission denied.*\): download what it may read\. What was extracted before is inside .*part; a file cut off on its way is not \(an earlier copy of it stays as it was\)\.\n$/);
  });
});

test('a container that plants a symlink and writes through it: the copy fails, nothing lands through it or beside DST', async () => {
  // every name is under "lie" and the link points inside; "lie/a/x" goes through it (the server
  // stops the stream there and says why; the local extraction would refuse it too: tests/files/tar-slip.test.ts)
  const entries: WriteEntry[] = [
    { name: 'lie', type: 'directory', mode: 0o755, mtime: 0 },
    { name: 'lie/sub', type: 'directory', mode: 0o755, mtime: 0 },
    { name: 'lie/a', type: 'symlink', mode: 0o777, mtime: 0, linkname: 'sub' },
    { name: 'lie/a/x', type: 'file', mode: 0o644, mtime: 0, size: 4, body: (async function* () { yield Buffer.from('evil'); })() },
  ];
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar(entries)) chunks.push(chunk);
  await withTempDir(async (dir) => {
    await withLyingTar(app, 'alpine-tools', 'tools', Buffer.concat(chunks), async () => {
      const run = await cp('alpine-tools:/lie', join(dir, 'dst'));
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /cannot be trusted \(the tar entry "lie\/a\/x" goes through a symlink|through the symlink/, run.stderr);
    });
    assert.ok(readdirSync(dir).every((name) => name === 'dst'), `nothing beside DST: ${readdirSync(dir).join(', ')}`);
    assert.not.ok(existsSync(join(dir, 'dst', 'x')), 'nothing written through the link');
  });
});

test('what the safe reading leaves out (a symlink pointing outside what is copied) is said, both ways; the rest is copied', async () => {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, 'up'));
    writeFileSync(join(dir, 'up', 'kept.txt'), 'kept\n');
    symlinkSync('/etc/hosts', join(dir, 'up', 'outside'));
    const up = await cp(join(dir, 'up'), 'web:/tmp/cp-left-out', '-c', 'nginx');
    assert.is(up.code, 0, up.stderr);
    assert.is(up.stderr, 'octant-exec cp: left out 1 entry that cannot be carried safely: symlinks that point outside what is copied, hard links, devices, fifos, or names that are not UTF-8\n');
    await runIn(app, 'web', 'nginx', ['ln', '-s', '/etc/hosts', '/tmp/cp-left-out/abs']);
    const down = await cp('web:/tmp/cp-left-out', join(dir, 'down'), '-c', 'nginx');
    assert.is(down.code, 0, down.stderr);
    assert.match(down.stderr, /^octant-exec cp: left out 1 entry that cannot be carried safely/);
    assert.equal(readdirSync(join(dir, 'down')), ['kept.txt']);
  });
});

test('a symlink given as SRC is followed, as cp -H follows it: a folder or a file arrives under the link\'s name; links inside a folder stay links', async () => {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'a.txt'), 'A\n');
    symlinkSync('a.txt', join(dir, 'real', 'inner')); // inside what is copied: carried as a link
    writeFileSync(join(dir, 'file.txt'), 'F\n');
    symlinkSync('real', join(dir, 'folder-link'));
    symlinkSync(join(dir, 'file.txt'), join(dir, 'file-link')); // absolute: carried as a link, it would be left out
    const folder = await cp(join(dir, 'folder-link'), 'web:/tmp/cp-src-link', '-c', 'nginx');
    assert.is(folder.code, 0, folder.stderr);
    const file = await cp(join(dir, 'file-link'), 'web:/tmp/cp-src-link.txt', '-c', 'nginx');
    assert.is(file.code, 0, file.stderr);
    assert.is(file.stderr, '', 'nothing left out');
    const down = await cp('web:/tmp/cp-src-link', join(dir, 'back'), '-c', 'nginx');
    assert.is(down.code, 0, down.stderr);
    assert.ok(lstatSync(join(dir, 'back')).isDirectory(), 'a folder, not a link to one');
    assert.is(readFileSync(join(dir, 'back', 'a.txt'), 'utf8'), 'A\n');
    assert.is(readlinkSync(join(dir, 'back', 'inner')), 'a.txt', 'the link inside came as a link');
    const fileBack = await cp('web:/tmp/cp-src-link.txt', join(dir, 'file-back.txt'), '-c', 'nginx');
    assert.is(fileBack.code, 0, fileBack.stderr);
    assert.is(readFileSync(join(dir, 'file-back.txt'), 'utf8'), 'F\n');
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    const dangling = await cp(join(dir, 'dangling'), 'web:/tmp/cp-dangling', '-c', 'nginx');
    assert.is(dangling.code, 1, 'a link to nothing is a missing source');
    assert.match(dangling.stderr, /ENOENT/);
  });
});

test('a folder down onto a local file is refused with a sentence, as the other way is, the file as it was', async () => {
  await withTempDir(async (dir) => {
    await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/cp-onto-file && echo x > /tmp/cp-onto-file/x']);
    writeFileSync(join(dir, 'plain'), 'kept\n');
    const run = await cp('web:/tmp/cp-onto-file', join(dir, 'plain'), '-c', 'nginx');
    assert.is(run.code, 1);
    assert.is(run.stderr, `octant-exec cp: "${join(dir, 'plain')}" is a file here: a folder cannot be copied onto it. Name a folder, or a path that is not there yet.\n`);
    assert.is(readFileSync(join(dir, 'plain'), 'utf8'), 'kept\n');
    const below = await cp('web:/tmp/cp-onto-file', join(dir, 'plain', 'sub'), '-c', 'nginx');
    assert.is(below.code, 1);
    assert.match(below.stderr, /a file stands here where "[^"]*plain\/sub" needs a folder above it/);
  });
});

test('an upload into a folder that takes no files (/proc) says tar could not write there, not that the folder is missing; a missing folder is still said so', async () => {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'a'), 'a\n');
    const proc = await cp(join(dir, 'a'), 'web:/proc/x', '-c', 'nginx');
    assert.is(proc.code, 1);
    assert.match(proc.stderr, /The copy could not be written in "\/proc" in the container "nginx" of pod "web" \(tar said: [^)]*Cannot open: No such file or directory\)/);
    assert.not.match(proc.stderr, /does not exist/);
    const missing = await cp(join(dir, 'a'), 'web:/cp-no-such-folder/x', '-c', 'nginx');
    assert.is(missing.code, 1);
    assert.match(missing.stderr, /"\/cp-no-such-folder" does not exist in the container "nginx"/);
  });
});

/**
 * A file DST that holds "precious", and a container whose tar sends `name` (300 KB) whole and then
 * ends with `exitCode` after `thenSleep` s (the server holds the last chunk until then): `body`
 * downloads it; afterwards DST must be as it was and nothing beside it.
 */
async function withEarlierDst(name: string, exitCode: number, thenSleep: number, body: (dir: string, dst: string) => Promise<void>): Promise<void> {
  const data = randomBytes(300_000);
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar([{ name, type: 'file', mode: 0o644, mtime: 0, size: data.length, body: (async function* () { yield data; })() }])) chunks.push(chunk);
  await withTempDir(async (dir) => {
    const dst = join(dir, 'kept.bin');
    writeFileSync(dst, 'precious\n');
    await withLyingTar(app, 'alpine-tools', 'tools', Buffer.concat(chunks), () => body(dir, dst), exitCode, thenSleep);
    assert.is(readFileSync(dst, 'utf8'), 'precious\n', 'the earlier file is as it was');
    assert.equal(readdirSync(dir), ['kept.bin'], 'no part left beside it');
  });
}

test('a download that fails part-way leaves an earlier DST as it was, and no part beside it', () =>
  // the container's tar sends every byte, then fails: the server holds the last chunk back and cuts the answer
  withEarlierDst('x.bin', 2, 0, async (_dir, dst) => {
    const run = await cp('alpine-tools:/tmp/x.bin', dst);
    assert.is(run.code, 1, run.stderr);
  }));

test('Ctrl-C during a download: exit 130, no part left, an earlier DST as it was', () =>
  // the container's tar sends it all, then takes its time to exit
  withEarlierDst('slow.bin', 0, 30, async (dir, dst) => {
    const run = startCli(['cp', 'alpine-tools:/tmp/slow.bin', dst], { env });
    await waitFor(() => existsSync(join(dir, '.kept.bin.octant-exec-part')), 'the part to be written', 30_000);
    process.kill(run.child.pid!, 'SIGINT'); // not child.kill: Deno's records the signal as the cause of death even when it is handled
    assert.is(await run.exit, 130, run.stderr());
  }));

test("a symlink at a file's part name (a folder copied from a container may leave one there) is not written through: the file arrives, what it named stays as it was", () =>
  withTempDir(async (dir) => {
    await runIn(app, 'web', 'nginx', ['sh', '-c', 'echo fresh > /tmp/cp-part-link.txt']);
    writeFileSync(join(dir, 'canary'), 'canary\n');
    mkdirSync(join(dir, 'out'));
    symlinkSync(join(dir, 'canary'), join(dir, 'out', '.p.txt.octant-exec-part'));
    const run = await cp('web:/tmp/cp-part-link.txt', join(dir, 'out', 'p.txt'));
    assert.is(run.code, 0, run.stderr);
    assert.is(readFileSync(join(dir, 'out', 'p.txt'), 'utf8'), 'fresh\n');
    assert.is(readFileSync(join(dir, 'canary'), 'utf8'), 'canary\n', 'nothing written through the link');
    assert.equal(readdirSync(join(dir, 'out')), ['p.txt'], 'no part left');
  }));

test('names: a container path with a newline, and `..` as a source, as kubectl cp takes them', async () => {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'in.txt'), 'hello\n');
    const odd = await cp(join(dir, 'in.txt'), 'web:/tmp/a\nb.txt', '-c', 'nginx');
    assert.is(odd.code, 0, odd.stderr);
    const back = await cp('web:/tmp/a\nb.txt', join(dir, 'back.txt'), '-c', 'nginx');
    assert.is(back.code, 0, back.stderr);
    assert.is(readFileSync(join(dir, 'back.txt'), 'utf8'), 'hello\n');
    mkdirSync(join(dir, 'site', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'site', 'page.html'), '<p>up</p>');
    const up = await cp(`${join(dir, 'site', 'sub')}/..`, 'web:/tmp/', '-c', 'nginx');
    assert.is(up.code, 0, up.stderr);
    const down = await cp('web:/tmp/site/page.html', join(dir, 'page.html'), '-c', 'nginx');
    assert.is(down.code, 0, down.stderr);
    assert.is(readFileSync(join(dir, 'page.html'), 'utf8'), '<p>up</p>', '`..` went in under its own name');
  });
});

test('a folder onto a file in the container is refused, the file as it was (kubectl cp fails there too)', async () => {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>hi</h1>');
    await runIn(app, 'web', 'nginx', ['sh', '-c', 'echo keep > /tmp/cp-kept.txt']);
    const run = await cp(join(dir, 'site'), 'web:/tmp/cp-kept.txt', '-c', 'nginx');
    assert.is(run.code, 1);
    assert.match(run.stderr, '"/tmp/cp-kept.txt" is a file in the container: a folder cannot be copied onto it');
    assert.is((await cp('web:/tmp/cp-kept.txt', join(dir, 'back.txt'), '-c', 'nginx')).code, 0);
    assert.is(readFileSync(join(dir, 'back.txt'), 'utf8'), 'keep\n');
  });
});

test('a file out: the folders above DST are made, DST ending in "/" is a folder, a symlink at DST is written through, "DIR/." is DIR', async () => {
  await withTempDir(async (dir) => {
    await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/cp-out && echo one > /tmp/cp-out/one.txt']);
    assert.is((await cp('web:/tmp/cp-out/one.txt', join(dir, 'a', 'b', 'c.txt'), '-c', 'nginx')).code, 0);
    assert.is(readFileSync(join(dir, 'a', 'b', 'c.txt'), 'utf8'), 'one\n');
    assert.is((await cp('web:/tmp/cp-out/one.txt', `${join(dir, 'new')}/`, '-c', 'nginx')).code, 0);
    assert.is(readFileSync(join(dir, 'new', 'one.txt'), 'utf8'), 'one\n');
    writeFileSync(join(dir, 'target.txt'), 'old\n');
    symlinkSync('target.txt', join(dir, 'link.txt'));
    assert.is((await cp('web:/tmp/cp-out/one.txt', join(dir, 'link.txt'), '-c', 'nginx')).code, 0);
    assert.is(readlinkSync(join(dir, 'link.txt')), 'target.txt', 'the link stays');
    assert.is(readFileSync(join(dir, 'target.txt'), 'utf8'), 'one\n');
    assert.is((await cp('web:/tmp/cp-out/.', join(dir, 'contents'), '-c', 'nginx')).code, 0);
    assert.equal(tree(join(dir, 'contents')), ['one.txt: one\n']);
  });
});

/** Every path under `root` (sorted), a file with its text, a symlink with where it points: a tree to compare. */
function tree(root: string, under = ''): string[] {
  return readdirSync(join(root, under))
    .flatMap((name) => {
      const path = under ? `${under}/${name}` : name;
      const stat = lstatSync(join(root, path));
      if (stat.isSymbolicLink()) return [`${path} -> ${readlinkSync(join(root, path))}`];
      return stat.isDirectory() ? [`${path}/`, ...tree(root, path)] : [`${path}: ${readFileSync(join(root, path), 'utf8')}`];
    })
    .sort();
}

test('onto a folder the container has, a file or a directory goes into it under its own name, where kubectl cp 1.33 puts it', async () => {
  requireTool(kubectlBinary('1.33'));
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'note.txt'), 'note\n');
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>hi</h1>');
    mkdirSync(join(dir, 'private'), { mode: 0o700 });
    writeFileSync(join(dir, 'private', 'key.txt'), 'k\n');
    const kubectl = (from: string, to: string) => execFileAsync(kubectlBinary('1.33'), ['--kubeconfig', app.kubeconfigPath, 'cp', '-c', 'nginx', from, to], { timeout: 30_000 });
    const ours = async (from: string, to: string) => {
      const run = await cp(from, to, '-c', 'nginx');
      assert.is(run.code, 0, run.stderr);
    };
    for (const [copy, folder] of [[ours, '/tmp/onto-ours'], [kubectl, '/tmp/onto-kubectl']] as const) {
      await runIn(app, 'web', 'nginx', ['sh', '-c', `mkdir -p ${folder}/empty ${folder}/full ${folder}/dots ${folder}/real ${folder}/www-data && chmod 755 ${folder}/dots && echo old > ${folder}/full/old.txt && echo was > ${folder}/file.txt && ln -s real ${folder}/link && ln -s www-data ${folder}/www`]);
      await copy(join(dir, 'note.txt'), `web:${folder}/empty`);
      await copy(join(dir, 'note.txt'), `web:${folder}/full`);
      await copy(join(dir, 'site'), `web:${folder}/full`);
      await copy(join(dir, 'note.txt'), `web:${folder}/file.txt`); // a file is replaced
      await copy(join(dir, 'site'), `web:${folder}/new-site`); // nothing there: DST is the copy
      await copy(join(dir, 'note.txt'), `web:${folder}/link`); // a symlink to a folder is that folder
      await copy(join(dir, 'note.txt'), `web:${folder}/dots/.`); // "DIR/." is DIR
      await copy(`${join(dir, 'site')}/.`, `web:${folder}/dots`); // "SRC/." is SRC's contents
      await copy(`${join(dir, 'private')}/.`, `web:${folder}/dots`); // ... which leave DST's own mode as it was
      await copy(`${join(dir, 'site')}/.`, `web:${folder}/www`); // ... and a symlink to a folder as it was
      await runIn(app, 'web', 'nginx', ['sh', '-c', `test "$(stat -c %a ${folder}/dots)" = 755 && test -L ${folder}/www`]);
    }
    const back = (folder: string) => cp(`web:${folder}`, join(dir, folder.slice(5)), '-c', 'nginx');
    assert.is((await back('/tmp/onto-ours')).code, 0);
    assert.is((await back('/tmp/onto-kubectl')).code, 0);
    const got = tree(join(dir, 'onto-ours'));
    assert.equal(got, ['dots/', 'dots/index.html: <h1>hi</h1>', 'dots/key.txt: k\n', 'dots/note.txt: note\n', 'empty/', 'empty/note.txt: note\n', 'file.txt: note\n', 'full/', 'full/note.txt: note\n', 'full/old.txt: old\n', 'full/site/', 'full/site/index.html: <h1>hi</h1>', 'link -> real', 'new-site/', 'new-site/index.html: <h1>hi</h1>', 'real/', 'real/note.txt: note\n', 'www -> www-data', 'www-data/', 'www-data/index.html: <h1>hi</h1>']);
    assert.equal(got, tree(join(dir, 'onto-kubectl')), 'as kubectl cp put them');
  });
});

test('usage errors exit 2: two local paths, no server, a relative container path', async () => {
  assert.is((await cp('a', 'b')).code, 2);
  const noServer = await runCli(['cp', 'x', 'web:/tmp/x'], 30_000, { env: {} });
  assert.is(noServer.code, 2);
  assert.match(noServer.stderr, /OCTANT_EXEC_URL/);
  assert.is((await cp('web:tmp/x', '/tmp/y')).code, 2);
  const up = await cp('/etc/hostname', 'web:/tmp/a/..');
  assert.is(up.code, 2);
  assert.match(up.stderr, 'may not have ".." parts');
});

test.run();
