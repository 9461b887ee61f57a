// Why input for a session was dropped, said to whoever sent it: after stdin's end, between two
// Auto attempts past what is carried, past what may wait unsent (terminal-io.ts dropsInput), while
// it connects past what is held (connecting-input.ts), or when it does not run.
import { MAX_INPUT_WAITING } from '../runtime/terminal-io.ts';

export type InputRefusal = 'ended' | 'full' | 'unsent' | 'connecting' | 'notRunning';

export function droppedInput(sessionId: string, why: InputRefusal): string {
  switch (why) {
    case 'ended':
      return `Session ${sessionId}'s input has ended (an eof was sent): nothing after it reaches the program, so this was dropped.`;
    case 'full':
      return `Session ${sessionId} is starting its next shell, and more was typed meanwhile than is kept for it: this was dropped, and the terminal ends.`;
    case 'unsent':
      return `Session ${sessionId}'s program is not taking its input: ${MAX_INPUT_WAITING / 1024 / 1024} MiB already wait to reach it, so this was dropped. Send more once it reads (a client that waits while told inputHeld never meets this).`;
    case 'connecting':
      return `Session ${sessionId} is still connecting, and more was typed meanwhile than is kept for it: this was dropped.`;
    case 'notRunning':
      return `Session ${sessionId} is not running: restart it to type again.`;
  }
}
