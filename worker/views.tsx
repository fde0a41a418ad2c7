import type { Engine } from '../db';
import type { Panel, Scenario } from '../scenarios/types';
import type { Snapshot, StreamTableStatus } from './data';

export function engineLabel(engine: Engine): string {
  if (engine.kind === 'pg_trickle') return `pg_trickle ${engine.version}`;
  if (engine.kind === 'compat') return 'compatibility mode — full refresh only';
  return 'no stream table engine installed';
}

export function EngineBadge(props: { engine: Engine; oob?: boolean }) {
  return (
    <span
      id="engine-badge"
      class={`badge engine-${props.engine.kind}`}
      hx-swap-oob={props.oob ? 'outerHTML' : undefined}
      title={
        props.engine.kind === 'compat'
          ? 'pg_trickle is not installed on this server: every refresh is a full recomputation, and no differential refresh happens.'
          : undefined
      }
    >
      {engineLabel(props.engine)}
    </span>
  );
}

export function AsOf(props: { asOf: Date; oob?: boolean }) {
  const iso = props.asOf.toISOString();
  return (
    <time id="as-of" datetime={iso} class="as-of" hx-swap-oob={props.oob ? 'outerHTML' : undefined}>
      data as of {iso.slice(11, 19)} UTC
    </time>
  );
}

/** A panel's inner body: the part a poll replaces. The chart canvas stays outside it. */
export function PanelBody(props: { panel: Panel; data: unknown; oob?: boolean }) {
  return (
    <div
      class="panel-body"
      id={`body-${props.panel.id}`}
      hx-swap-oob={props.oob ? 'outerHTML' : undefined}
    >
      {props.panel.render(props.data)}
    </div>
  );
}

/** "orders in the {window}" → "orders in the last 60 min". */
export function noteText(note: string, retentionMinutes: number): string {
  const window =
    retentionMinutes % 60 === 0 && retentionMinutes >= 120
      ? `last ${retentionMinutes / 60} h`
      : `last ${retentionMinutes} min`;
  return note.replaceAll('{window}', window);
}

export function PanelShell(props: { panel: Panel; retentionMinutes: number; children: unknown }) {
  const { panel } = props;
  return (
    <section
      class={`panel${panel.span === 2 ? ' wide' : ''}`}
      id={`panel-${panel.id}`}
      aria-labelledby={`title-${panel.id}`}
    >
      <header>
        <h2 id={`title-${panel.id}`}>{panel.title}</h2>
        {panel.note ? <p class="note">{noteText(panel.note, props.retentionMinutes)}</p> : null}
      </header>
      {panel.chart ? (
        <div class="chart-box">
          <canvas
            id={`chart-${panel.id}`}
            data-chart-type={panel.chart}
            role="img"
            aria-label={`${panel.title} chart`}
          />
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

const ageText = (s: number | null) =>
  s === null ? 'not yet' : s < 60 ? `${s.toFixed(1)} s ago` : `${Math.round(s / 60)} min ago`;

export function StatusTable(props: { rows: StreamTableStatus[]; engine: Engine }) {
  if (props.rows.length === 0) return <p class="empty">No stream tables found.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Stream table</th>
          <th scope="col">Mode</th>
          <th scope="col">Schedule</th>
          <th scope="col">Status</th>
          <th scope="col">Refreshed</th>
          <th scope="col">Last refresh</th>
          <th scope="col" class="num">
            Rows +/−
          </th>
          <th scope="col" class="num">
            ms
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>
              <code>{r.name}</code>
            </td>
            <td>{r.refreshMode}</td>
            <td>{r.schedule ?? 'calculated'}</td>
            <td>
              <span class={`status status-${r.status.toLowerCase()}`}>{r.status}</span>
            </td>
            <td>{ageText(r.lastRefreshAgeS)}</td>
            <td>
              {r.lastAction ?? '–'}
              {r.lastAction === 'FULL' && props.engine.kind === 'compat' ? (
                <span class="muted"> (compat)</span>
              ) : null}
            </td>
            <td class="num">
              +{r.lastRowsInserted} / −{r.lastRowsDeleted}
            </td>
            <td class="num">{r.lastDurationMs === null ? '–' : r.lastDurationMs.toFixed(1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatusBody(props: { snapshot: Snapshot; oob?: boolean }) {
  const { snapshot } = props;
  return (
    <div class="panel-body" id="body-status" hx-swap-oob={props.oob ? 'outerHTML' : undefined}>
      {snapshot.engine.kind === 'compat' ? (
        <p class="notice">
          Compatibility mode: this server has no pg_trickle, so every refresh is a full
          recomputation (action FULL). Row counts are the real differences between old and new
          contents.
        </p>
      ) : null}
      <StatusTable rows={snapshot.status} engine={snapshot.engine} />
    </div>
  );
}

export function pollUrl(scenario: Scenario): string {
  return `/fragments/all?scenario=${encodeURIComponent(scenario.id)}`;
}

/** Everything a poll swaps, as out-of-band fragments. */
export function AllFragments(props: { snapshot: Snapshot }) {
  const { snapshot } = props;
  return (
    <>
      <EngineBadge engine={snapshot.engine} oob />
      <AsOf asOf={snapshot.asOf} oob />
      {snapshot.panels.map(({ panel, data }) => (
        <PanelBody panel={panel} data={data} oob />
      ))}
      <StatusBody snapshot={snapshot} oob />
    </>
  );
}

export function Page(props: { snapshot: Snapshot; scenarios: readonly Scenario[] }) {
  const { snapshot } = props;
  const s = snapshot.scenario;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark light" />
        <meta
          name="htmx-config"
          content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'
        />
        <title>{`${s.title} · pg_trickle live demo`}</title>
        <meta name="description" content={s.description} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/app.css" />
      </head>
      <body>
        <header class="top">
          <div class="brand">
            <h1>
              pg_trickle <span>live demo</span>
            </h1>
            <p class="tagline">{s.description}</p>
          </div>
          <nav aria-label="Scenarios">
            {props.scenarios.map((x) => (
              <a href={`/?scenario=${x.id}`} aria-current={x.id === s.id ? 'page' : undefined}>
                {x.title}
              </a>
            ))}
          </nav>
          <div class="meta">
            <EngineBadge engine={snapshot.engine} />
            <AsOf asOf={snapshot.asOf} />
          </div>
        </header>
        <div id="banner" class="banner" role="alert" hidden>
          Database unreachable — showing the last good data; retrying every 2 s.
        </div>
        <main class="grid">
          {snapshot.panels.map(({ panel, data }) => (
            <PanelShell panel={panel} retentionMinutes={snapshot.retentionMinutes}>
              <PanelBody panel={panel} data={data} />
            </PanelShell>
          ))}
          <section class="panel wide" id="panel-status" aria-labelledby="title-status">
            <header>
              <h2 id="title-status">Stream tables</h2>
              <p class="note">pgtrickle.pgt_status() and pgt_refresh_history</p>
            </header>
            <StatusBody snapshot={snapshot} />
          </section>
        </main>
        <div
          id="poller"
          hx-get={pollUrl(s)}
          hx-trigger="every 2s"
          hx-swap="none"
          data-scenario={s.id}
        />
        <script src="/vendor/htmx.min.js" />
        <script src="/vendor/chart.umd.min.js" />
        <script src="/app.js" />
      </body>
    </html>
  );
}
