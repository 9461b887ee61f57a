// The pods of the namespace (kept live by the socket's pod watch); each name links to its Pod view.
import { useAppState } from './context.ts';
import { age } from './format.ts';
import { AppLink } from './link.tsx';

export function PodList() {
  const state = useAppState();
  const { pods, route } = state;
  const terminalsOf = (pod: string) => state.sessions.order.filter((id) => state.sessions.byId[id]?.target.namespace === route.namespace && state.sessions.byId[id]?.target.pod === pod).length;
  return (
    <section class="page" aria-labelledby="pods-title">
      <h1 id="pods-title">
        Pods <span class="muted">in {route.namespace}</span>
      </h1>
      {pods.error && <p class="error">{pods.error}</p>}
      {!pods.loaded && <p class="muted">Loading pods…</p>}
      {pods.loaded && !pods.error && pods.list.length === 0 && <p class="muted">No pods in namespace {route.namespace}.</p>}
      {pods.list.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>Ready</th>
              <th>Phase</th>
              <th>Age</th>
              <th>Containers</th>
              <th>Terminals</th>
            </tr>
          </thead>
          <tbody>
            {pods.list.map((pod) => {
              const open = terminalsOf(pod.name);
              return (
                <tr key={pod.name}>
                  <td>
                    <AppLink to={{ page: 'pods', pod: pod.name }}>{pod.name}</AppLink>
                  </td>
                  <td>
                    {pod.ready.ready}/{pod.ready.total}
                  </td>
                  <td>
                    <span class={`phase phase-${pod.phase.toLowerCase()}`}>{pod.phase}</span>
                  </td>
                  <td title={pod.createdAt}>{age(pod.createdAt)}</td>
                  <td class="muted">
                    {pod.containers
                      .filter((c) => c.kind === 'regular')
                      .map((c) => c.name)
                      .join(', ')}
                  </td>
                  <td>{open > 0 ? open : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
