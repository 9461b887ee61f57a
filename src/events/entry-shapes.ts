// What each type of log entry holds beyond its type, seq and time: one table, typed from the
// entries themselves, so a field added to a fact does not compile until it is listed here. A line
// that is JSON with a good type, seq and time but not this shape (edited by hand, or a byte flipped
// that still parses) would otherwise reach the machines and the projections and crash every
// start; checked as the line is read, it is damage like a torn line: named, skipped, kept.
// Only what a reader relies on is checked (types and presence), not the domain's rules: a
// handful of typeof tests for the common entries, so a start that reads 100,000s of lines pays
// little for it.
import type { BatchAction, SkippedTarget } from '../domain/batch.ts';
import type { ActionMode, ExecAction } from '../domain/exec-action.ts';
import type { Person } from '../domain/person.ts';
import type { ExecFailure, ExecTarget } from '../domain/target.ts';
import type { LogEntry } from './log-entry.ts';
import { isId } from '../protocol/ids.ts';
import type { AuditRecord, AuditRecording } from './projections/audit-trail.ts';

/** What is wrong with a value, as the end of a sentence naming it (` is missing`, `.pod is not a string`), or undefined. */
type Check = (value: unknown) => string | undefined;

/** A check for every field of `T` (the optional ones too: an optional check lets them be absent). */
type Shape<T> = { [K in keyof T]-?: Check };

const leaf =
  (what: string, test: (value: unknown) => boolean): Check =>
  (value) =>
    test(value) ? undefined : value === undefined ? ' is missing' : ` is not ${what}`;

const isText = (value: unknown) => typeof value === 'string';
const text = leaf('a string', isText);
const number = leaf('a number', (value) => typeof value === 'number');
const flag = leaf('true or false', (value) => typeof value === 'boolean');
const texts = leaf('a list of strings', (value) => Array.isArray(value) && value.every(isText));

const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined ? undefined : check(value);

function list(check: Check): Check {
  const isList = leaf('a list', Array.isArray);
  return (value) => {
    const wrong = isList(value);
    if (wrong) return wrong;
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const problem = check(items[i]);
      if (problem) return `[${i}]${problem}`;
    }
    return undefined;
  };
}

function object<T>(shape: Shape<T>): Check {
  const fields = Object.entries(shape) as [string, Check][];
  const isObject = leaf('an object', (value) => typeof value === 'object' && value !== null && !Array.isArray(value));
  return (value) => {
    const wrong = isObject(value);
    if (wrong) return wrong;
    for (const [name, check] of fields) {
      const problem = check((value as Record<string, unknown>)[name]);
      if (problem) return `.${name}${problem}`;
    }
    return undefined;
  };
}

const target = object<ExecTarget>({ context: optional(text), namespace: text, pod: text, container: text });
const person = optional(object<Person>({ user: text, groups: texts }));
const mode = optional(object<ActionMode>({ kind: text }));
const failure = object<ExecFailure>({ reason: text, message: text });
const shell = object({ shell: text });
const argv = object({ argv: texts });
const command = leaf('a shell ({"shell": …}) or a command ({"argv": […]})', (value) => !shell(value) || !argv(value));

const execAction = object<ExecAction>({
  target: object<ExecAction['target']>({ context: optional(text), namespace: text, pod: text, containers: leaf('a list of containers or "all"', (value) => value === 'all' || !texts(value)) }),
  command,
  interactive: flag,
  stdin: optional(flag),
  requestedBy: text,
  person,
  idleTimeoutMs: optional(number),
  mode,
});

const batchAction = object<BatchAction>({ argv: texts, requestedBy: text, person, concurrency: number, timeoutMs: optional(number) });

const auditRecord = object<AuditRecord>({
  requestId: text,
  sessionId: optional(text),
  run: optional(number),
  who: text,
  person,
  target: object<AuditRecord['target']>({ context: optional(text), namespace: text, pod: text, container: optional(text) }),
  argv: texts,
  interactive: flag,
  mode,
  debugContainer: optional(text),
  startedAt: number,
  endedAt: optional(number),
  outcome: optional(object({ kind: text })),
  joined: optional(list(object<NonNullable<AuditRecord['joined']>[number]>({ who: text, role: text, shareId: text, at: number, typedAt: optional(number) }))),
  recording: optional(object<AuditRecording>({ file: text, input: optional(flag), stopped: optional(text), bytes: optional(number) })),
  closedOnItsOwn: optional(object<NonNullable<AuditRecord['closedOnItsOwn']>>({ because: text, kept: number, at: number })),
});

/** An entry of type `T`, without what every entry has (checked before this table is asked). */
type Fields<T extends LogEntry['type']> = Shape<Omit<Extract<LogEntry, { type: T }>, 'type' | 'seq' | 'time'>>;

// The lists look ids up in plain objects: "constructor" would find Object's own member, and
// crash a start from inside xstate, where nothing catches it (isId says which ids are ids).
const id = leaf("an id (letters, digits, _ . -; not a name of Object's own)", isId);
const session = { sessionId: id };
const share = { shareId: id, sessionId: id };

const SHAPES: { [T in LogEntry['type']]: Fields<T> } = {
  'exec.requested': { requestId: id, action: execAction, containers: texts, sessionIds: list(id) },
  'exec.refused': { requestId: id, action: execAction, containers: texts, message: text },
  'batch.started': { batchId: id, action: batchAction, targets: list(target), skipped: list(object<SkippedTarget>({ target, reason: text })), noIdleTimeout: optional(flag), replica: optional(text) },
  'batch.stopped': { batchId: id, because: text, notStarted: list(target), by: optional(text), keepsTerminals: optional(flag) },
  'batch.finished': { batchId: id },
  'session.spawned': {
    ...session,
    requestId: id,
    batchId: optional(id),
    target,
    command,
    interactive: flag,
    stdin: optional(flag),
    requestedBy: text,
    person,
    idleTimeoutMs: optional(number),
    mode,
    replica: optional(text),
  },
  'session.connecting': { ...session, run: number, argv: texts },
  'session.connected': { ...session, protocol: text, debugContainer: optional(text) },
  'session.activity': { ...session, quietMs: optional(number) },
  'session.resized': { ...session, cols: number, rows: number },
  'session.idle': session,
  'session.active': session,
  'session.timedOut': { ...session, afterMs: number, cause: text },
  'session.attemptFailed': { ...session, failure, argv: texts },
  'session.failed': { ...session, failure, tried: texts },
  'session.exited': { ...session, code: number },
  'session.disconnected': { ...session, reason: text, detail: optional(text), replica: optional(text) },
  'session.stopped': { ...session, because: text, by: optional(text) },
  'session.restarted': { ...session, run: number, counted: optional(flag) },
  'session.restartRefused': { ...session, message: text, because: optional(text) },
  'session.closed': { ...session, freesSlot: optional(flag), because: optional(text), kept: optional(number) },
  'session.adopted': { ...session, replica: text, from: text },
  'share.created': { ...share, role: text, expiresAt: number, by: optional(text), users: optional(texts), groups: optional(texts), secretHash: optional(text), signIn: optional(text), untilSignInEnds: optional(flag) },
  'share.revoked': { ...share, because: optional(text) },
  'share.claimed': { ...share, cookieHash: text },
  'share.joined': { ...share, who: text, role: text },
  'share.left': { ...share, who: text },
  'share.roleChanged': { ...share, who: text, role: text },
  'share.removed': { ...share, who: text },
  'share.typed': { ...share, who: text },
  'recording.wanted': { ...session, on: flag },
  'recording.started': { ...session, run: number, file: text, input: optional(flag) },
  'recording.stopped': { ...session, run: number, file: text, reason: text, bytes: number },
  'audit.record': { record: auditRecord },
};

// A Map, not the table itself: a type read from the line ("constructor") must not find Object's own properties.
const CHECKS = new Map(Object.entries(SHAPES).map(([type, shape]) => [type, object(shape as Shape<unknown>)]));

/** Why `entry` (with a valid type, seq and time) is not a whole entry of its type, or undefined. A type this version does not know passes: nothing here reads it. */
export function shapeProblem(entry: { type: string }): string | undefined {
  const problem = CHECKS.get(entry.type)?.(entry);
  return problem && `not a valid ${entry.type} entry (${problem.slice(1)})`;
}
