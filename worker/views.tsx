import type { Engine } from '../db';
import { fmt } from '../scenarios/shared/format';
import type { Panel, Scenario } from '../scenarios/types';
import { refreshDid, type Snapshot, type StreamTableStatus } from './data';
import { DURATIONS_NOT_RECORDED, durationsRecorded, msText, rowsText } from './engine-format';
import type { DefiningQuery } from './internals';
import { internalsBodies, SqlBody, TryCards } from './internals-views';

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

/** A dashboard section: title, small print, an optional chart canvas (never swapped), its body. */
export function Section(props: {
  id: string;
  title: string;
  note?: string | undefined;
  wide?: boolean | undefined;
  chart?: string | undefined;
  children: unknown;
}) {
  return (
    <section
      class={`panel${props.wide ? ' wide' : ''}`}
      id={`panel-${props.id}`}
      aria-labelledby={`title-${props.id}`}
    >
      <header>
        <h2 id={`title-${props.id}`}>{props.title}</h2>
        {props.note ? <p class="note">{props.note}</p> : null}
      </header>
      {props.chart ? (
        <div class="chart-box">
          <canvas
            id={`chart-${props.id}`}
            data-chart-type={props.chart}
            role="img"
            aria-label={`${props.title} chart`}
          />
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

export function PanelShell(props: { panel: Panel; retentionMinutes: number; children: unknown }) {
  const { panel } = props;
  return (
    <Section
      id={panel.id}
      title={panel.title}
      note={panel.note ? noteText(panel.note, props.retentionMinutes) : undefined}
      wide={panel.span === 2}
      chart={panel.chart}
    >
      {props.children}
    </Section>
  );
}

export function StatusTable(props: {
  rows: StreamTableStatus[];
  engine: Engine;
  scenario: string;
}) {
  if (props.rows.length === 0) return <p class="empty">No stream tables found.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Stream table</th>
          <th scope="col">Mode</th>
          <th scope="col">Did</th>
          <th scope="col">Schedule</th>
          <th scope="col">Status</th>
          <th scope="col">Refreshed</th>
          <th scope="col" class="num">
            Rows changed
          </th>
          <th scope="col" class="num">
            ms
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => {
          const did = refreshDid(r);
          return (
            <tr>
              <td>
                <a href={`/?scenario=${props.scenario}&node=${r.name}#sql`}>
                  <code>{r.name}</code>
                </a>
              </td>
              <td title={r.requestedMode ? `asked for ${r.requestedMode}` : undefined}>
                {r.refreshMode}
              </td>
              <td>
                {did ?? '–'}
                {props.engine.kind === 'compat' ? (
                  <span class="muted"> (compat)</span>
                ) : r.reason ? (
                  <span class="muted"> {r.reason.toLowerCase()}</span>
                ) : null}
              </td>
              <td>{r.schedule ?? 'calculated'}</td>
              <td>
                <span class={`status status-${r.status.toLowerCase()}`}>{r.status}</span>
              </td>
              <td>{fmt.ago(r.lastRefreshAgeS)}</td>
              <td class="num">
                {rowsText(r.lastRowsInserted, r.lastRowsUpdated, r.lastRowsDeleted)}
              </td>
              <td class="num">{msText(r.lastDurationMs)}</td>
            </tr>
          );
        })}
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
          recomputation (action FULL), whatever mode a table is configured for. Row counts are the
          real differences between old and new contents.
        </p>
      ) : null}
      {snapshot.engine.kind !== 'none' && !durationsRecorded(snapshot.engine) ? (
        <p class="note">{DURATIONS_NOT_RECORDED}</p>
      ) : null}
      <StatusTable
        rows={snapshot.status}
        engine={snapshot.engine}
        scenario={snapshot.scenario.id}
      />
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
      {snapshot.internals
        ? Object.values(internalsBodies(snapshot, snapshot.internals, true))
        : null}
    </>
  );
}

export interface PageProps {
  snapshot: Snapshot;
  scenarios: readonly Scenario[];
  /** The page's own URL (for Open Graph). */
  url: string;
  /** A stream table whose SQL is open (deep link ?node=). */
  node?: { name: string; def: DefiningQuery };
}

export function Page(props: PageProps) {
  const { snapshot } = props;
  const s = snapshot.scenario;
  const title = `${s.title} · pg_trickle live demo`;
  const bodies = snapshot.internals
    ? internalsBodies(snapshot, snapshot.internals, false, props.node?.name)
    : undefined;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="dark light" />
        <meta
          name="htmx-config"
          content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"timeout":8000}'
        />
        <title>{title}</title>
        <meta name="description" content={s.description} />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={title} />
        <meta property="og:description" content={s.description} />
        <meta property="og:url" content={props.url} />
        <meta property="og:site_name" content="pg_trickle live demo" />
        <meta name="twitter:card" content="summary" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the dashboard
        </a>
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
          </div>
        </header>
        <div id="banner" class="banner" role="alert" hidden>
          Database unreachable — showing the data as of <span id="banner-as-of">the last poll</span>
          ; retrying every 2 s.
        </div>
        <main class="grid" id="main">
          {snapshot.panels.map(({ panel, data }) => (
            <PanelShell panel={panel} retentionMinutes={snapshot.retentionMinutes}>
              <PanelBody panel={panel} data={data} />
            </PanelShell>
          ))}
          {bodies ? (
            <Section
              id="dag"
              title="The DAG, live"
              note="from pgtrickle.pgt_dependencies · base tables on top · nodes pulse when refreshed · click a node for its SQL"
              wide
            >
              {bodies.dag}
            </Section>
          ) : null}
          <Section
            id="status"
            title="Stream tables"
            note="pgtrickle.pgt_status() and pgt_refresh_history"
            wide
          >
            <StatusBody snapshot={snapshot} />
          </Section>
          {bodies ? (
            <>
              <Section
                id="history"
                title="Refresh history"
                note="pgtrickle.pgt_refresh_history, newest first, NO_DATA rows left out"
              >
                {bodies.history}
              </Section>
              <Section
                id="efficiency"
                title="Refresh efficiency"
                note="pgtrickle.refresh_efficiency() · refreshes per minute, last 15 min"
                chart="line"
              >
                {bodies.efficiency}
              </Section>
              <Section
                id="advisor"
                title="Refresh mode advisor"
                note="pgtrickle.recommend_refresh_mode()"
              >
                {bodies.advisor}
              </Section>
            </>
          ) : null}
          <Section id="sql" title="SQL behind a stream table" note="its defining query">
            <SqlBody {...(props.node ? { name: props.node.name, def: props.node.def } : {})} />
          </Section>
          <Section
            id="try"
            title="Try it"
            note="the original demo's psql examples, run read-only against this scenario's database"
            wide
          >
            <TryCards scenario={s.id} examples={s.examples} />
          </Section>
        </main>
        <div class="live-pill" aria-live="off">
          <span class="dot" aria-hidden="true" />
          <AsOf asOf={snapshot.asOf} />
        </div>
        <footer class="foot">
          <p>
            Stream tables refreshed by <a href="https://pgxn.org/dist/pg_trickle/">pg_trickle</a>;
            events written by a Cloudflare Cron Trigger; this page polls every 2 s and pauses while
            hidden.
          </p>
        </footer>
        <div
          id="poller"
          hx-get={pollUrl(s)}
          hx-trigger="every 2s, poll-now"
          hx-swap="none"
          hx-sync="this:drop"
          data-scenario={s.id}
        />
        <script src="/vendor/htmx.min.js" />
        <script src="/vendor/chart.umd.min.js" />
        <script src="/app.js" />
      </body>
    </html>
  );
}

export function ErrorFragment(props: { status: number; message: string }) {
  return (
    <div class="error-fragment" role="alert">
      {props.status === 503
        ? 'Database unreachable; retrying.'
        : `${props.status}: ${props.message}`}
    </div>
  );
}

export function ErrorPage(props: {
  status: number;
  message: string;
  scenarios: readonly Scenario[];
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.status} · pg_trickle live demo`}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/app.css" />
      </head>
      <body>
        <main class="error-page">
          <h1>{props.status === 503 ? 'The database is unreachable' : `${props.status}`}</h1>
          <p>{props.message}</p>
          <p>The live scenarios:</p>
          <ul>
            {props.scenarios.map((s) => (
              <li>
                <a href={`/?scenario=${s.id}`}>{s.title}</a> — {s.description}
              </li>
            ))}
          </ul>
        </main>
      </body>
    </html>
  );
}
