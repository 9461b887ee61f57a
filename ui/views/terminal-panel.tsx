// One terminal's panel: its state and what can be done with it (restart, download, search, the
// right-click menu), a big paste's progress, and the screen itself, which the terminal layer owns;
// this view only gives it a place and a size.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, isEnded, restartOffReason, runsTextWithMode } from '../state/app-state.ts';
import { signedIn, watchedOwner } from '../state/team.ts';
import { offReason } from '../state/outage.ts';
import { useServerButton } from './server-button.ts';
import { useExecGate } from './permission.tsx';
import { useAppState, useServices } from './context.ts';
import { download } from './format.ts';
import { DownloadDialog, UploadDialog } from './files-dialog.tsx';
import { TransferList } from './transfer-list.tsx';
import { TerminalMenu } from './terminal-menu.tsx';
import { ShareDialog } from './share-dialog.tsx';
import { EndTerminal } from './end-terminal.tsx';
import { useIdleCountdown } from './idle-countdown.tsx';
import { panelAnnouncement } from './panel-announcement.ts';
import { cutShortWords, type InputProgress } from '../terminal/input-queue.ts';
import { RecordingBadge, RecordingControls } from './recording-controls.tsx';

export function TerminalPanel(props: {
  row: SessionRow;
  /** the screen takes the focus when it mounts (a tab clicked, a terminal opened); not when the arrow keys moved along the tabs */
  takeFocus: boolean;
}) {
  const { row } = props;
  const { terminals, actions } = useServices();
  const host = useRef<HTMLDivElement>(null);
  const searchField = useRef<HTMLInputElement>(null);
  const [searching, setSearching] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<boolean | undefined>(undefined);
  const b = badge(row);
  const countdown = useIdleCountdown(row);
  const ended = isEnded(row);
  const state = useAppState();
  const owner = watchedOwner(state, row);
  const restartOff = restartOffReason(state, row);
  const serverButton = useServerButton();
  const { transfers } = useServices();
  const [filesDialog, setFilesDialog] = useState<{ kind: 'upload'; files?: File[] } | { kind: 'download' } | undefined>(undefined);
  const [dropping, setDropping] = useState(false);
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | undefined>(undefined);
  const [clipboardProblem, setClipboardProblem] = useState<string | undefined>(undefined);
  const [pasting, setPasting] = useState<InputProgress | undefined>(undefined);
  const [sharing, setSharing] = useState(false);
  // files go to a running container, by its owner (a watcher may not act in it)
  const canCopy = !owner && !ended;
  // a file dropped while the server cannot be asked is refused where it is dropped, not in a dialog
  const canDrop = canCopy && !offReason(state.connection);
  const inputHeld = !owner && !ended && state.inputHeld.includes(row.sessionId);
  // a dialog whose button went with the terminal's run (Upload…, Share…: a live terminal's) gives the
  // focus to what the panel offers now, Restart, else to the terminal's tab: never to <body>
  const restartButton = useRef<HTMLButtonElement>(null);
  const focusAfterDialog = () => (restartButton.current && !restartButton.current.disabled ? restartButton.current : document.getElementById(`tab-${row.sessionId}`));
  const mine = state.transfers.filter((t) => t.target.namespace === row.target.namespace && t.target.pod === row.target.pod && t.target.container === row.target.container);

  // Give the screen its place; keep it fitted as the panel changes size. In the commit that shows
  // the panel, not a frame later: keys typed as soon as it shows would go to the page meanwhile.
  useLayoutEffect(() => {
    const session = terminals.get(row);
    const element = host.current!;
    session.mount(element);
    if (props.takeFocus) {
      session.focus();
      // the whole screen in view, its prompt line (the bottom) included: the pod's view above may fill the window
      element.scrollIntoView({ block: 'nearest' });
    }
    session.onSearchRequest(() => openSearch());
    session.pasting.onProgress(setPasting);
    const observer = new ResizeObserver(() => session.fit());
    observer.observe(element);
    return () => {
      observer.disconnect();
      session.onSearchRequest(undefined);
      session.pasting.onProgress(undefined);
      session.unmount();
    };
  }, [row.sessionId]);

  // in the commit that shows the field, not in an effect a frame later: a key pressed meanwhile (an
  // Escape to close it at once) would go to <body>, where the menu that opened it left the focus
  useLayoutEffect(() => {
    if (searching) searchField.current?.focus();
  }, [searching]);
  /** Shows the search field with the focus in it; one shown already takes the focus. */
  const openSearch = () => (searchField.current ? searchField.current.focus() : setSearching(true));

  const find = (direction: 'next' | 'previous') => setFound(terminals.peek(row.sessionId)?.find(query, direction));
  const closeSearch = () => {
    setSearching(false);
    terminals.peek(row.sessionId)?.clearSearch();
    terminals.peek(row.sessionId)?.focus();
  };

  return (
    <div class="terminal-panel">
      {/* A bar button acts on the first click of a double click only: the buttons change with the
          terminal's state (Restart goes, Share… or Record comes to where it was), and the second
          click would act on what came, or undo the first (Record, Search) */}
      <div
        class="panel-bar"
        onClickCapture={(e) => {
          if (e.detail < 2) return;
          e.stopPropagation();
          e.preventDefault();
        }}
      >
        <span class={`badge tone-${b.tone}`} title={countdown ?? b.detail}>
          {b.text}
        </span>
        {countdown && (
          <span class="idle-countdown" role="timer">
            {countdown}
          </span>
        )}
        {/* always there, so a change is heard (panel-announcement.ts) */}
        <span class="visually-hidden panel-announcement" role="status">
          {panelAnnouncement(row, countdown !== undefined)}
        </span>
        <span class="argv" title="what runs">
          {runsTextWithMode(row)}
        </span>
        {!row.interactive && <span class="muted">(not interactive)</span>}
        <RecordingBadge row={row} long />
        {ended && row.interactive && !owner && <span class="muted">read-only</span>}
        {owner && (
          <span class="badge tone-warn" data-testid="read-only" title={`${owner}'s terminal: you watch it; what you type is not sent`}>
            read-only: watching {owner}
          </span>
        )}
        <span class="spacer" />
        {ended && !owner && (
          <button
            type="button"
            ref={restartButton}
            disabled={!!restartOff}
            {...(restartOff
              ? { title: restartOff }
              : serverButton(undefined, () => {
                  // the button goes once the terminal runs again: typing should reach the new run
                  terminals.peek(row.sessionId)?.focus();
                  void actions.restart(row.sessionId);
                }))}
          >
            Restart
          </button>
        )}
        {/* an admin ends another person's running terminal (offboarding); its owner closes their own */}
        <EndTerminal row={row} owner={!ended && signedIn(state)?.admin ? owner : undefined} focusAfter={focusAfterDialog} />
        {canCopy && row.interactive && (
          <button type="button" {...serverButton('Let someone watch this terminal, or type in it too, through a link', () => setSharing(true))}>
            Share…
          </button>
        )}
        {canCopy && (
          <>
            <button type="button" {...serverButton(`Put files into ${row.target.container} (or drop them on the terminal)`, () => setFilesDialog({ kind: 'upload' }))}>
              Upload…
            </button>
            <button type="button" {...serverButton(`Get a file or directory out of ${row.target.container}`, () => setFilesDialog({ kind: 'download' }))}>
              Download…
            </button>
          </>
        )}
        <RecordingControls row={row} mine={!owner} />
        <button type="button" aria-pressed={searching} title="Search the scrollback (Ctrl+Shift+F)" onClick={() => (searching ? closeSearch() : openSearch())}>
          Search
        </button>
        <button
          type="button"
          title="Save the transcript as a text file"
          onClick={() => {
            const text = terminals.peek(row.sessionId)?.transcript() ?? '';
            download(`${row.target.pod}-${row.target.container}-${row.sessionId}.txt`, text);
          }}
        >
          Save transcript
        </button>
      </div>
      <ModeNote row={row} />
      {searching && (
        <div class="search-bar" role="search">
          <label>
            <span class="visually-hidden">Find in terminal</span>
            <input
              ref={searchField}
              type="search"
              placeholder="Find in scrollback"
              value={query}
              onInput={(e) => {
                const q = (e.currentTarget as HTMLInputElement).value;
                setQuery(q);
                setFound(terminals.peek(row.sessionId)?.find(q, 'next'));
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  find(e.shiftKey ? 'previous' : 'next');
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  closeSearch();
                }
              }}
            />
          </label>
          <button type="button" onClick={() => find('previous')}>
            Previous
          </button>
          <button type="button" onClick={() => find('next')}>
            Next
          </button>
          {/* always there while searching, so a screen reader hears "no match" when it comes */}
          <span class="muted" role="status">
            {query && found === false ? 'no match' : ''}
          </span>
        </div>
      )}
      {(row.state === 'failed' || row.state === 'timedOut' || row.state === 'disconnected' || row.state === 'stopped') && b.detail && <p class={row.state === 'failed' ? 'panel-message error' : 'panel-message warn'}>{b.detail}</p>}
      <TransferList transfers={mine} />
      {pasting?.cut && (
        <p class="panel-message warn paste-cut" role="alert">
          {cutShortWords(pasting)}{' '}
          <button
            type="button"
            onClick={() => {
              // the focus back to the terminal, not to <body> with the button that had it
              terminals.peek(row.sessionId)?.focus();
              terminals.peek(row.sessionId)?.pasting.dismissCut();
            }}
          >
            Dismiss
          </button>
        </p>
      )}
      {pasting && !pasting.cut && (
        <p class="panel-message paste-progress" role="status">
          Pasting: {Math.floor((pasting.sent / pasting.total) * 100)}% sent (paced to what the server takes)…{' '}
          <button
            type="button"
            onClick={() => {
              terminals.peek(row.sessionId)?.focus(); // the button goes with the line
              terminals.peek(row.sessionId)?.pasting.cancel();
            }}
          >
            Stop pasting
          </button>
        </p>
      )}
      {inputHeld && (
        <p class="panel-message warn input-held" role="status">
          The program is not reading its input: what you type waits here, and goes to it once it reads again.
        </p>
      )}
      {clipboardProblem && (
        <p class="panel-message warn" role="alert">
          {clipboardProblem}{' '}
          <button
            type="button"
            onClick={() => {
              terminals.peek(row.sessionId)?.focus();
              setClipboardProblem(undefined);
            }}
          >
            Dismiss
          </button>
        </p>
      )}
      <div
        class={dropping ? 'terminal-area dropping' : 'terminal-area'}
        ref={host}
        onContextMenu={(e) => {
          e.preventDefault(); // ours instead of the browser's
          setMenuAt({ x: e.clientX, y: e.clientY });
        }}
        // Files dragged here are always taken from the browser (which would open a file dropped and
        // leave the page); where they cannot go (an ended or watched terminal, the server not to be
        // asked) the cursor says no and a drop does nothing
        onDragOver={(e) => {
          if (!e.dataTransfer?.types.includes('Files')) return;
          e.preventDefault();
          if (canDrop) setDropping(true);
          else e.dataTransfer.dropEffect = 'none';
        }}
        onDragLeave={() => setDropping(false)}
        onDrop={(e) => {
          setDropping(false);
          const files = [...(e.dataTransfer?.files ?? [])];
          if (files.length === 0) return;
          e.preventDefault();
          if (canDrop) setFilesDialog({ kind: 'upload', files });
        }}
      />
      {menuAt && (
        <TerminalMenu
          session={terminals.get(row)}
          at={menuAt}
          onSearch={openSearch}
          onProblem={setClipboardProblem}
          onClose={() => setMenuAt(undefined)}
        />
      )}
      {sharing && <ShareDialog row={row} team={!!state.info?.signedIn} onClose={() => setSharing(false)} focusAfter={focusAfterDialog} />}
      {filesDialog?.kind === 'upload' && (
        <UploadDialog
          row={row}
          {...(filesDialog.files ? { files: filesDialog.files } : {})}
          onClose={() => setFilesDialog(undefined)}
          focusAfter={focusAfterDialog}
          onRun={(dir, files) => {
            setFilesDialog(undefined);
            void transfers.upload(row, dir, files);
          }}
        />
      )}
      {filesDialog?.kind === 'download' && (
        <DownloadDialog
          row={row}
          onClose={() => setFilesDialog(undefined)}
          focusAfter={focusAfterDialog}
          onRun={(path) => {
            setFilesDialog(undefined);
            void transfers.download(row, path);
          }}
        />
      )}
    </div>
  );
}

/** What makes this terminal different from a plain exec, said plainly; the way to a debug container when no shell was found. */
function ModeNote(props: { row: SessionRow }) {
  const { row } = props;
  const { actions } = useServices();
  const gate = useExecGate(); // it starts a terminal, as Shell does
  const image = useAppState().info?.debugImages[0];
  if (row.mode?.kind === 'copy') {
    return (
      <p class="mode-note copy-note" data-testid="copy-note">
        This is a COPY of pod <b>{row.mode.source}</b> (pod {row.target.pod}, {row.target.container} kept alive, no probes, no labels): not the real pod. The copy is deleted when this terminal is closed or times out.
      </p>
    );
  }
  if (row.mode?.kind === 'debug') {
    return (
      <p class="mode-note" data-testid="debug-note">
        Debug container {row.debugContainer ?? '(starting)'} ({row.mode.image}) shares {row.target.container}'s processes: its files are under /proc/1/root. No prompt? Press Enter (a new debug container's shell printed it before this tab joined).
      </p>
    );
  }
  if (row.mode?.kind === 'attach') return <p class="mode-note">Attached to {row.target.container}'s main process: what it prints from now on shows here (no prompt? press Enter); closing this tab detaches and leaves it running (a container whose spec says stdinOnce gets no more input after the first attach ends).</p>;
  // only "auto" tried every shell: a chosen one missing (zsh in a bash image) is not an image without a shell
  const noShell = row.state === 'failed' && row.failure?.reason === 'commandNotFound' && 'shell' in row.command && row.command.shell === 'auto';
  if (!noShell || !image) return null;
  return (
    <p class="mode-note">
      No shell in this image.{' '}
      <button type="button" {...gate.props({ onClick: () => void actions.debug({ namespace: row.target.namespace, name: row.target.pod }, row.target.container, image) })}>
        Debug with {image}
      </button>
    </p>
  );
}
