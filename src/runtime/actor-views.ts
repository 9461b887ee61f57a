// What the inspector (GET /api/v1/snapshots) and the tests see of the actors: the supervisor's
// state and context, and each terminal's, as they are now.
import type { AnyActorRef, Snapshot } from 'xstate';

interface View {
  value: unknown;
  context: unknown;
}

export interface ActorViews {
  supervisor: View;
  terminals: Record<string, View>;
}

export function actorViews(supervisor: AnyActorRef): ActorViews {
  const snapshot = supervisor.getSnapshot() as Snapshot<unknown> & View & { children: Record<string, AnyActorRef | undefined> };
  const terminals: Record<string, View> = {};
  for (const [id, child] of Object.entries(snapshot.children)) {
    const childSnapshot = child?.getSnapshot() as (Snapshot<unknown> & View) | undefined;
    if (childSnapshot) terminals[id] = { value: childSnapshot.value, context: childSnapshot.context };
  }
  return { supervisor: { value: snapshot.value, context: snapshot.context }, terminals };
}
