// The serve command's flags as server options: every value checked, each refusal one line.
import process from 'node:process';
import type { OctantExecOptions } from '../../server/app.ts';
import type { FlagValues } from '../flags.ts';
import { defaultStateDir } from '../state-dir.ts';
import { UsageError, oneOf, wholeNumber } from '../usage.ts';
import { isLoopback } from '../loopback.ts';
import { serveSpec } from './serve-spec.ts';
import { debugImageList } from '../../domain/debug-images.ts';
import { teamOptions } from './serve-auth-options.ts';
import { sharedLogOptions } from './store-options.ts';
import { metricsAddress } from './metrics-address.ts';
import { KEEPALIVE_MAX_MS } from '../../server/keepalive.ts';
import { RECORD_MODES } from '../../protocol/http.ts';
import { DEFAULT_MAX_LIVE_SESSIONS } from '../../domain/live-sessions.ts';
import { RECORD_MAX_BYTES, RECORD_MIN_BYTES } from '../../recording/recording-policy.ts';

export interface ServeArgs {
  options: OctantExecOptions;
  open: boolean;
  json: boolean;
}

export function serveOptions(values: FlagValues<typeof serveSpec>, env: Record<string, string | undefined> = process.env): ServeArgs {
  const v = values;
  const whole = (flag: keyof typeof v, min: number, max: number) => (v[flag] === undefined ? undefined : wholeNumber(`--${flag}`, v[flag] as string, min, max));
  const beyondLoopback = v.host !== undefined && !isLoopback(v.host);
  // A team mode signs people in, so it may listen where they can reach it; local mode's one token may not.
  const team = teamOptions(v, beyondLoopback);
  if (beyondLoopback && !team.auth && !v['allow-remote']) {
    throw new UsageError(`--host ${v.host} is not a loopback address: add --allow-remote if you really mean to let other machines reach it`);
  }
  if (v.sandbox && v.kubeconfig) throw new UsageError('--sandbox and --kubeconfig exclude each other');
  if (v.open && v['no-open']) throw new UsageError('--open and --no-open exclude each other');
  for (const name of v['allow-host'] ?? []) {
    if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(name)) throw new UsageError(`--allow-host takes a host name or address, not "${name.slice(0, 60)}"`);
  }
  const retention = { days: whole('retain', 0, 36_500), auditDays: whole('retain-audit', 0, 36_500) };
  const interval = whole('snapshot-interval', 10, 86_400);
  const snapshots = { everyEntries: whole('snapshot-every', 100, 10_000_000), everyMs: interval === undefined ? undefined : interval * 1000 };
  const hub = { scrollbackBytes: whole('scrollback', 1024, 256 * 1024 * 1024), endedScrollbackBytes: whole('ended-scrollback', 0, Number.MAX_SAFE_INTEGER) };
  const keepalive = whole('keepalive', 1, KEEPALIVE_MAX_MS / 1000);
  const maxSessions = whole('max-sessions', 1, 10_000);
  const recording = {
    mode: v.record === undefined ? undefined : oneOf('--record', v.record, RECORD_MODES),
    input: v['record-input'] || undefined,
    maxBytes: whole('record-max-bytes', RECORD_MIN_BYTES, RECORD_MAX_BYTES),
  };
  const options: OctantExecOptions = {
    stateDir: v['state-dir'] || defaultStateDir(env),
    port: whole('port', 0, 65_535),
    host: v.host,
    hostNames: v['allow-host'],
    kubeconfig: v.kubeconfig,
    context: v.context,
    sandbox: v.sandbox,
    sandboxOptions: v['sandbox-unisolated'] ? { isolation: 'none' } : undefined,
    execTransport: v['exec-transport'] === undefined ? undefined : oneOf('--exec-transport', v['exec-transport'], serveSpec.flags['exec-transport'].completes),
    idleTimeoutSeconds: whole('idle-timeout', 1, 86_400),
    keepaliveMs: keepalive === undefined ? undefined : keepalive * 1000,
    maxSessions,
    ...personLimits(whole('max-sessions-per-person', 1, 10_000), whole('max-ended-per-person', 1, 1_000_000), maxSessions, !!team.auth),
    debugImages: v['debug-image'] === undefined ? undefined : checkedDebugImages(v['debug-image']),
    hub: defined(hub),
    embedOrigins: v['embed-origin']?.map(embedOrigin),
    tokenFile: v['token-file'],
    recordMinFreeBytes: whole('record-min-free', 0, Number.MAX_SAFE_INTEGER),
    log: { retention: defined(retention), snapshots: defined(snapshots) },
    recording: defined(recording),
    metrics: v['metrics-address'] === undefined ? undefined : metricsAddress(v['metrics-address']),
    ...team,
    ...sharedLogOptions(v),
  };
  return { options: defined(options) as OctantExecOptions, open: !!v.open, json: !!v.json };
}

/** --max-sessions-per-person is a team mode's (local mode has one person) and may not pass --max-sessions. */
function personLimits(perPerson: number | undefined, endedPerPerson: number | undefined, maxSessions = DEFAULT_MAX_LIVE_SESSIONS, team: boolean): Pick<OctantExecOptions, 'maxSessionsPerPerson' | 'maxEndedPerPerson'> {
  if (perPerson !== undefined && !team) throw new UsageError('--max-sessions-per-person is for a team mode (--auth proxy, oidc or kube-token): local mode has one person, held by --max-sessions');
  if (perPerson !== undefined && perPerson > maxSessions) throw new UsageError(`--max-sessions-per-person ${perPerson} is more than --max-sessions ${maxSessions}: give at most that`);
  return { maxSessionsPerPerson: perPerson, maxEndedPerPerson: endedPerPerson };
}

function checkedDebugImages(images: string[]): string[] {
  try {
    return debugImageList(images);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function embedOrigin(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // said below
  }
  throw new UsageError(`--embed-origin takes an http(s) origin like http://127.0.0.1:7777, not "${text.slice(0, 60)}"`);
}

/** The object without its undefined fields, so the server's own defaults apply to those. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
