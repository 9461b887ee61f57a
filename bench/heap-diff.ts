// What a server holds per terminal, from two V8 heap snapshots of the same process: one before
// some idle terminals were opened, one with them open. Snapshot node ids are stable within a
// process, so the objects new in the second are exactly those allocated in between and still live.
// Each new object is put under its constructor when it has one (`Scrollback`, `WebSocket`), else
// (plain objects, arrays, strings, closures, V8's internals) under the nearest holder that has one
// and the fields that lead from it to the object, which is what says which part of the server it
// belongs to.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapPart {
  /** constructor, or holder.field (kind) */
  part: string;
  count: number;
  bytes: number;
}

function load(path: string): Snapshot {
  return JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
}

function nodeIds(snap: Snapshot): Set<number> {
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const idField = fields.indexOf('id');
  const ids = new Set<number>();
  for (let i = 0; i < snap.nodes.length; i += width) ids.add(snap.nodes[i + idField]);
  return ids;
}

/** The objects live in `afterPath` and not in `beforePath`, grouped into parts, largest first. */
export function heapDiff(beforePath: string, afterPath: string): HeapPart[] {
  const old = nodeIds(load(beforePath));
  const snap = load(afterPath);
  const { node_fields, node_types, edge_fields, edge_types } = snap.snapshot.meta;
  const width = node_fields.length;
  const edgeWidth = edge_fields.length;
  const [typeF, nameF, idF, sizeF, edgeCountF] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => node_fields.indexOf(f));
  const [edgeTypeF, edgeNameF, toF] = ['type', 'name_or_index', 'to_node'].map((f) => edge_fields.indexOf(f));
  const nodeType = (n: number) => node_types[0][snap.nodes[n + typeF]];
  const nodeName = (n: number) => snap.strings[snap.nodes[n + nameF]];

  // the first strong holder of each node, and the field it holds it by
  const holder = new Map<number, { from: number; edge: string }>();
  let edge = 0;
  for (let n = 0; n < snap.nodes.length; n += width) {
    const count = snap.nodes[n + edgeCountF];
    for (let e = 0; e < count; e++, edge += edgeWidth) {
      const kind = edge_types[0][snap.edges[edge + edgeTypeF]];
      if (kind === 'weak' || kind === 'shortcut') continue;
      const to = snap.edges[edge + toF];
      if (holder.has(to)) continue;
      const raw = snap.edges[edge + edgeNameF];
      const name = kind === 'element' || kind === 'hidden' ? `[${kind}]` : String(snap.strings[raw] ?? raw);
      holder.set(to, { from: n, edge: name });
    }
  }

  const named = (n: number) => (nodeType(n) === 'object' && !['Object', 'Array', 'system / Context'].includes(nodeName(n)) && !nodeName(n).startsWith('system /')) || (nodeType(n) === 'closure' && nodeName(n) !== '');
  /** the nearest holder with a constructor (or a named function), and the fields that lead from it */
  const owner = (n: number): string => {
    const path: string[] = [];
    for (let at = n, depth = 0; depth < 6; depth++) {
      const held = holder.get(at);
      if (!held) break;
      path.unshift(held.edge.slice(0, 30));
      at = held.from;
      if (named(at)) return `${nodeName(at).slice(0, 40)}.${path.join('.')}`;
    }
    return `?.${path.slice(-2).join('.')}`;
  };
  const parts = new Map<string, HeapPart>();
  for (let n = 0; n < snap.nodes.length; n += width) {
    if (old.has(snap.nodes[n + idF])) continue;
    const type = nodeType(n);
    let part: string;
    // Node's own native objects get fresh ids in each snapshot, and compiled code is JIT warm-up: neither is per terminal
    if (type === 'native' || type === 'synthetic') part = '(native nodes: new ids each snapshot, not comparable)';
    else if (type === 'code') part = '(compiled code)';
    else if (named(n) && type === 'object') part = nodeName(n);
    else {
      const kind = type === 'object' ? nodeName(n) : type === 'closure' ? 'closure' : type.endsWith('string') ? 'string' : `${type} ${nodeName(n).slice(0, 40)}`;
      part = `${owner(n)} (${kind})`;
    }
    const entry = parts.get(part) ?? { part, count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[n + sizeF];
    parts.set(part, entry);
  }
  return [...parts.values()].sort((a, b) => b.bytes - a.bytes);
}
