// The page a share link opens (docs/ui.md, "The shared page"): just the shared terminal (its screen
// as it is, then live), a banner that says who shared it, as what and until when, and a clear page
// when the link cannot be used (expired, revoked, opened in another browser, wrong). Started by
// ui/shared-main.tsx, which opens the share and gives this view its screen.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SharedReply, ShareRole } from '../../src/protocol/index.ts';
import type { SharedScreen, SharedScreenEvents } from '../terminal/shared-screen.ts';
import { recordingBadge } from '../state/recordings.ts';
import { when } from './format.ts';
import { RecordingBadge } from './recording-controls.tsx';

type Opened = { kind: 'opening' } | { kind: 'refused'; message: string } | { kind: 'open'; shared: SharedReply };

type ScreenFor = (shared: SharedReply, events: SharedScreenEvents) => SharedScreen;

export function SharedPage(props: { opening: Promise<SharedReply>; screenFor: ScreenFor }) {
  const [opened, setOpened] = useState<Opened>({ kind: 'opening' });
  useEffect(() => {
    props.opening.then(
      (shared) => setOpened({ kind: 'open', shared }),
      (error: unknown) => setOpened({ kind: 'refused', message: (error as Error)?.message ?? String(error) }),
    );
  }, []);
  if (opened.kind === 'opening') return <p class="boot">Opening the shared terminal…</p>;
  if (opened.kind === 'refused') {
    document.title = 'Share link not usable — octant-exec';
    return (
      <main class="page signed-out shared-refused">
        <h1>This shared terminal cannot be opened</h1>
        <p role="alert" class="error">
          {opened.message}
        </p>
      </main>
    );
  }
  return <SharedTerminal shared={opened.shared} screenFor={props.screenFor} />;
}

function SharedTerminal(props: { shared: SharedReply; screenFor: ScreenFor }) {
  const { shared } = props;
  // a visitor must see recording start and stop, and whether keystrokes are kept: the row pushed to this page says
  const [recording, setRecording] = useState(shared.session.recording);
  const badge = recording && recordingBadge({ ...shared.session, recording });
  const host = useRef<HTMLElement>(null);
  const [role, setRole] = useState<ShareRole>(shared.role);
  const [ended, setEnded] = useState<string | undefined>(undefined);
  const [finished, setFinished] = useState(false);

  useEffect(() => {
    const screen = props.screenFor(shared, { role: setRole, ended: setEnded, finished: setFinished, row: (row) => setRecording(row.recording) });
    screen.mount(host.current!);
    const observer = new ResizeObserver(() => screen.fit());
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      screen.dispose();
    };
  }, [shared.sessionId]);

  const { target } = shared.session;
  document.title = `${ended ? 'Share ended' : `Shared: ${target.pod}/${target.container}`} — octant-exec`;
  return (
    <div class="app shared-page">
      <p class={ended ? 'banner error' : 'banner shared-banner'} role={ended ? 'alert' : 'status'} data-testid="shared-banner">
        {ended ?? (
          <>
            {shared.sharedBy} shared this terminal ({target.namespace}/{target.pod}, {target.container}) with you as a <b>{role}</b>
            {finished ? '.' : role === 'viewer' ? ': you watch; what you type is not sent.' : ': what you type goes to the terminal, marked in the log as yours.'} Until {when(shared.expiresAt)}.
          </>
        )}
      </p>
      {badge?.on && (
        <p class="banner recording-banner" role="status" data-testid="shared-recording">
          <RecordingBadge row={{ ...shared.session, recording: recording! }} /> {badge.detail}
        </p>
      )}
      {finished && !ended && <p class="banner">The terminal has ended: its last screen stays here.</p>}
      <main class="shared-terminal" ref={host} />
    </div>
  );
}
