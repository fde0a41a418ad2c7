// The dashboard page (inside the layout) and the poll response that refreshes it.
import type { Scenario } from '../../scenarios/types';
import type { LoadedPanel, ViewContext } from '../../ui/types';
import { urlsFor } from '../../ui/urls';
import { dagIsTall } from '../pgtrickle/dag';
import type { Snapshot } from '../snapshot';
import { ActionButtons } from './actions';
import { AsOf, EngineBadge, PanelBody, ReadSpeed, Section } from './chrome';
import { SqlBody, TryCards } from './explore';

export function viewOf(snapshot: Snapshot, selected?: string): ViewContext {
  return {
    scenario: snapshot.scenario.id,
    urls: urlsFor(snapshot.scenario.id),
    engine: snapshot.engine,
    ...(selected ? { selected } : {}),
  };
}

/** Everything a poll swaps, as out-of-band fragments. */
export function AllFragments(props: { snapshot: Snapshot }) {
  const { snapshot } = props;
  const view = viewOf(snapshot);
  return (
    <>
      <EngineBadge engine={snapshot.engine} oob />
      <AsOf asOf={snapshot.asOf} oob />
      <ReadSpeed readMs={snapshot.readMs} oob />
      {snapshot.panels.map((loaded) => (
        <PanelBody loaded={loaded} view={view} oob />
      ))}
    </>
  );
}

export function Page(props: { snapshot: Snapshot; scenarios: readonly Scenario[] }) {
  const { snapshot } = props;
  const s = snapshot.scenario;
  const view = viewOf(snapshot, snapshot.node?.name);
  // The first screen: pg_trickle's DAG, and beside it the scenario's headline figures and the
  // visitor's controls; the latest change followed through the DAG below or beside it.
  const dag = snapshot.panels.find((p) => p.panel.id === 'dag');
  const trace = snapshot.panels.find((p) => p.panel.id === 'trace');
  const side = snapshot.panels.filter((p) => p.panel.lead && p !== dag && p !== trace);
  // A short graph leaves room below it on a wide screen: the followed change goes there, on the
  // first screen; beside a tall one (finance's chain) it stays in the side column.
  const traceBelowDag = dag !== undefined && !dagIsTall(dag);
  const rest = snapshot.panels.filter((p) => !p.panel.lead);
  const shell = (loaded: LoadedPanel) => (
    <Section meta={loaded.panel} retentionMinutes={snapshot.retentionMinutes}>
      <PanelBody loaded={loaded} view={view} />
    </Section>
  );
  return (
    <>
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
            <a href={urlsFor(x.id).page()} aria-current={x.id === s.id ? 'page' : undefined}>
              {x.title}
            </a>
          ))}
        </nav>
        <div class="meta">
          <EngineBadge engine={snapshot.engine} />
        </div>
      </header>
      <div id="banner" class="banner" role="alert" hidden>
        <span id="banner-why">Database unreachable</span> — showing the data as of{' '}
        <span id="banner-as-of">the last poll</span>
        {'; retrying every 2 s.'}
      </div>
      <main id="main">
        <div class="lead">
          <div class="lead-main">
            {dag ? shell(dag) : null}
            {trace && traceBelowDag ? shell(trace) : null}
          </div>
          <div class="lead-side">
            {side.map(shell)}
            <Section
              meta={{
                id: 'poke',
                title: 'Poke it',
                note: 'make a change yourself and watch it travel through the DAG',
              }}
            >
              <ActionButtons scenario={s} />
            </Section>
            {trace && !traceBelowDag ? shell(trace) : null}
          </div>
        </div>
        <div class="grid">
          {rest.map(shell)}
          <Section
            meta={{
              id: 'sql',
              title: 'SQL behind a stream table',
              note: 'its defining query, and how the engine maintains it',
              // A row of its own: the query and the engine's delta SQL read best wide, and a
              // narrow panel would stand at the height of whatever sat beside it.
              span: 2,
            }}
          >
            <SqlBody
              {...(snapshot.node
                ? { name: snapshot.node.name, def: snapshot.node.def, picked: snapshot.node.picked }
                : {})}
            />
          </Section>
          <Section
            meta={{
              id: 'try',
              title: 'Try it',
              note: 'the original demo’s psql examples, run read-only against this scenario’s database',
              span: 2,
            }}
          >
            <TryCards scenario={s.id} examples={s.examples} />
          </Section>
        </div>
      </main>
      <aside class="live-pill" aria-label="Live updates">
        <span class="dot" aria-hidden="true" />
        <AsOf asOf={snapshot.asOf} />
        <ReadSpeed readMs={snapshot.readMs} />
        <button type="button" id="pause" aria-pressed="false">
          Pause
        </button>
      </aside>
      <footer class="foot">
        <p>
          Stream tables refreshed by <a href="https://pgxn.org/dist/pg_trickle/">pg_trickle</a>,
          events written by a Cloudflare Cron Trigger; this page polls every 2 s, timed to land just
          after the engine's scheduler refreshes, and pauses while hidden.
        </p>
      </footer>
      <div
        id="poller"
        hx-get={urlsFor(s.id).fragment('all')}
        hx-trigger="poll-now"
        hx-swap="none"
        hx-sync="this:drop"
        data-scenario={s.id}
      />
      <script src="/vendor/htmx.min.js" />
      <script src="/vendor/chart.umd.min.js" />
      {/* A module: it imports the poll rule (poll-timer.js) as the tests and the bench run it. */}
      <script type="module" src="/app.js" />
    </>
  );
}
