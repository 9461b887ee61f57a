// The house rules, checked rather than hoped for: every folder imports only what
// docs/architecture.md's folder table allows (the table is the rule, read from the doc), client-node
// only in the Kubernetes adapters, no file under src/ or ui/ past 400 lines, every test file
// under a deadline (its suite comes from tests/support/test.ts, not from uvu), and none left as
// .only or .skip.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function sourceFiles(folder: string, pattern = /\.tsx?$/): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules') return [];
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

interface Import {
  target: string;
  typeOnly: boolean;
  /** import(): loaded when called, after every static import has run */
  dynamic?: boolean;
}

/** Whether `{ type A, type B }` names types only: the compilers drop such an import, as `import type`. */
const typesOnly = (names: string) => /^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}]/g, '').split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '));

/** Static imports, re-exports and import() of each file, with whether they carry types only (`import type`, `{ type A }`, `typeof import()`). */
function importsOf(path: string): Import[] {
  const text = read(path);
  const found: Import[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\bfrom\s+'([^']+)'/gm)) found.push({ target: match[4], typeOnly: Boolean(match[2]) || typesOnly(match[3]) });
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ target: match[1], typeOnly: false });
  for (const match of text.matchAll(/(\btypeof\s+)?\bimport\(\s*'([^']+)'\s*\)/g)) found.push({ target: match[2], typeOnly: Boolean(match[1]), dynamic: true });
  return found;
}

/** The folder a path belongs to, as the table names it: `domain` for src/domain/…, else the top folder. */
function folderOf(path: string): string {
  const [top, second] = path.split('/');
  return top === 'src' ? second : top;
}

/** docs/architecture.md's folder table: folder → what it may import (`anything`, or names; "(types)" means type-only). */
function folderTable(): Map<string, { anything: boolean; allowed: Map<string, 'all' | 'types'> }> {
  const doc = read('docs/architecture.md');
  const start = doc.indexOf('| folder | what lives there | may import |');
  assert.ok(start >= 0, 'docs/architecture.md has the folder table');
  const rows = doc.slice(start).split('\n').slice(2);
  const table = new Map<string, { anything: boolean; allowed: Map<string, 'all' | 'types'> }>();
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const cells = row.split('|').map((cell) => cell.trim());
    const folder = /`(?:src\/)?([a-z-]+)\/`/.exec(cells[1])?.[1];
    assert.ok(folder, `a folder in the row ${row}`);
    const rule = cells[3];
    const allowed = new Map<string, 'all' | 'types'>();
    if (rule !== 'anything' && rule !== 'nothing') {
      for (const part of rule.split(',').map((p) => p.trim())) {
        const [, name, types] = /^([a-z-]+)( \(types\))?$/.exec(part) ?? [];
        assert.ok(name, `"${part}" in the row of ${folder} names a folder`);
        allowed.set(name, types ? 'types' : 'all');
      }
    }
    table.set(folder, { anything: rule === 'anything', allowed });
  }
  return table;
}

const codeFolders = ['src', 'ui', 'bench', 'scripts'];
const everyFile = () => codeFolders.flatMap((folder) => sourceFiles(folder));

test('the folder table covers every folder of src/ and the top-level code folders', () => {
  const table = folderTable();
  const folders = readdirSync(join(root, 'src')).filter((name) => statSync(join(root, 'src', name)).isDirectory());
  for (const folder of [...folders, 'ui', 'bench', 'scripts', 'tests']) assert.ok(table.has(folder), `docs/architecture.md's folder table has a row for ${folder}`);
});

test('every import across folders is one the folder table allows', () => {
  const table = folderTable();
  const wrong: string[] = [];
  for (const file of everyFile()) {
    const from = folderOf(file);
    const rule = table.get(from)!;
    if (rule.anything) continue;
    for (const { target, typeOnly } of importsOf(file)) {
      if (!target.startsWith('.')) continue;
      const to = folderOf(relative(root, normalize(join(root, dirname(file), target))));
      if (to === from) continue;
      const allowed = rule.allowed.get(to);
      if (!allowed) wrong.push(`${file} imports ${target} (${from} may not import ${to})`);
      else if (allowed === 'types' && !typeOnly) wrong.push(`${file} imports ${target} for more than types (${from} may import only types from ${to})`);
    }
  }
  assert.equal(wrong, []);
});

test('client-node is imported only by the Kubernetes adapters, Node only outside the page and the contract', () => {
  const wrong: string[] = [];
  for (const file of everyFile()) {
    for (const { target } of importsOf(file)) {
      if (target.startsWith('@kubernetes/client-node') && !file.startsWith('src/adapters/kubernetes/')) wrong.push(`${file} imports client-node`);
      if (target.startsWith('node:') && /^(ui|src\/protocol|src\/domain|src\/machines)\//.test(file)) wrong.push(`${file} imports ${target}`);
    }
  }
  assert.equal(wrong, []);
});

test('no module of src/ or ui/ loads itself back through its static imports (a cycle works only in the order a program happens to load it)', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('ui')];
  const loads = new Map(files.map((file) => [file, importsOf(file).filter((i) => !i.typeOnly && !i.dynamic && i.target.startsWith('.')).map((i) => relative(root, normalize(join(root, dirname(file), i.target))))]));
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    if (done.has(file)) return;
    const at = path.indexOf(file);
    if (at >= 0) return void cycles.push([...path.slice(at), file].join(' → '));
    path.push(file);
    for (const next of loads.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of files) visit(file);
  assert.equal(cycles, [], 'move what both need into a module of its own');
});

test('no file under src/ or ui/ is longer than 400 lines', () => {
  const long = [...sourceFiles('src'), ...sourceFiles('ui')]
    .map((file) => ({ file, lines: read(file).split('\n').length }))
    .filter(({ lines }) => lines > 400)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  assert.equal(long, []);
});

test('every test file takes suite and test from tests/support/test.ts, so each test runs under a deadline', () => {
  const direct = sourceFiles('tests', /\.test\.ts$/).filter((file) => importsOf(file).some(({ target }) => target === 'uvu'));
  assert.equal(direct, []);
});

test('no test is left as .only (the rest of its file would quietly not run) or .skip', () => {
  const marked = sourceFiles('tests', /\.test\.ts$/).filter((file) => /\b(test|it|suite)\.(only|skip)\(/.test(read(file)) || /^\s*\w+\.(only|skip)\(/m.test(read(file)));
  assert.equal(marked, []);
});

test.run();
