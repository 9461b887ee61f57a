// A person opens Auto in a container without bash and types at once: the keys typed while it
// connects, and at the moment bash's stream opens (the sandbox, like a real cluster, says "not
// found" only after the stream is open), reach sh, the shell that runs. They were lost before
// (runtime/auto-shell-carried-keys has the rules, on a fake cluster).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, openExec, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp();
test.after(() => app.close());

test('keys typed while Auto connects and as bash\'s stream opens reach sh in a bash-less container', async () => {
  const tab = await StreamClient.open(app);
  const [id] = await openExec(app, { namespace: 'default', pod: 'alpine-tools', containers: ['tools'], command: { shell: 'auto' } });
  let typedAtOpen = false;
  // at once, not when a poll notices: the window before "not found" is short
  tab.ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary || typedAtOpen) return;
    const message = JSON.parse(data.toString('utf8'));
    if (message.type !== 'stream' || message.state !== 'opened' || message.sessionId !== id) return;
    typedAtOpen = true;
    tab.type(id, 'echo $((6*8))\r');
  });
  // typed as the attach is sent, not when its answer is noticed: a poll's delay let the stream
  // open first, and the keys typed at its opening went before these (CI under Deno saw 48 then 42)
  const attached = tab.attach(id);
  tab.type(id, 'echo $((6*7))\r');
  await attached;
  await waitFor(() => typedAtOpen, 'the first stream to open', 15_000);
  await tab.waitForText(id, /42\r\n[^]*48\r\n/);
  const states = tab.messages.flatMap((m) => (m.type === 'session' && m.session.sessionId === id ? [m.session.argv?.[0]] : []));
  assert.ok(states.includes('bash') && states.at(-1) === 'sh', `bash was tried first, then sh: ${JSON.stringify(states)}`);
  await tab.close();
});

test.run();
