// `octant-exec exec`'s last sentence for a terminal that was stopped on purpose: by its batch's
// cancel, by an admin (named, from the server's row, control characters made spaces), or for a
// reason a newer server has.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { outcomeOf } from '../../src/cli/terminal/session-end.ts';
import type { SessionRow } from '../../src/protocol/index.ts';

const stopped = (over: Partial<SessionRow>): SessionRow => ({ state: 'stopped', ...over }) as SessionRow;

test('a stopped terminal: why, and who when an admin ended it', () => {
  assert.equal(outcomeOf(stopped({ stopReason: 'batchCancelled' })), { code: 1, sentence: 'it was stopped: its batch was cancelled' });
  assert.equal(outcomeOf(stopped({ stopReason: 'endedByAdmin', stoppedBy: 'carol' })), { code: 1, sentence: 'it was ended by carol, an admin of octant-exec' });
  assert.equal(outcomeOf(stopped({ stopReason: 'endedByAdmin', stoppedBy: 'car\u001b[2Jol' })), { code: 1, sentence: 'it was ended by car [2Jol, an admin of octant-exec' });
  assert.equal(outcomeOf(stopped({ stopReason: 'endedByAdmin' })), { code: 1, sentence: 'it was ended by an admin of octant-exec' });
  assert.equal(outcomeOf(stopped({ stopReason: 'somethingNewer' as 'batchCancelled' })), { code: 1, sentence: 'it was stopped' });
});

test.run();
