// A recording played in the page with asciinema-player: its own controls play, pause, seek (the
// progress bar, the arrow keys) and go full screen; the speed is chosen beside it. The cast is
// text the page fetched (the API's cookie goes with that call), handed to the player as data.
// The player (its terminal is WebAssembly) is loaded the first time one plays: scripts/build-ui.ts.
import { useEffect, useRef, useState } from 'preact/hooks';

const SPEEDS = [0.5, 1, 2, 4, 8];

export function CastPlayer(props: { cast: string; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [speed, setSpeed] = useState(1);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  useEffect(() => {
    let player: { dispose(): void } | undefined;
    let gone = false;
    import('asciinema-player').then(
      (AsciinemaPlayer) => {
        if (!gone) player = AsciinemaPlayer.create({ data: props.cast }, host.current!, { fit: 'width', controls: true, speed, preload: true });
      },
      () => setProblem('The player could not be loaded from octant-exec: reload the page (was the server updated?), or download the .cast.'),
    );
    return () => {
      gone = true;
      player?.dispose();
    };
  }, [props.cast, speed]);
  return (
    <div class="cast-player" aria-label={`Player: ${props.title}`} role="region">
      <div class="cast-controls">
        <label>
          Speed{' '}
          <select value={String(speed)} onChange={(e) => setSpeed(Number((e.currentTarget as HTMLSelectElement).value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={String(s)}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <span class="muted">Space plays and pauses, ← → seek, f is full screen (click the player first).</span>
      </div>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <div ref={host} data-testid="cast-player" />
    </div>
  );
}
