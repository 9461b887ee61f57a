// `octant-exec octant install|uninstall` at the file level: where Octant looks (as Octant 0.25
// decides it, per OS), and the plugin file written and removed only when it is octant-exec's
// own, never through a link. The commands as a user runs them: tests/cli/package.test.ts.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { octantPluginDirs } from '../../src/cli/octant/plugin-dir.ts';
import { startSteps } from '../../src/cli/octant/start-steps.ts';
import { ForeignFile, PLUGIN_FILE, installPlugin, uninstallPlugin } from '../../src/cli/octant/plugin-install.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { runCli } from '../support/cli.ts';

const test = suite('octant install');
const plugin = 'var OCTANT_EXEC_URL = "http://127.0.0.1:7788";\nvar _octantPlugin = function () {};\n';

test("Octant's folders: OCTANT_PLUGIN_PATH's first, then its default per OS", () => {
  assert.equal(octantPluginDirs({ HOME: '/home/u' }, 'linux'), ['/home/u/.config/octant/plugins']);
  assert.equal(octantPluginDirs({ HOME: '/home/u', XDG_CONFIG_HOME: '/xdg' }, 'linux'), ['/xdg/octant/plugins']);
  assert.equal(octantPluginDirs({ XDG_CONFIG_HOME: '/xdg' }, 'linux'), ['/xdg/octant/plugins'], 'XDG_CONFIG_HOME is enough on Linux');
  assert.equal(octantPluginDirs({ HOME: '/Users/u' }, 'darwin'), ['/Users/u/.config/octant/plugins']);
  assert.equal(octantPluginDirs({ HOME: '/Users/u', XDG_CONFIG_HOME: '/xdg' }, 'darwin'), ['/Users/u/octant/plugins'], "Octant's own quirk on macOS");
  assert.equal(octantPluginDirs({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', HOME: '/ignored' }, 'win32'), ['C:\\Users\\u\\AppData\\Local\\octant\\plugins']);
  assert.equal(octantPluginDirs({ HOME: '/home/u', OCTANT_PLUGIN_PATH: ':/a::/b:' }, 'linux'), ['/a', '/b', '/home/u/.config/octant/plugins']);
  assert.equal(octantPluginDirs({ OCTANT_PLUGIN_PATH: 'C:\\p;D:\\q' }, 'win32'), ['C:\\p', 'D:\\q']);
  assert.equal(octantPluginDirs({}, 'linux'), [], 'no HOME: Octant has no folder either');
});

test('install writes the marked plugin, at most 0644, creating the folder; again, it replaces its own', () =>
  withTempDir((dir) => {
    const folder = join(dir, 'config', 'octant', 'plugins');
    const first = installPlugin(folder, plugin, '9.9.9');
    assert.equal(first, { path: join(folder, PLUGIN_FILE), replaced: false });
    const text = readFileSync(first.path, 'utf8');
    assert.match(text, /^\/\/ octant-exec plugin for Octant, written by `octant-exec octant install` \(octant-exec 9\.9\.9\)/);
    assert.ok(text.endsWith(plugin), 'the plugin follows the marker line as it is');
    assert.is(statSync(first.path).mode & 0o133, 0, 'not executable, not writable by others');
    assert.is(statSync(folder).mode & 0o077, 0, 'a folder it creates is the user\'s alone');
    assert.equal(installPlugin(folder, plugin.replace('7788', '9999'), '9.9.9'), { path: first.path, replaced: true });
    assert.match(readFileSync(first.path, 'utf8'), /:9999"/);
  }));

test('a file octant-exec did not write is neither replaced nor removed', () =>
  withTempDir((dir) => {
    const path = join(dir, PLUGIN_FILE);
    writeFileSync(path, '// my own plugin\n');
    assert.throws(() => installPlugin(dir, plugin, '1'), (e: Error) => e instanceof ForeignFile && /refusing to replace .*octant-exec\.js: its first line is not the one octant-exec writes, so octant-exec did not write it/.test(e.message));
    assert.throws(() => uninstallPlugin(dir), (e: Error) => e instanceof ForeignFile && /refusing to remove/.test(e.message));
    assert.is(readFileSync(path, 'utf8'), '// my own plugin\n');
    writeFileSync(path, '');
    assert.throws(() => uninstallPlugin(dir), (e: Error) => e instanceof ForeignFile, 'an empty file is not ours either');
  }));

test('a symbolic link there is refused both ways, even to a file of ours; what it points to stays as it was', () =>
  withTempDir((dir) => {
    const outside = join(dir, 'outside');
    const folder = join(dir, 'plugins');
    mkdirSync(folder);
    installPlugin(outside, plugin, '1');
    const target = join(outside, PLUGIN_FILE);
    const before = readFileSync(target, 'utf8');
    symlinkSync(target, join(folder, PLUGIN_FILE));
    assert.throws(() => installPlugin(folder, 'var changed;', '1'), /it is a symbolic link/);
    assert.throws(() => uninstallPlugin(folder), /it is a symbolic link/);
    assert.is(readFileSync(target, 'utf8'), before);
    assert.ok(lstatSync(join(folder, PLUGIN_FILE)).isSymbolicLink());
    mkdirSync(join(dir, 'd', PLUGIN_FILE), { recursive: true });
    assert.throws(() => installPlugin(join(dir, 'd'), plugin, '1'), /it is not a regular file/);
  }));

test('uninstall removes exactly its file, and says so when there is none', () =>
  withTempDir((dir) => {
    writeFileSync(join(dir, 'other.js'), 'x');
    const { path } = installPlugin(dir, plugin, '1');
    assert.equal(uninstallPlugin(dir), { path, removed: true });
    assert.not.ok(existsSync(path));
    assert.ok(existsSync(join(dir, 'other.js')));
    assert.equal(uninstallPlugin(dir), { path, removed: false });
  }));

test('install with an address that does not parse (or a port out of range) is a usage error, exit 2, before anything is written', () =>
  withTempDir(async (dir) => {
    for (const url of ['http://[::1', 'http://127.0.0.1:99999']) {
      const folder = join(dir, 'plugins');
      const run = await runCli(['octant', 'install', '--dir', folder, '--url', url]);
      assert.is(run.code, 2, `${url}: ${run.stderr}`);
      assert.is(run.stderr, `octant-exec octant: --url: the octant-exec address ${JSON.stringify(url)} is not a valid URL: check its host (an IPv6 one in brackets, [::1]) and its port (1 to 65535) (see octant-exec octant --help)\n`);
      assert.is(run.stdout, '');
      assert.not.ok(existsSync(folder), `${url}: nothing written`);
    }
  }));

test('the steps after an install: a local octant-exec started on the port of its address, one elsewhere told to let Octant frame it from the same site', () => {
  assert.match(startSteps('http://127.0.0.1:7788', 'octant'), /^ {2}1\. octant-exec --port 7788 --embed-origin http:\/\/127\.0\.0\.1:7777\n {2}2\. open the URL it prints/);
  assert.match(startSteps('http://127.0.0.1', 'octant'), /octant-exec --port 80 /);
  for (const url of ['http://localhost:7788', 'http://[::1]:7788']) assert.match(startSteps(url, 'octant'), /same site as Octant/, `${url}: another site than 127.0.0.1:7777`);
  const remote = startSteps('https://exec.example.com:8443/sub/', 'OCTANT_PLUGIN_PATH=/p octant');
  assert.not.match(remote, /--port/, 'no port to start a server on: it runs already');
  assert.match(remote, /^ {2}1\. the octant-exec at https:\/\/exec\.example\.com:8443\/sub\/ must run with --embed-origin http:\/\/127\.0\.0\.1:7777 .*same site as Octant.*run octant-exec here too/s);
  assert.match(remote, /\n {2}2\. open https:\/\/exec\.example\.com:8443\/sub\/ once in this browser and sign in\n {2}3\. OCTANT_PLUGIN_PATH=\/p octant$/);
});

test.run();
