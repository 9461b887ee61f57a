// The Dockerfile's build stage, run as written but outside Docker (this machine has no engine):
// its WORKDIR and every absolute path its steps name are moved under a temporary root, its COPY
// lines copy from this checkout, and its RUN lines run in order with sh, `npm ci` aside (the
// checkout's node_modules is linked in its place: the same lock, and no registry needed). The
// second stage must then find the tarball where it copies it from. Reading the file alone once
// let `npm pack --pack-destination /pack` into a folder nothing made slip through: npm does not
// make it, and `docker build` stopped there.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const checkout = new URL('../..', import.meta.url).pathname;
const text = readFileSync(join(checkout, 'Dockerfile'), 'utf8');
const stages = text.split(/^(?=FROM )/m).filter((part) => part.startsWith('FROM '));
const build = stages.find((stage) => /^FROM \S+ AS build$/m.test(stage))!;
const runtime = stages.at(-1)!;
let root: string;

test.before(() => {
  root = mkdtempSync(join(tmpdir(), 'octant-exec-dockerfile-'));
});
test.after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** An absolute path of the image, under the temporary root. */
const inRoot = (path: string) => join(root, path);
/** A step's shell line with the image's absolute paths (` /pack`, ` /src/x`) under the temporary root. */
const rooted = (line: string) => line.replace(/(^|\s)\/(?=[a-z])/g, `$1${root}/`);

function sh(line: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', line], { cwd, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${line}\n  failed (${error.message.split('\n')[0]}):\n${stderr.slice(-2000)}`)) : resolve(),
    );
  });
}

test('the build stage runs as written and leaves the tarball where the runtime stage copies it from', async () => {
  assert.ok(build, 'a stage named build');
  let workdir = root;
  const skipped: string[] = [];
  for (const line of build.split('\n').map((l) => l.trim())) {
    const [, instruction, rest] = /^([A-Z]+) (.*)$/.exec(line) ?? [];
    if (instruction === 'WORKDIR') {
      workdir = inRoot(rest);
      mkdirSync(workdir, { recursive: true });
    } else if (instruction === 'COPY') {
      // as Docker copies: a folder's contents into the destination, a file into it by its name
      const [destination, ...sources] = rest.split(/\s+/).reverse();
      for (const source of sources) {
        const from = join(checkout, source);
        cpSync(from, statSync(from).isDirectory() ? join(workdir, destination) : join(workdir, destination, basename(source)), { recursive: true });
      }
    } else if (instruction === 'RUN' && /^npm ci\b/.test(rest)) {
      skipped.push(rest);
      symlinkSync(join(checkout, 'node_modules'), join(workdir, 'node_modules'));
    } else if (instruction === 'RUN') {
      await sh(rooted(rest), workdir);
    }
  }
  assert.equal(skipped.length, 1, 'one npm ci, the only step stood in for');
  const [, from] = /^COPY --from=build (\S+) \S+$/m.exec(runtime) ?? [];
  assert.ok(from, 'the runtime stage copies from the build stage');
  const [, pattern] = /npm install -g .*?(\S+\.tgz)/.exec(runtime) ?? [];
  assert.ok(pattern, 'the runtime stage installs a tarball');
  assert.ok(existsSync(inRoot(from)), `${from} exists after the build stage`);
  const name = new RegExp(`^${pattern.split('/').pop()!.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
  assert.equal(readdirSync(inRoot(from)).filter((file) => name.test(file)).length, 1, `one ${pattern} in ${from}`);
});

test.run();
