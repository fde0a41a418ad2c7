// What a stream table's node says, the same in the graph (dag.tsx) and in the narrow screens'
// list by level (DagList here): what its refreshes did, age, duration, rows changed of held.

import type { ProofView } from '../../db/demo/proof';
import { changeRatio, refreshDid, type StreamTableStatus } from '../../db/pgtrickle/status';
import { fmt } from '../../ui/format';
import type { ScenarioUrls } from '../../ui/urls';
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

/**
 * What the live proof says of one node (db/demo/proof.ts): its latest conclusive check, or that
 * the latest round could not check it. `data-proof` is the latest round's word (unchecked when
 * that round could not decide, or before any), `data-proof-at` the time of the latest conclusive
 * check, for tools to read.
 */
export function proofFacts(p: ProofView | undefined, nowMs: number) {
  const ago = (ms: number | null) =>
    ms === null ? '' : fmt.ago(Math.max(0, (nowMs - ms) / 1000)).replace(' ago', '');
  const state = !p || p.latest === 'unchecked' || p.outcome === null ? 'unchecked' : p.outcome;
  const at = p?.atMs ? new Date(p.atMs).toISOString() : undefined;
  const diff = p ? p.missing + p.extra : 0;
  let text = 'not checked against its query yet';
  let long = text;
  if (p && p.outcome === 'differs' && state === 'differs') {
    text = `≠ ${fmt.int(diff)} row${diff === 1 ? '' : 's'} differ from its query`;
    long = `${text} (${fmt.int(p.missing)} missing, ${fmt.int(p.extra)} extra), checked ${ago(p.atMs)} ago`;
  } else if (p && p.outcome === 'equal' && state === 'equal') {
    text = `✓ matches its query · ${ago(p.atMs)} ago`;
    long = `matches its query as a multiset, checked ${ago(p.atMs)} ago`;
  } else if (p && p.outcome !== null) {
    const was = p.outcome === 'equal' ? 'matched' : `${fmt.int(diff)} rows differed`;
    text = `not checked now · ${was} ${ago(p.atMs)} ago`;
    long = `not checked this round (${p.why ?? 'no answer'}); ${was} ${ago(p.atMs)} ago`;
  } else if (p) {
    long = `not checked this round (${p.why ?? 'no answer'})`;
  }
  return { state, at, text, long };
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

/** What both drawings of the DAG take: the laid-out graph and what each node says. */
export interface DagProps {
  layout: DagLayout;
  urls: ScenarioUrls;
  selected?: string;
  proofs: ReadonlyMap<string, ProofView>;
  nowMs: number;
}

/** The same graph for a narrow screen: levels top to bottom, what each table reads beside it. */
export function DagList(props: DagProps) {
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
                  const p = proofFacts(props.proofs.get(n.name), props.nowMs);
                  return (
                    <li
                      class={nodeClass(n.status, f.fresh, props.selected === n.name)}
                      data-node={n.name}
                      data-proof={p.state}
                      data-proof-at={p.at}
                    >
                      <a href={props.urls.nodeSql(n.name)} title={f.title}>
                        <strong>{n.name}</strong> <span class="meta">{f.meta}</span>
                        <RatioBar ratio={f.ratio} />
                        <span class="rows">{f.rows}</span>
                        <span class={`proof proof-${p.state}`} title={p.long}>
                          {p.text}
                        </span>
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
