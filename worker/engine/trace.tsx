// "Follow a change": one change (a visitor's action, or a moment of the generator's such as a
// burst) traced through the DAG — each stream table's pick-up time and the rows that refresh
// changed — and, over every generator tick of the last minutes, each stream table's freshness.
import type { Db, Engine } from '../../db';
import {
  type EngineFreshnessRow,
  type EngineLatencyRow,
  FRESHNESS_REPORT_SQL,
  LATENCY_SQL,
  parseFreshnessReport,
  parseLatency,
} from '../../db/pgtrickle/activity';
import { featuresOf } from '../../db/pgtrickle/engine';
import { type Edge, loadEdges, streamLevels } from '../../db/pgtrickle/status';
import {
  dependencyOrder,
  followChange,
  LATEST_CHANGE_SQL,
  latestChangeRefreshesSql,
  loadRefreshes,
  parseChanges,
  parseRefreshes,
  type RefreshRow,
  recentChangesSql,
  recentRefreshesSql,
  type TracedChange,
  type TraceStep,
} from '../../db/pgtrickle/trace';
import { NO_ROWS_SQL } from '../../db/snapshot';
import { fmt } from '../../scenarios/shared/format';
import { definePanel } from '../../scenarios/shared/panel';
import { percentile } from '../../scenarios/shared/stats';
import { ChartData, Table } from '../../scenarios/shared/ui';
import { shortMode } from './format';
import { nameCell } from './notes';

/** How long a change is followed before a table still waiting counts as not seen. */
export const FOLLOW_S = 60;

export interface Trace {
  change: TracedChange;
  steps: (TraceStep & { level: number })[];
  /** Every table that will pick it up has. */
  complete: boolean;
  ageS: number;
}

const streamNames = (edges: readonly Edge[]) => [...new Set(edges.map((e) => e.target))];

/** A change followed through the DAG, from refreshes already read (pure). */
export function traceOf(
  change: TracedChange,
  edges: readonly Edge[],
  refreshes: readonly RefreshRow[],
  nowMs: number,
): Trace {
  const order = dependencyOrder(streamNames(edges), edges);
  const level = streamLevels(order, edges);
  const steps = followChange(change, order, edges, refreshes).map((s) => ({
    ...s,
    level: level.get(s.name) ?? 1,
  }));
  const ageS = Math.max(0, (nowMs - change.at.getTime()) / 1000);
  return { change, steps, complete: !steps.some((s) => s.state === 'waiting'), ageS };
}

/** A change followed through the DAG, read now (one visitor's action: /fragments/follow). */
export async function traceChange(db: Db, engine: Engine, change: TracedChange): Promise<Trace> {
  const edges = await loadEdges(db);
  const at = change.at.getTime();
  const refreshes = await loadRefreshes(db, featuresOf(engine), at, at + FOLLOW_S * 1000);
  return traceOf(change, edges, refreshes, Date.now());
}

function stepText(s: TraceStep): string {
  if (s.state === 'reached') {
    const rows = s.rows === null ? '? rows' : `${fmt.int(s.rows)} row${s.rows === 1 ? '' : 's'}`;
    return `+${((s.ms ?? 0) / 1000).toFixed(2)} s · ${rows} changed · ${shortMode(s.action)}`;
  }
  if (s.state === 'waiting') return 'waiting for its refresh…';
  if (s.state === 'stopped') return 'nothing to pick up: its sources did not change';
  return 'does not read what changed';
}

/** A trace as a list in DAG order; app.js lights the DAG's nodes from its data attributes. */
export function TraceView(props: { trace: Trace | undefined; mine?: boolean }) {
  const t = props.trace;
  if (!t) return <p class="empty">No change to follow yet.</p>;
  const gaveUp = !t.complete && t.ageS > FOLLOW_S;
  const shown = t.steps.filter((s) => s.state !== 'unaffected');
  return (
    <div class="trace" data-trace={t.change.id} data-trace-mine={props.mine ? 'yes' : undefined}>
      <p class="trace-what">
        <strong>{t.change.label}</strong>{' '}
        <span class="muted">
          {t.change.source === 'visitor' ? 'a visitor’s action' : 'the generator'} ·{' '}
          {fmt.int(t.change.events)} event{t.change.events === 1 ? '' : 's'} into{' '}
          {t.change.tables.join(', ')} · {fmt.ago(t.ageS)}
        </span>
      </p>
      <ol class="trace-steps">
        {shown.map((s) => (
          <li
            class={`trace-${s.state}`}
            data-trace-node={s.name}
            data-trace-state={s.state}
            data-trace-label={s.state === 'reached' ? `+${((s.ms ?? 0) / 1000).toFixed(1)} s` : ''}
          >
            <span class="muted">L{s.level}</span> <code>{s.name}</code> {stepText(s)}
          </li>
        ))}
      </ol>
      {gaveUp ? (
        <p class="note">
          Some tables had no refresh within {FOLLOW_S} s of the change (is the scheduler running?).
        </p>
      ) : null}
    </div>
  );
}

export const tracePanel = definePanel<Trace | undefined, 'change' | 'refreshes'>({
  id: 'trace',
  title: 'Follow a change',
  note: 'the latest burst, sale, reprice or visitor action, from pgtrickle.pgt_refresh_history: when each table picked it up',
  lead: true,
  reads: ({ engine }) => ({
    change: LATEST_CHANGE_SQL,
    refreshes: latestChangeRefreshesSql(featuresOf(engine), FOLLOW_S),
  }),
  build: (r, ctx) => {
    const [change] = parseChanges(r.change);
    return change ? traceOf(change, ctx.edges, parseRefreshes(r.refreshes), ctx.nowMs) : undefined;
  },
  render: (t) => <TraceView trace={t} />,
});

interface NodeFreshness {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** Seconds of generator ticks the freshness panel covers. */
const FRESHNESS_WINDOW_S = 180;

/** The demo's own freshness per table, and the engine's own figures where it has them. */
export interface FreshnessView {
  rows: NodeFreshness[];
  /** commit_latency_stats() by table; null where the engine has no such function. */
  latency: Map<string, EngineLatencyRow> | null;
  /** freshness() by table; null where the engine has none. */
  sla: Map<string, EngineFreshnessRow> | null;
}

export const freshnessPanel = definePanel<
  FreshnessView,
  'changes' | 'refreshes' | 'latency' | 'sla'
>({
  id: 'freshness',
  title: 'Freshness per stream table',
  note: 'each generator tick of the last 3 min followed through the DAG: seconds from the write to the refresh that picked it up; beside it, what the engine measures itself',
  chart: 'bar',
  reads: ({ engine }) => {
    const f = featuresOf(engine);
    return {
      changes: recentChangesSql(FRESHNESS_WINDOW_S),
      refreshes: recentRefreshesSql(f, FRESHNESS_WINDOW_S),
      latency: f.commitLatency ? LATENCY_SQL : NO_ROWS_SQL,
      sla: f.freshnessReport ? FRESHNESS_REPORT_SQL : NO_ROWS_SQL,
    };
  },
  build: (r, ctx) => {
    const f = featuresOf(ctx.engine);
    const latency = f.commitLatency
      ? new Map(parseLatency(r.latency).map((x) => [x.name, x]))
      : null;
    const sla = f.freshnessReport
      ? new Map(parseFreshnessReport(r.sla).map((x) => [x.name, x]))
      : null;
    const changes = parseChanges(r.changes);
    if (changes.length === 0) return { rows: [], latency, sla };
    const { edges } = ctx;
    const order = dependencyOrder(streamNames(edges), edges);
    const refreshes = parseRefreshes(r.refreshes);
    const ms = new Map<string, number[]>(order.map((n) => [n, []]));
    for (const c of changes) {
      for (const s of followChange(c, order, edges, refreshes)) {
        if (s.state === 'reached' && s.ms !== null) ms.get(s.name)?.push(s.ms);
      }
    }
    const rows = order.map((name) => {
      const v = ms.get(name) ?? [];
      return {
        name,
        n: v.length,
        p50: v.length ? percentile(v, 50) : 0,
        p95: v.length ? percentile(v, 95) : 0,
        max: v.length ? Math.max(...v) : 0,
      };
    });
    return { rows, latency, sla };
  },
  render: ({ rows, latency, sla }, { engine }) => {
    const modes = new Set([...(latency?.values() ?? [])].map((l) => l.trackingMode));
    const commitToVisible = modes.size === 1 && modes.has('commit_timestamp');
    const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : fmt.int(v));
    return (
      <>
        <ChartData
          labels={rows.map((r) => r.name)}
          datasets={[
            {
              label: 'p50 (s)',
              data: rows.map((r) => Math.round(r.p50 / 10) / 100),
              tone: 'accent',
            },
            { label: 'p95 (s)', data: rows.map((r) => Math.round(r.p95 / 10) / 100), tone: 'warn' },
          ]}
          unit="s"
        />
        <Table
          rows={rows}
          empty="No generator ticks in the last 3 minutes."
          columns={[
            nameCell(),
            { label: 'Changes', numeric: true, cell: (r) => fmt.int(r.n) },
            { label: 'p50 s', numeric: true, cell: (r) => (r.n ? (r.p50 / 1000).toFixed(2) : '—') },
            { label: 'p95 s', numeric: true, cell: (r) => (r.n ? (r.p95 / 1000).toFixed(2) : '—') },
            { label: 'max s', numeric: true, cell: (r) => (r.n ? (r.max / 1000).toFixed(2) : '—') },
            ...(latency
              ? [
                  {
                    label: 'Engine p50/p95 ms',
                    numeric: true,
                    cell: (r: NodeFreshness) => {
                      const l = latency.get(r.name);
                      return l ? `${ms(l.p50Ms)} / ${ms(l.p95Ms)}` : '—';
                    },
                  },
                ]
              : []),
            ...(sla
              ? [
                  {
                    label: 'Engine SLA',
                    cell: (r: NodeFreshness) => sla.get(r.name)?.status ?? '—',
                  },
                ]
              : []),
          ]}
        />
        <EngineMeasuresNote
          engine={engine}
          latency={latency}
          sla={sla}
          commitToVisible={commitToVisible}
        />
      </>
    );
  },
});

/** What the engine's own columns are, or why they are absent (never a zero in their place). */
function EngineMeasuresNote(props: {
  engine: Engine;
  latency: FreshnessView['latency'];
  sla: FreshnessView['sla'];
  commitToVisible: boolean;
}) {
  const { engine, latency, sla } = props;
  if (engine.kind === 'none') return null;
  const said: string[] = [];
  if (engine.kind === 'compat') {
    said.push(
      'Compatibility mode: its commit_latency_stats() reports how long its own full recomputations took (as pg_trickle does when commit timestamps are not tracked); it has no freshness() report.',
    );
  } else {
    said.push(
      latency === null
        ? `pg_trickle ${engine.version} does not measure latency itself (commit_latency_stats() is in newer releases): the seconds above are the demo's own.`
        : props.commitToVisible
          ? 'The engine’s own figures (commit_latency_stats()): from the source transaction’s commit to the refresh that made it visible.'
          : 'The engine’s own figures (commit_latency_stats()) are refresh durations: commit timestamps are not tracked on this server (track_commit_timestamp).',
    );
    said.push(
      sla === null
        ? `It has no freshness report (freshness(), 0.90+).`
        : 'SLA: the engine’s freshness() status per table (the demo sets no freshness targets, so most say so).',
    );
  }
  return <p class="note">{said.join(' ')}</p>;
}
