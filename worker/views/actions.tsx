// The visitor's controls: two or three named changes per scenario, each a button that posts to
// /actions/… (htmx), and what an action answers: what was done and its trace, or when to retry.

import type { Scenario } from '../../scenarios/types';
import { urlsFor } from '../../ui/urls';

export function ActionButtons(props: { scenario: Scenario }) {
  const { scenario } = props;
  return (
    <div class="actions">
      <ul class="action-list">
        {scenario.generator.actions.map((a) => (
          <li>
            <button
              type="button"
              class="action"
              hx-post={urlsFor(scenario.id).action(a.id)}
              hx-target="#action-result"
              hx-swap="innerHTML"
              hx-sync="closest .actions:drop"
              data-action={a.id}
            >
              {a.title}
            </button>
            <span class="muted">{a.says}</span>
          </li>
        ))}
      </ul>
      <div id="action-result" class="action-result" aria-live="polite" />
    </div>
  );
}

/** What an action did, and its trace, which keeps polling itself until every table has it. */
export function ActionDone(props: {
  scenario: string;
  title: string;
  done: { id: number; at: string; label: string; events: number };
}) {
  const { done } = props;
  return (
    <div class="action-done">
      <p>
        <strong>{props.title}:</strong> {done.label} — {done.events} event
        {done.events === 1 ? '' : 's'} written at {done.at.slice(11, 23)} UTC. Following it through
        the DAG:
      </p>
      <FollowPoller scenario={props.scenario} event={done.id} delayMs={300}>
        <p class="muted">waiting for the first refresh…</p>
      </FollowPoller>
    </div>
  );
}

export function ActionRefused(props: { perMinute: number; retryAfterS: number }) {
  return (
    <p class="notice" role="alert">
      The demo is busy: visitors together may make {props.perMinute} changes a minute to this
      scenario. Try again in {props.retryAfterS} s.
    </p>
  );
}

/**
 * A change followed through the DAG, asking again after `delayMs` (replacing itself) until the
 * trace is complete; without `delayMs` it stays as drawn.
 */
export function FollowPoller(props: {
  scenario: string;
  event: number | string;
  delayMs?: number;
  children: unknown;
}) {
  const polls = props.delayMs !== undefined;
  return (
    <div
      class="follow"
      hx-get={polls ? urlsFor(props.scenario).follow(props.event) : undefined}
      hx-trigger={polls ? `load delay:${props.delayMs}ms` : undefined}
      hx-swap={polls ? 'outerHTML' : undefined}
    >
      {props.children}
    </div>
  );
}
