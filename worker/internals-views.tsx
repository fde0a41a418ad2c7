// The panels that show pg_trickle at work. In compatibility mode they say plainly what cannot be
// measured there instead of showing zeros as if they were measurements.
import type { Engine } from '../db';
import { fmt } from '../scenarios/shared/format';
import { ChartData } from '../scenarios/shared/ui';
import type { Example } from '../scenarios/types';
import { DagSvg, layoutDag } from './dag';
import type { Snapshot } from './data';
import {
  DURATIONS_NOT_RECORDED,
  durationsRecorded,
  msText as ms,
  rowsText,
  shortMode,
} from './engine-format';
import type { Internals } from './internals';

const oobAttr = (oob?: boolean) => (oob ? 'outerHTML' : undefined);

/** pg_trickle before refresh_reason (0.67) records an adaptive FULL fallback as DIFFERENTIAL. */
function FallbackCaveat(props: { engine: Engine }) {
  return props.engine.kind === 'pg_trickle' && !props.engine.features.refreshReason ? (
    <p class="note">
      This pg_trickle version records an adaptive fallback to FULL as DIFFERENTIAL in its history;
      what each table’s latest refresh really did is its effective mode (“Did” in the status table
      and in the latest row here). Top-K tables recompute their top K on every refresh (TOP_K).
    </p>
  ) : null;
}

function CompatNotice(props: { engine: Engine; children: unknown }) {
  return props.engine.kind === 'compat' ? <p class="notice">{props.children}</p> : null;
}

export function DagBody(props: {
  snapshot: Snapshot;
  internals: Internals;
  selected?: string;
  oob?: boolean;
}) {
  const layout = layoutDag(props.snapshot.status, props.internals.edges);
  return (
    <div class="panel-body dag-body" id="body-dag" hx-swap-oob={oobAttr(props.oob)}>
      <DagSvg
        layout={layout}
        scenario={props.snapshot.scenario.id}
        {...(props.selected ? { selected: props.selected } : {})}
      />
    </div>
  );
}

export function HistoryBody(props: { snapshot: Snapshot; internals: Internals; oob?: boolean }) {
  const rows = props.internals.history;
  const { engine } = props.internals;
  return (
    <div class="panel-body" id="body-history" hx-swap-oob={oobAttr(props.oob)}>
      {rows.length === 0 ? (
        <p class="empty">No refreshes yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Stream table</th>
              <th scope="col">Action</th>
              <th scope="col" class="num">
                Rows changed
              </th>
              <th scope="col" class="num">
                ms
              </th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr class={r.status === 'FAILED' ? 'failed' : undefined}>
                <td>{fmt.ago(r.ageS)}</td>
                <td>
                  <code>{r.name}</code>
                </td>
                <td>
                  {r.did}
                  {r.did !== r.action ? (
                    <span class="muted" title="the action as the engine recorded it">
                      {' '}
                      (recorded {shortMode(r.action)})
                    </span>
                  ) : null}
                  {r.reason ? <span class="muted"> {r.reason.toLowerCase()}</span> : null}
                  {r.status === 'RUNNING' ? <span class="tag"> running</span> : null}
                  {r.status === 'FAILED' ? (
                    <span class="tag bad" title={r.error ?? ''}>
                      {' '}
                      failed
                    </span>
                  ) : null}
                </td>
                <td class="num">{rowsText(r.rowsInserted, r.rowsUpdated, r.rowsDeleted)}</td>
                <td class="num">{ms(r.durationMs)}</td>
                <td class="muted">{r.initiatedBy?.toLowerCase() ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {durationsRecorded(engine) ? null : <p class="note">{DURATIONS_NOT_RECORDED}</p>}
      <FallbackCaveat engine={engine} />
    </div>
  );
}

export function EfficiencyBody(props: { snapshot: Snapshot; internals: Internals; oob?: boolean }) {
  const { engine, efficiency, series } = props.internals;
  const compat = engine.kind === 'compat';
  const timed = durationsRecorded(engine);
  return (
    <div class="panel-body" id="body-efficiency" hx-swap-oob={oobAttr(props.oob)}>
      <ChartData
        labels={series.map((p) => p.minute)}
        datasets={[
          { label: 'DIFFERENTIAL refreshes / min', data: series.map((p) => p.diff) },
          { label: 'FULL refreshes / min', data: series.map((p) => p.full) },
          // A fixed set of series per scenario (the chart is updated in place).
          ...(efficiency.some((r) => r.topK)
            ? [{ label: 'TOP_K recomputes / min', data: series.map((p) => p.topK) }]
            : []),
        ]}
      />
      <CompatNotice engine={engine}>
        Compatibility mode: no differential refresh happens here, so there is no DIFF time and no
        speedup to measure — those columns stay empty rather than show zeros. Change ratios are
        real: rows that changed per refresh over the rows in the table.
      </CompatNotice>
      {!compat && !timed ? <p class="note">{DURATIONS_NOT_RECORDED}</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Stream table</th>
            <th scope="col">Mode</th>
            <th scope="col" class="num">
              DIFF
            </th>
            <th scope="col" class="num">
              FULL
            </th>
            <th scope="col" class="num">
              avg DIFF ms
            </th>
            <th scope="col" class="num">
              avg FULL ms
            </th>
            <th scope="col" class="num">
              Change ratio
            </th>
            <th scope="col" class="num">
              Speedup
            </th>
          </tr>
        </thead>
        <tbody>
          {efficiency.map((r) => {
            const did = r.topK ? 'TOP_K' : compat ? 'FULL' : r.effectiveMode;
            return (
              <tr>
                <td>
                  <code>{r.name}</code>
                </td>
                <td>
                  {shortMode(r.refreshMode)}
                  {did && did !== r.refreshMode && did !== 'NO_DATA' ? (
                    <span class="muted"> → {shortMode(did)}</span>
                  ) : null}
                </td>
                <td class="num">{compat ? 'n/a' : fmt.int(r.diffCount)}</td>
                <td class="num">{fmt.int(r.fullCount)}</td>
                <td class="num">{compat ? 'n/a' : ms(r.avgDiffMs)}</td>
                <td class="num">{ms(r.avgFullMs)}</td>
                <td class="num">{r.avgChangeRatio === null ? '—' : r.avgChangeRatio.toFixed(3)}</td>
                <td class="num">{compat ? 'n/a' : (r.speedup ?? '—')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FallbackCaveat engine={engine} />
    </div>
  );
}

export function AdvisorBody(props: { snapshot: Snapshot; internals: Internals; oob?: boolean }) {
  const { advice, adviceError } = props.internals;
  // One reason for every table (as in compatibility mode) is said once, not in every row.
  const reasons = new Set(advice.map((a) => a.reason));
  const shared = reasons.size === 1 ? [...reasons][0] : undefined;
  return (
    <div class="panel-body" id="body-advisor" hx-swap-oob={oobAttr(props.oob)}>
      <CompatNotice engine={props.snapshot.engine}>
        Compatibility mode: the refresh mode advisor needs pg_trickle's change buffers, so it can
        only say KEEP here. With the extension it weighs change ratios and timings per table.
      </CompatNotice>
      {adviceError ? <p class="notice">Advisor unavailable: {adviceError}.</p> : null}
      {shared && props.snapshot.engine.kind !== 'compat' ? <p class="note">{shared}</p> : null}
      {advice.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Stream table</th>
              <th scope="col">Now</th>
              <th scope="col">Last</th>
              <th scope="col">Advice</th>
              <th scope="col">Confidence</th>
              {shared ? null : <th scope="col">Why</th>}
            </tr>
          </thead>
          <tbody>
            {advice.map((a) => (
              <tr>
                <td>
                  <code>{a.name}</code>
                </td>
                <td>{a.currentMode}</td>
                <td>{a.effectiveMode ?? '—'}</td>
                <td>
                  <strong>{a.recommended}</strong>
                </td>
                <td>{a.confidence}</td>
                {shared ? null : <td class="wrap">{a.reason}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** Everything under pg_trickle's panels, in page order, for the page and for a poll. */
export function internalsBodies(
  snapshot: Snapshot,
  internals: Internals,
  oob: boolean,
  selected?: string,
) {
  return {
    dag: (
      <DagBody
        snapshot={snapshot}
        internals={internals}
        oob={oob}
        {...(selected ? { selected } : {})}
      />
    ),
    history: <HistoryBody snapshot={snapshot} internals={internals} oob={oob} />,
    efficiency: <EfficiencyBody snapshot={snapshot} internals={internals} oob={oob} />,
    advisor: <AdvisorBody snapshot={snapshot} internals={internals} oob={oob} />,
  };
}

export function SqlBody(props: {
  name?: string;
  def?: { query: string; mode: string; schedule: string | null };
}) {
  return (
    <div class="panel-body" id="body-sql">
      {props.name && props.def ? (
        <>
          <p class="note">
            <code>{props.name}</code> · {props.def.mode} · {props.def.schedule ?? 'calculated'} · as
            stored by the engine (<code>pgtrickle.pgt_stream_tables.defining_query</code>)
          </p>
          <pre class="sql">
            <code>{props.def.query}</code>
          </pre>
        </>
      ) : (
        <p class="empty">Pick a stream table in the graph or the status table to see its SQL.</p>
      )}
    </div>
  );
}

export function TryCards(props: { scenario: string; examples: readonly Example[] }) {
  return (
    <div class="try-grid">
      {props.examples
        .filter((e) => !e.writes)
        .map((e) => (
          <article class="try-card" id={`try-${e.id}`}>
            <h3>{e.title}</h3>
            <pre class="sql">
              <code>{e.sql}</code>
            </pre>
            {e.broken ? (
              <p class="notice">
                As printed in the original demo this fails ({e.broken.reason}); Run uses the
                corrected query.
              </p>
            ) : null}
            <button
              type="button"
              hx-get={`/fragments/try?scenario=${props.scenario}&q=${e.id}`}
              hx-target={`#try-result-${e.id}`}
              hx-swap="innerHTML"
              hx-sync="this:drop"
            >
              Run
            </button>
            <div class="try-result" id={`try-result-${e.id}`} aria-live="polite" />
          </article>
        ))}
    </div>
  );
}

export function TryResult(props: { rows: Record<string, unknown>[]; ms: number; limit: number }) {
  const cols = props.rows[0] ? Object.keys(props.rows[0]) : [];
  const cell = (v: unknown) =>
    v === null
      ? 'NULL'
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  return (
    <div>
      <p class="note">
        {props.rows.length > props.limit
          ? `first ${props.limit} rows`
          : `${props.rows.length} row${props.rows.length === 1 ? '' : 's'}`}{' '}
        · {props.ms.toFixed(0)} ms · read-only
      </p>
      {cols.length > 0 ? (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                {cols.map((c) => (
                  <th scope="col">{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.slice(0, props.limit).map((r) => (
                <tr>
                  {cols.map((c) => (
                    <td>{cell(r[c])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
