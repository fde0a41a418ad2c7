// The page's furniture, shared by the full page and the polled fragments: the engine badge, the
// "data as of" time, sections and the bodies a poll swaps.
import { type Engine, engineLabel } from '../../db/pgtrickle/engine';
import type { LoadedPanel, PanelMeta, ViewContext } from '../../ui/types';

/** htmx's out-of-band swap: a poll response replaces the element with the same id. */
export const swapOob = (oob?: boolean) => (oob ? 'outerHTML' : undefined);

export function EngineBadge(props: { engine: Engine; oob?: boolean }) {
  return (
    <span
      id="engine-badge"
      class={`badge engine-${props.engine.kind}`}
      hx-swap-oob={swapOob(props.oob)}
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
    <time id="as-of" datetime={iso} class="as-of" hx-swap-oob={swapOob(props.oob)}>
      data as of {iso.slice(11, 19)} UTC
    </time>
  );
}

/** A read slower than this is said on the page: the data is late because the database is slow. */
export const SLOW_READ_MS = 1000;

/**
 * Beside the time: "database slow" when the snapshot's read took long (the page still shows the
 * latest data it has; a database that does not answer at all is the banner's "unreachable").
 */
export function ReadSpeed(props: { readMs: number; oob?: boolean }) {
  const slow = props.readMs >= SLOW_READ_MS;
  return (
    <span
      id="read-speed"
      class="read-speed"
      data-slow={slow ? 'true' : 'false'}
      hidden={!slow}
      hx-swap-oob={swapOob(props.oob)}
    >
      {slow ? `database slow: the last read took ${(props.readMs / 1000).toFixed(1)} s` : ''}
    </span>
  );
}

/** A panel's inner body: the part a poll replaces. The chart canvas stays outside it. */
export function PanelBody(props: { loaded: LoadedPanel; view: ViewContext; oob?: boolean }) {
  return (
    <div class="panel-body" id={`body-${props.loaded.panel.id}`} hx-swap-oob={swapOob(props.oob)}>
      {props.loaded.render(props.view)}
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
export function Section(props: { meta: PanelMeta; retentionMinutes?: number; children: unknown }) {
  const { id, title, note, span, chart } = props.meta;
  return (
    <section
      class={`panel${span === 2 ? ' wide' : ''}`}
      id={`panel-${id}`}
      aria-labelledby={`title-${id}`}
    >
      <header>
        <h2 id={`title-${id}`}>{title}</h2>
        {note ? <p class="note">{noteText(note, props.retentionMinutes ?? 60)}</p> : null}
      </header>
      {chart ? (
        <div class="chart-box">
          <canvas
            id={`chart-${id}`}
            data-chart-type={chart}
            role="img"
            aria-label={`${title} chart`}
          />
        </div>
      ) : null}
      {props.children}
    </section>
  );
}
