// One attach, from its channels to the container's main process and back: the process's live
// output (from now on, no replay: that is what logs are for), stdin when asked, terminal sizes for
// a tty container. Detaching never ends the process. As containerd does it: when the client
// closes its stdin, the attach ends, except for a stdinOnce container without a terminal, whose
// stdin is closed instead while the attach goes on until the process ends. The status is
// Success whichever way it ends.
import type { ExecChannels } from '../transports/exec-channels.ts';
import type { ExecRequest } from '../exec/exec-request.ts';
import type { MainProcess, Viewer } from '../processes/main-process.ts';
import { execSuccess } from '../api/kube-status.ts';

export function runAttach(request: ExecRequest, stdinOnce: boolean, main: Promise<MainProcess>, channels: ExecChannels): void {
  let over = false;
  let detach: (() => void) | undefined;
  const end = (finish: boolean) => {
    if (over) return;
    over = true;
    detach?.();
    if (finish) channels.finish(execSuccess());
  };
  // Registered now, applied in order once the process is known (it usually is already).
  if (request.stdin) {
    channels.onStdin((chunk) => void main.then((m) => !over && m.write(chunk)));
    channels.onStdinEnd(() => void main.then((m) => (stdinOnce && !request.tty ? m.closeStdin() : end(true))));
  }
  if (request.tty) channels.onResize((size) => void main.then((m) => !over && m.resize(size)));
  // A client that vanishes has ended its stdin too: for stdinOnce, the process's goes with it.
  channels.onClientGone(() => {
    if (request.stdin && stdinOnce && !request.tty) void main.then((m) => m.closeStdin());
    end(false);
  });

  void main.then((m) => {
    if (over) return;
    if (!m.running) return end(true);
    const viewer: Viewer = {
      write: (stream, chunk) => {
        if (over) return true;
        if (stream === 'stdout') return request.stdout ? channels.stdout(chunk) : true;
        return request.stderr ? channels.stderr(chunk) : true;
      },
    };
    detach = m.attach(viewer);
    channels.onDrain(() => m.drained(viewer));
    void m.exited.then(() => end(true));
  });
}
