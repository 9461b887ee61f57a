// The Share dialog of a live terminal (docs/ui.md, "Sharing a terminal"): make a link for watching
// (viewer) or typing too (participant), for a while; in a team mode, for the people and groups
// picked. It shows the link made (once: a local link's secret is never shown again), and every
// share of the terminal with who joined, when, and whether they watch now (kept current by the
// server's pushes), with Revoke, and viewer/participant and Remove for each person.
import { useEffect, useState } from 'preact/hooks';
import type { SessionRow, ShareRole, ShareView } from '../../src/protocol/index.ts';
import type { ShareAnswer } from '../state/share-actions.ts';
import { useServices } from './context.ts';
import { when } from './format.ts';
import { ModalForm } from './modal-form.tsx';

/** A share ended with the owner's sign-in (share-sign-ins.ts), as the owner's list says it. */
const endedWithSignIn: Record<NonNullable<ShareView['revokedBecause']>, string> = {
  signedOut: 'ended when you signed out',
  signInEnded: 'ended with your sign-in (the server restarted)',
};

const EXPIRIES: { seconds: number; label: string }[] = [
  { seconds: 15 * 60, label: '15 minutes' },
  { seconds: 60 * 60, label: '1 hour' },
  { seconds: 8 * 60 * 60, label: '8 hours' },
  { seconds: 24 * 60 * 60, label: '24 hours' },
];

/**
 * The names typed into People or Groups: separated by commas, each trimmed. A name may hold spaces
 * ("Platform Team", as identity providers name groups): split there, it would pick other people's
 * groups instead ("Platform" and "Team").
 */
const words = (text: string) =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

export function ShareDialog(props: { row: SessionRow; team: boolean; onClose: () => void; focusAfter?: () => HTMLElement | null }) {
  const { row, team } = props;
  const [role, setRole] = useState<ShareRole>('viewer');
  const [expiresIn, setExpiresIn] = useState(60 * 60);
  const [users, setUsers] = useState('');
  const [groups, setGroups] = useState('');
  const [link, setLink] = useState<string | undefined>(undefined);
  const [shares, setShares] = useState<ShareView[]>([]);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState(false);

  const { shares: actions } = useServices();

  const show = (listed: ShareAnswer<ShareView[]>) => ('ok' in listed ? setShares(listed.ok) : setProblem(listed.problem));
  const refresh = async () => show(await actions.list(row.sessionId));
  // who joins and leaves shows as it happens: the server pushes the list on every change
  useEffect(() => actions.follow(row.sessionId, show), [row.sessionId]);

  /** One step at a time: its problem shown, then the list read again. */
  const act = async (step: () => Promise<ShareAnswer<unknown>>) => {
    setProblem(undefined);
    const done = await step();
    if ('problem' in done) setProblem(done.problem);
    await refresh();
  };

  const missingPeople = team && words(users).length === 0 && words(groups).length === 0;
  const make = () =>
    act(async () => {
      const made = await actions.make(row.sessionId, { role, expiresIn, ...(team && words(users).length ? { users: words(users) } : {}), ...(team && words(groups).length ? { groups: words(groups) } : {}) });
      if ('ok' in made) {
        setLink(made.ok);
        setCopied(false);
      }
      return made;
    });

  return (
    <ModalForm
      class="exec-dialog share-dialog"
      titleId="share-title"
      title={`Share ${row.target.container} (${row.sessionId})`}
      runLabel="Make link"
      cancelLabel="Close"
      {...(missingPeople ? { problem: { text: 'Name the people or groups who may use the link.', shown: true } } : {})}
      onClose={props.onClose}
      focusAfter={props.focusAfter}
      onRun={() => void make()}
    >
      <div class="field">
        <label for="share-role">Role</label>
        <select id="share-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as ShareRole)}>
          <option value="viewer">Viewer: watches</option>
          <option value="participant">Participant: watches and types</option>
        </select>
      </div>
      <div class="field">
        <label for="share-expiry">Expires after</label>
        <select id="share-expiry" value={String(expiresIn)} onChange={(e) => setExpiresIn(Number((e.target as HTMLSelectElement).value))}>
          {EXPIRIES.map((e) => (
            <option value={String(e.seconds)} key={e.seconds}>
              {e.label}
            </option>
          ))}
        </select>
      </div>
      {team && (
        <>
          <div class="field">
            <label for="share-users">People (their sign-in names)</label>
            <input id="share-users" value={users} placeholder="alice, bob@example.com" onInput={(e) => setUsers((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="share-groups">Groups</label>
            <input id="share-groups" value={groups} placeholder="sre" onInput={(e) => setGroups((e.target as HTMLInputElement).value)} />
          </div>
        </>
      )}
      {!team && <p class="muted">The link works in one browser only: the first to open it. It lets that browser see this terminal and nothing else.</p>}
      {link && (
        <div class="field share-link">
          <label for="share-link">Link (shown once)</label>
          <input id="share-link" readOnly value={link} onFocus={(e) => (e.target as HTMLInputElement).select()} />
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard.writeText(link).then(
                () => setCopied(true),
                () => setProblem('The browser gave no clipboard access: select the link and copy it with Ctrl+C.'),
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <ShareList shares={shares} act={act} row={row} onRefresh={() => void refresh()} />
    </ModalForm>
  );
}

function ShareList(props: { shares: ShareView[]; row: SessionRow; act: (step: () => Promise<ShareAnswer<unknown>>) => Promise<void>; onRefresh: () => void }) {
  const { shares, row, act } = props;
  const { shares: actions } = useServices();
  return (
    <section class="share-list" aria-label="Shares of this terminal">
      <h3>
        Shares <button type="button" onClick={props.onRefresh}>Refresh</button>
      </h3>
      {shares.length === 0 && <p class="muted">Not shared yet.</p>}
      <ul>
        {shares.map((share) => (
          <li key={share.shareId} data-share={share.shareId}>
            <span>
              {share.role} · {share.status === 'live' ? `until ${when(share.expiresAt)}${share.untilSignInEnds ? ' (when your sign-in ends: sooner than asked)' : ''}` : share.revokedBecause ? endedWithSignIn[share.revokedBecause] : share.status}
              {share.used === false && ' · not opened yet'}
              {(share.users ?? []).concat(share.groups?.map((g) => `group ${g}`) ?? []).length > 0 && ` · for ${[...(share.users ?? []), ...(share.groups ?? []).map((g) => `group ${g}`)].join(', ')}`}
            </span>
            {share.status === 'live' && (
              <button type="button" onClick={() => void act(() => actions.revoke(row.sessionId, share.shareId))}>
                Revoke
              </button>
            )}
            <ul>
              {share.watchers.map((w) => (
                <li key={w.who} data-watcher={w.who}>
                  <span>
                    {w.who}: {w.removed ? 'removed' : `${w.role}, ${w.watching ? 'watching now' : 'not watching'}`} (joined {when(w.joinedAt)})
                  </span>
                  {!w.removed && share.status === 'live' && (
                    <>
                      <button type="button" onClick={() => void act(() => actions.change(row.sessionId, share.shareId, { who: w.who, role: w.role === 'viewer' ? 'participant' : 'viewer' }))}>
                        {w.role === 'viewer' ? 'Let type' : 'Make viewer'}
                      </button>
                      <button type="button" onClick={() => void act(() => actions.change(row.sessionId, share.shareId, { who: w.who, remove: true }))}>
                        Remove
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
