// `?user=NAME&running=true` on GET /sessions and GET /batches (docs/api.md): the rows of one person,
// or only those still running, of what the caller sees. An admin's lists hold every person's
// terminals and batches, ended ones included; what a client needs of one person (octant-exec
// people show) should not cost every person's history, in the answer nor in its memory.
import type { Person } from '../domain/person.ts';
import { nameProblem } from './auth/person-names.ts';
import { HttpError } from './replies.ts';

/** Whether a row (its owner, whether it runs) is asked for. */
export type ListFilter = (person: Person | undefined, running: boolean) => boolean;

export function listFilter(url: URL): ListFilter {
  const user = url.searchParams.get('user');
  const running = url.searchParams.get('running');
  if (user !== null) {
    const problem = nameProblem(user);
    if (problem) throw new HttpError(400, `user ${problem}: give a person's name as they sign in (or leave user out for everyone's).`);
  }
  if (running !== null && running !== 'true') throw new HttpError(400, 'running must be true (only the running ones), or left out for all.');
  return (person, isRunning) => (user === null || person?.user === user) && (running === null || isRunning);
}
