// pods/log: the main process's output as kept, cut by tailLines and limitBytes, followed live
// until the process ends; refusals worded as the API server words them.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { request } from 'node:https';
import { apiRequest, startTestSandbox } from '../../support/sandbox.ts';
import { waitFor, withTimeout } from '../../support/wait.ts';
import { attachPath, openStream } from '../../support/sandbox-exec-client.ts';
import { mainProcessFixture } from './fixture.ts';

const sandbox = await startTestSandbox({ fixture: mainProcessFixture() });
test.after(() => sandbox.close());

const log = (pod: string, query = '', token?: string) => apiRequest(sandbox, `/api/v1/namespaces/demo/pods/${pod}/log${query}`, token ? { token } : {});

test('the whole log, the last lines, the first bytes', async () => {
  await waitFor(async () => (await log('chatty')).body.includes('done'), 'chatty to write its lines');
  const whole = await log('chatty');
  assert.is(whole.status, 200);
  assert.is(whole.headers['content-type'], 'text/plain');
  assert.is(whole.body, '1\n2\n3\n4\n5\ndone\n');
  assert.is((await log('chatty', '?tailLines=2')).body, '5\ndone\n');
  assert.is((await log('chatty', '?limitBytes=3')).body, '1\n2');
});

test('both streams of an ended process, and follow of an ended process returns at once', async () => {
  const body = await waitFor(async () => {
    const text = (await log('exits', '?follow=true')).body;
    return text.includes('err-9') && text;
  }, 'both lines of the exits pod');
  assert.ok(body.includes('out-6'));
});

test('follow streams new output as it comes', async () => {
  const followed: Buffer[] = [];
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    const req = request(`${sandbox.server}/api/v1/namespaces/demo/pods/echoer/log?container=loop&follow=true`, { ca: sandbox.caPem, headers: { Authorization: `Bearer ${sandbox.token}` } }, resolve);
    req.on('error', reject);
    req.end();
  });
  res.on('data', (chunk: Buffer) => followed.push(chunk));
  const typist = await openStream(sandbox, attachPath({ namespace: 'demo', pod: 'echoer', container: 'loop', stdin: true }));
  typist.send(0, 'followed-line\n');
  await waitFor(() => Buffer.concat(followed).toString().includes('got followed-line'), 'the new line on the followed log');
  res.destroy();
  typist.ws.close();
  await withTimeout(typist.closed, 5000, 'the attach to close');
});

test('refusals: a container to choose, an unknown one, a waiting one, previous, bad numbers', async () => {
  const message = async (pod: string, query: string) => {
    const res = await log(pod, query);
    return `${res.status} ${JSON.parse(res.body).message}`;
  };
  assert.is(await message('echoer', ''), '400 a container name must be specified for pod echoer, choose one of: [loop quiet]');
  assert.is(await message('echoer', '?container=nope'), '400 container nope is not valid for pod echoer');
  assert.is(await message('waiting', ''), '400 container "app" in pod "waiting" is waiting to start: CrashLoopBackOff');
  assert.is(await message('chatty', '?previous=true'), '400 previous terminated container "app" in pod "chatty" not found');
  assert.match(await message('chatty', '?tailLines=-1'), /^400 tailLines: Invalid value: "-1"/);
  assert.is(await message('nope', ''), '404 pods "nope" not found');
});

test('authorized as get on pods/log', async () => {
  assert.is((await log('chatty', '', sandbox.users.viewer.token)).status, 200);
});

test.run();
