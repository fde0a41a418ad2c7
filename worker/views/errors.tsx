// What a failure looks like: a fragment for htmx to show in place, or a small page (inside the
// layout) with links to the live scenarios. Messages never echo the request.

import type { Scenario } from '../../scenarios/types';
import { urlsFor } from '../../ui/urls';

export function ErrorFragment(props: { status: number; message: string }) {
  return (
    <div class="error-fragment" role="alert">
      {props.status === 503 ? props.message : `${props.status}: ${props.message}`}
    </div>
  );
}

export function ErrorBody(props: {
  status: number;
  message: string;
  scenarios: readonly Scenario[];
}) {
  return (
    <main class="error-page">
      <h1>{props.status === 503 ? 'The database is unreachable' : `${props.status}`}</h1>
      <p>{props.message}</p>
      <p>The live scenarios:</p>
      <ul>
        {props.scenarios.map((s) => (
          <li>
            <a href={urlsFor(s.id).page()}>{s.title}</a> — {s.description}
          </li>
        ))}
      </ul>
    </main>
  );
}
