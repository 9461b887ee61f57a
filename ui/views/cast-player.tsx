// A recording played in the page with asciinema-player: its own controls play, pause, seek (the
// progress bar, the arrow keys) and go full screen; the speed is chosen beside it. The cast is
// text the page fetched (the API's cookie goes with that call), handed to the player as data.
// The player (its terminal is WebAssembly) is loaded the first time one plays: scripts/build-ui.ts.
// It has no way to change speed while it plays, so a new speed makes a new player, started where
// the old one was and playing if it played: a person changing speed mid-way does not lose the place.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Player } from 'asciinema-player';

const SPEEDS = [0.5, 1, 2, 4, 8];

/** where a player was when it made way for one at another speed */
interface Place {
  cast: string;
  seconds: number;
  playing: boolean;
}

export function CastPlayer(props: { cast: string; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [speed, setSpeed] = useState(1);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const place = useRef<Place | undefined>(undefined);
  useEffect(() => {
    let player: Player | undefined;
    let playing = false;
    let gone = false;
    const from = place.current?.cast === props.cast ? place.current : undefined;
    import('asciinema-player').then(
      (AsciinemaPlayer) => {
        if (gone) return;
        // Play means play: a new cast starts at once; one made anew for a speed plays only if the old one did (below)
        const started = AsciinemaPlayer.create({ data: props.cast }, host.current!, { fit: 'width', controls: true, speed, preload: true, autoPlay: !from });
        started.addEventListener('playing', () => (playing = true));
        for (const stop of ['pause', 'ended'] as const) started.addEventListener(stop, () => (playing = false));
        player = started;
        // a seek draws the place even while paused (startAt draws nothing until it plays)
        if (from) void started.seek(from.seconds).then(() => from.playing && started.play());
      },
      () => setProblem('The player could not be loaded from octant-exec: reload the page (was the server updated?), or download the .cast.'),
    );
    return () => {
      gone = true;
      if (player) place.current = { cast: props.cast, seconds: player.getCurrentTime() ?? from?.seconds ?? 0, playing };
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
