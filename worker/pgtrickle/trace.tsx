// "Follow a change": one change (a visitor's action, or a moment of the generator's such as a
// burst) traced through the DAG — each stream table's pick-up time and the rows that refresh
// changed — and, over every generator tick of the last minutes, each stream table's freshness.
import type { Engine } from '../../db';
import {
  type EngineFreshnessRow,
  type EngineLatencyRow,
  FRESHNESS_REPORT_SQL,
  LATENCY_SQL,
  parseFreshnessReport,
  parseLatency,
} from '../../db/pgtrickle/activity';
import { featuresOf } from '../../db/pgtrickle/engine';
import {
  FOLLOW_S,
  freshnessByTable,
  LATEST_CHANGE_SQL,
  latestChangeRefreshesSql,
  type NodeFreshness,
  parseChanges,
  parseRefreshes,
  recentChangesSql,
  recentRefreshesSql,
  type Trace,
  type TraceStep,
  traceOf,
} from '../../db/pgtrickle/trace';
import { NO_ROWS_SQL } from '../../db/snapshot';
import { fmt } from '../../ui/format';
import { definePanel } from '../../ui/panel';
import { ChartData, Table } from '../../ui/ui';
import { shortMode } from './format';
import { nameCell } from './notes';

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
    const rows = freshnessByTable(parseChanges(r.changes), ctx.edges, parseRefreshes(r.refreshes));
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
                    label: 'Engine ms',
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
      'Engine ms: the p50 / p95 of how long the compatibility mode’s own full recomputations took (its commit_latency_stats(), as pg_trickle reports when commit timestamps are not tracked); it has no freshness() report.',
    );
  } else {
    said.push(
      latency === null
        ? `pg_trickle ${engine.version} does not measure latency itself (commit_latency_stats() is in newer releases): the seconds above are the demo's own.`
        : props.commitToVisible
          ? 'Engine ms: the engine’s own p50 / p95 (commit_latency_stats()), from the source transaction’s commit to the refresh that made it visible.'
          : 'Engine ms: the engine’s own p50 / p95 (commit_latency_stats()), refresh durations: commit timestamps are not tracked on this server (track_commit_timestamp).',
    );
    said.push(
      sla === null
        ? `It has no freshness report (freshness(), 0.90+).`
        : 'SLA: the engine’s freshness() status per table (the demo sets no freshness targets, so most say so).',
    );
  }
  return <p class="note">{said.join(' ')}</p>;
}
