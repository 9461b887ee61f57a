// The page a share link opens (docs/ui.md, "The shared page"): just the shared terminal (its screen
// as it is, then live), a banner that says who shared it, as what and until when, and a clear page
// when the link cannot be used (expired, revoked, opened in another browser, wrong). A local link's
// secret is read from the fragment, removed from the address bar at once, and traded once for the
// cookie that lets this browser (and no other) in.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SharedReply, ShareRole } from '../../src/protocol/index.ts';
import { SocketClient } from '../../src/protocol/socket-client.ts';
import { api, ApiError } from '../protocol/http-client.ts';
import { TerminalSession } from '../terminal/terminal-session.ts';

type Opened = { kind: 'opening' } | { kind: 'refused'; message: string } | { kind: 'open'; shared: SharedReply };

export function startSharedPage(root: HTMLElement): void {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const id = fragment.get('id') ?? new URLSearchParams(location.search).get('id') ?? undefined;
  const secret = fragment.get('s') ?? undefined;
  // The secret must not stay in the address bar, the history or a bookmark; the id may (a reload needs it).
  history.replaceState(null, '', id ? `/share?id=${encodeURIComponent(id)}` : '/share');
  root.textContent = '';
  render(<SharedPage opening={openShare(id, secret)} />, root);
}

async function openShare(id: string | undefined, secret: string | undefined): Promise<SharedReply> {
  if (id && secret) {
    try {
      await api.shareSignIn(id, secret);
    } catch (error) {
      // this browser may have opened the link before (a reload that kept the fragment): its cookie still lets it in
      return api.shared(id).catch(() => Promise.reject(error));
    }
  }
  return api.shared(id);
}

function SharedPage(props: { opening: Promise<SharedReply> }) {
  const [opened, setOpened] = useState<Opened>({ kind: 'opening' });
  useEffect(() => {
    props.opening.then(
      (shared) => setOpened({ kind: 'open', shared }),
      (error: unknown) => setOpened({ kind: 'refused', message: error instanceof ApiError ? error.message : String(error) }),
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
  return <SharedTerminal shared={opened.shared} />;
}

function SharedTerminal(props: { shared: SharedReply }) {
  const { shared } = props;
  const host = useRef<HTMLDivElement>(null);
  const [role, setRole] = useState<ShareRole>(shared.role);
  const [ended, setEnded] = useState<string | undefined>(undefined);
  const [finished, setFinished] = useState(false);

  useEffect(() => {
    const socket = new SocketClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`,
      // after a failed reconnect: go on only while the share still lets this page in
      mayRetry: () => api.shared(shared.shareId).then(
        () => true,
        (error: unknown) => !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      ),
    });
    const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const session = new TerminalSession(shared.session, socket, { dark, readOnly: shared.role === 'viewer', sizeFromOwner: true, fontSize: 14, copyOnSelect: false, webgl: false, zoom: () => {} });
    const stop = socket.onMessage((message) => {
      if (!('sessionId' in message) || message.sessionId !== shared.sessionId) return;
      if (message.type === 'shareRole') {
        session.setReadOnly(message.role === 'viewer');
        setRole(message.role);
      } else if (message.type === 'detached' && message.reason === 'shareEnded') {
        session.setReadOnly(true);
        setEnded(message.message ?? 'This share has ended.');
        document.title = 'Share ended — octant-exec';
      } else if (message.type === 'attached') {
        session.update(message.session);
        setFinished(!message.running);
      } else if (message.type === 'stream') {
        setFinished(message.state === 'closed');
      }
    });
    socket.connect();
    session.mount(host.current!);
    session.focus();
    const observer = new ResizeObserver(() => session.fit());
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      stop();
      session.dispose();
      socket.close();
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
            {role === 'viewer' ? ': you watch; what you type is not sent.' : ': what you type goes to the terminal, marked in the log as yours.'} Until {new Date(shared.expiresAt).toLocaleTimeString()}.
          </>
        )}
      </p>
      {finished && !ended && <p class="banner">The terminal has ended: its last screen stays here.</p>}
      <main class="shared-terminal" ref={host} />
    </div>
  );
}
