// The two sections a visitor explores by hand: a stream table's SQL as the engine stores it, and
// the original demo's psql examples, run read-only against the scenario's database.

import type { DefiningQuery } from '../../db/pgtrickle/definition';
import type { Example } from '../../scenarios/types';
import { type Column, Table } from '../../ui/ui';
import { urlsFor } from '../../ui/urls';

export function SqlBody(props: { name?: string; def?: DefiningQuery; picked?: boolean }) {
  return (
    <div class="panel-body" id="body-sql">
      {props.name && props.def ? (
        <>
          <p class="note">
            <code>{props.name}</code> · {props.def.mode} · {props.def.schedule ?? 'calculated'} · as
            stored by the engine (<code>pgtrickle.pgt_stream_tables.defining_query</code>)
            {props.picked === false ? ' · pick another in the graph or the status table' : ''}
          </p>
          <pre class="sql">
            <code>{props.def.query}</code>
          </pre>
          <Upkeep upkeep={props.def.upkeep} />
        </>
      ) : (
        <p class="empty">Pick a stream table in the graph or the status table to see its SQL.</p>
      )}
    </div>
  );
}

/** How the engine maintains the table: its delta SQL where it has one, else why it has none. */
function Upkeep({ upkeep }: { upkeep: DefiningQuery['upkeep'] }) {
  switch (upkeep.kind) {
    case 'delta': {
      const lines = upkeep.sql.split('\n').length;
      return (
        <details class="delta">
          <summary>
            How pg_trickle maintains it: the delta SQL it generates ({lines} lines, from{' '}
            <code>pgtrickle.explain_diff_sql()</code>)
          </summary>
          <p class="note">
            It reads only the captured changes of the sources (a range of the change buffers), and
            merges the rows that change into the table; the range is filled in at each refresh.
          </p>
          <pre class="sql">
            <code>{upkeep.sql}</code>
          </pre>
        </details>
      );
    }
    case 'recompute':
      return (
        <p class="note">
          {upkeep.why === 'TOP_K'
            ? 'A top-K table: pg_trickle recomputes the top rows at each refresh and merges them in, so there is no delta SQL to show.'
            : 'Refreshed FULL: pg_trickle recomputes the whole query at each refresh, so there is no delta SQL to show.'}
        </p>
      );
    case 'compat':
      return (
        <p class="note">
          Compatibility mode recomputes the whole query at every refresh. With pg_trickle, this
          panel also shows the delta SQL the engine generates to apply only what changed, read from{' '}
          <code>pgtrickle.explain_diff_sql()</code>.
        </p>
      );
    case 'unavailable':
      return <p class="note">How the engine maintains it: not shown, {upkeep.why}.</p>;
  }
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
              hx-get={urlsFor(props.scenario).tryQuery(e.id)}
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

const cell = (v: unknown) =>
  v === null
    ? 'NULL'
    : v instanceof Date
      ? v.toISOString()
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

export function TryResult(props: { rows: Record<string, unknown>[]; ms: number; limit: number }) {
  const first = props.rows[0];
  const columns: Column<Record<string, unknown>>[] = first
    ? Object.keys(first).map((c) => ({ label: c, cell: (r) => cell(r[c]) }))
    : [];
  return (
    <div>
      <p class="note">
        {props.rows.length > props.limit
          ? `first ${props.limit} rows`
          : `${props.rows.length} row${props.rows.length === 1 ? '' : 's'}`}{' '}
        · {props.ms.toFixed(0)} ms · read-only
      </p>
      {columns.length > 0 ? (
        <div class="scroll">
          <Table rows={props.rows.slice(0, props.limit)} columns={columns} />
        </div>
      ) : null}
    </div>
  );
}
