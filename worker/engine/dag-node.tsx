// What a stream table's node says, the same in the graph (dag.tsx) and in the narrow screens'
// list by level (DagList here): what its refreshes did, age, duration, rows changed of held.
import { changeRatio, refreshDid, type StreamTableStatus } from '../../db/pgtrickle/status';
import { fmt } from '../../scenarios/shared/format';
import { type DagLayout, PULSE_WINDOW_S } from './dag-layout';
import { msText, rowsText, shortMode } from './format';

export const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** What one stream table node says, the same in the graph and in the list. */
export function nodeFacts(s: StreamTableStatus | undefined) {
  // The mode it is configured for, and what its refreshes did when that differs (a FULL in
  // compatibility mode, an adaptive fallback, a top-K recompute): never DIFF for a FULL.
  const did = s ? refreshDid(s) : null;
  const mode =
    s && did && did !== s.refreshMode
      ? `${shortMode(s.refreshMode)}→${shortMode(did)}`
      : shortMode(s?.refreshMode ?? null);
  const ms = s?.lastDurationMs === null || !s ? '' : ` · ${msText(s.lastDurationMs)} ms`;
  const changed = s
    ? (s.lastRowsInserted ?? 0) + (s.lastRowsUpdated ?? 0) + (s.lastRowsDeleted ?? 0)
    : 0;
  const ratio = s ? changeRatio(s) : null;
  return {
    did,
    meta: `${mode} · ${fmt.ago(s?.lastRefreshAgeS ?? null)}${ms}`,
    rows:
      s?.lastAction && s.rowsHeld !== null
        ? `${fmt.int(changed)} of ${fmt.int(s.rowsHeld)} rows`
        : '',
    ratio,
    fresh: s?.lastRefreshAgeS !== null && (s?.lastRefreshAgeS ?? 99) < PULSE_WINDOW_S,
    title: `${s?.schedule ?? 'calculated'} · configured ${s?.refreshMode ?? '?'} · latest refresh did ${did ?? 'nothing yet'} · ${s?.status ?? ''} · ${s ? rowsText(s.lastRowsInserted, s.lastRowsUpdated, s.lastRowsDeleted) : ''}`,
  };
}

export const nodeClass = (s: StreamTableStatus | undefined, fresh: boolean, selected: boolean) =>
  [
    'node',
    'stream',
    `status-${(s?.status ?? 'unknown').toLowerCase()}`,
    fresh ? 'pulse' : '',
    selected ? 'selected' : '',
  ]
    .filter(Boolean)
    .join(' ');

export const sqlHref = (scenario: string, name: string) =>
  `/?scenario=${scenario}&node=${name}#sql`;

/** Rows changed over rows held, drawn (SVG attributes, not inline styles: the CSP holds). */
function RatioBar(props: { ratio: number | null }) {
  return (
    <svg class="ratio" viewBox="0 0 100 5" preserveAspectRatio="none" aria-hidden="true">
      <rect class="ratio-track" width="100" height="5" rx="2" />
      {props.ratio !== null ? (
        <rect
          class="ratio-fill"
          width={Math.max(1, props.ratio * 100).toFixed(1)}
          height="5"
          rx="2"
        />
      ) : null}
    </svg>
  );
}

/** The same graph for a narrow screen: levels top to bottom, what each table reads beside it. */
export function DagList(props: { layout: DagLayout; scenario: string; selected?: string }) {
  const { layout } = props;
  const levels = [...new Set(layout.nodes.map((n) => n.level))].sort((a, b) => a - b);
  const reads = (name: string) =>
    layout.edges.filter((e) => e.to.name === name).map((e) => e.from.name);
  return (
    <ol class="dag-list" aria-label="Dependency graph by level">
      {levels.map((l) => {
        const nodes = layout.nodes.filter((n) => n.level === l);
        return (
          <li class="dag-level">
            <p class="level-name">{l === 0 ? 'Base tables' : `Level ${l}`}</p>
            {l === 0 ? (
              <p class="sources">{nodes.map((n) => n.name).join(' · ')}</p>
            ) : (
              <ul>
                {nodes.map((n) => {
                  const f = nodeFacts(n.status);
                  return (
                    <li
                      class={nodeClass(n.status, f.fresh, props.selected === n.name)}
                      data-node={n.name}
                    >
                      <a href={sqlHref(props.scenario, n.name)} title={f.title}>
                        <strong>{n.name}</strong> <span class="meta">{f.meta}</span>
                        <RatioBar ratio={f.ratio} />
                        <span class="rows">{f.rows}</span>
                      </a>
                      <span class="reads">reads {reads(n.name).join(', ')}</span>
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
