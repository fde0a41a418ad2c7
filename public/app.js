// The dashboard's only script (no inline scripts: the page's Content-Security-Policy holds).
// - Charts are created once and updated in place after each poll: canvases sit outside the
//   swapped regions; each panel body carries its chart data as JSON in a data attribute.
// - Values that changed since the previous poll flash briefly.
// - Polls every 2 s on average, timed by the server to land just after the engine refreshes;
//   pauses while the tab is hidden or the visitor paused it, and polls at once after.
// - A failed poll shows a banner with the time of the last good data; the next good poll clears it.
import { POLL_MS, PollTimer, ServerClock } from './poll-timer.js';

(() => {
  const charts = new Map();
  const palette = [
    '#38bdf8',
    '#a78bfa',
    '#34d399',
    '#fbbf24',
    '#f87171',
    '#f472b6',
    '#60a5fa',
    '#facc15',
  ];
  const poller = document.getElementById('poller');
  const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
  const banner = document.getElementById('banner');

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function dataset(ds, i, type, counts) {
    if (ds.tone) {
      const color = css(`--${ds.tone}`) || palette[i % palette.length];
      return { ...ds, backgroundColor: color, borderColor: color, borderRadius: 2 };
    }
    if (type === 'line') {
      const color = palette[i % palette.length];
      // Monotone curves pass through each point without overshooting it (a smoothed line through
      // 3 and 0 would otherwise dip below zero and rise past whole counts).
      const shape = counts ? { cubicInterpolationMode: 'monotone' } : { tension: 0.3 };
      return { ...ds, borderColor: color, backgroundColor: color, ...shape, pointRadius: 2 };
    }
    const round = type === 'doughnut' || type === 'pie';
    return {
      ...ds,
      backgroundColor: palette,
      borderWidth: round ? 0 : undefined,
      borderRadius: round ? 0 : 4,
    };
  }

  function updateChart(panel) {
    const canvas = panel.querySelector('canvas[data-chart-type]');
    const holder = panel.querySelector('.panel-body .chart-data');
    if (!canvas || !holder || typeof Chart === 'undefined') return;
    let data;
    try {
      data = JSON.parse(holder.dataset.chart);
    } catch {
      return;
    }
    const type = canvas.dataset.chartType;
    const existing = charts.get(canvas.id);
    if (existing) {
      existing.data.labels = data.labels;
      data.datasets.forEach((ds, i) => {
        if (existing.data.datasets[i]) existing.data.datasets[i].data = ds.data;
        else existing.data.datasets.push(dataset(ds, i, type, data.counts));
      });
      existing.update();
      return;
    }
    const grid = css('--grid') || 'rgba(148,163,184,.2)';
    const text = css('--muted') || '#94a3b8';
    const round = type === 'doughnut' || type === 'pie';
    charts.set(
      canvas.id,
      new Chart(canvas, {
        type,
        data: {
          labels: data.labels,
          datasets: data.datasets.map((ds, i) => dataset(ds, i, type, data.counts)),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: reducedMotion.matches ? false : { duration: 400 },
          plugins: {
            legend:
              round || data.datasets.length > 1
                ? {
                    display: true,
                    position: round ? 'right' : 'bottom',
                    labels: { color: text, boxWidth: 12 },
                  }
                : { display: false },
          },
          scales: round
            ? {}
            : {
                x: { ticks: { color: text }, grid: { color: grid }, stacked: !!data.stacked },
                y: {
                  ticks: data.counts ? { color: text, precision: 0 } : { color: text },
                  grid: { color: grid },
                  beginAtZero: true,
                  stacked: !!data.stacked,
                },
              },
        },
      }),
    );
  }

  function updateAll() {
    for (const panel of document.querySelectorAll('.panel')) updateChart(panel);
  }

  // Values keyed by (first cell of the row, column) so a re-ranked table compares like with like.
  function values(root) {
    const out = new Map();
    for (const tr of root.querySelectorAll('tbody tr')) {
      const cells = [...tr.children];
      const key = cells[0] ? cells[0].textContent.trim() : '';
      cells.forEach((td, i) => {
        out.set(`${key}|${i}`, td.textContent);
      });
    }
    for (const dd of root.querySelectorAll('dd[data-kpi]'))
      out.set(`kpi|${dd.dataset.kpi}`, dd.textContent);
    return out;
  }
  const previous = new Map();
  document.body.addEventListener('htmx:oobBeforeSwap', (e) => {
    const id = e.detail.target?.id;
    if (id?.startsWith('body-')) previous.set(id, values(e.detail.target));
  });
  document.body.addEventListener('htmx:oobAfterSwap', (e) => {
    const id = e.detail.target?.id;
    const before = id && previous.get(id);
    const now = id && document.getElementById(id);
    if (!before || !now) return;
    previous.delete(id);
    for (const tr of now.querySelectorAll('tbody tr')) {
      const cells = [...tr.children];
      const key = cells[0] ? cells[0].textContent.trim() : '';
      cells.forEach((td, i) => {
        const old = before.get(`${key}|${i}`);
        if (old !== undefined && old !== td.textContent) td.classList.add('flash');
      });
    }
    for (const dd of now.querySelectorAll('dd[data-kpi]')) {
      const old = before.get(`kpi|${dd.dataset.kpi}`);
      if (old !== undefined && old !== dd.textContent) dd.classList.add('flash');
    }
  });

  // Why a poll failed, as a visitor should read it: only a 503 means the database is down.
  function why(status) {
    if (status === 503) return 'Database unreachable';
    if (status === 429) return 'Too many requests from this address';
    if (status === 'timeout') return 'The dashboard is slow to answer';
    if (!status) return 'The dashboard is unreachable';
    return `The dashboard answered ${status}`;
  }

  function showBanner(status) {
    const asOf = document.getElementById('as-of');
    const when = document.getElementById('banner-as-of');
    if (asOf && when) when.textContent = asOf.textContent.replace('data as of ', '');
    const text = document.getElementById('banner-why');
    if (text) text.textContent = why(status);
    banner.hidden = false;
  }

  // The visitor's pause: no polls until resumed, then one at once.
  const pause = document.getElementById('pause');
  let paused = false;
  pause?.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    document.body.classList.toggle('paused', paused);
    if (!paused && typeof htmx !== 'undefined') htmx.trigger(poller, 'poll-now');
  });

  // The poll timer: every 2 s on average, each poll just after one of the engine's scheduler
  // passes. An answer says when the next pass's data is readable (X-Next-Refresh-In, ms after
  // X-Server-Time) and how far apart passes are (X-Pass-Every). The server's clock is placed on
  // ours by the quickest recent answer; the rule is public/poll-timer.js (tested there, and run by
  // the bench's stand-in visitors). Without those headers it polls 2 s after the previous poll.
  let timer;
  let sentAt = Date.now();
  const pollTimer = new PollTimer(POLL_MS);
  const serverClock = new ServerClock();
  function pollIn(ms) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!document.hidden && !paused && typeof htmx !== 'undefined') {
        htmx.trigger(poller, 'poll-now');
      }
    }, ms);
  }
  function nextPoll(xhr) {
    const now = Date.now();
    const header = (name) => Number(xhr?.getResponseHeader(name) ?? Number.NaN);
    const serverTime = header('X-Server-Time');
    const refreshIn = header('X-Next-Refresh-In');
    const every = header('X-Pass-Every');
    let at;
    if (serverTime > 0 && refreshIn >= 0 && every >= 500) {
      serverClock.note(serverTime, now);
      at = pollTimer.next(sentAt, serverClock.local(serverTime) + refreshIn, every);
    } else {
      at = pollTimer.next(sentAt);
    }
    return Math.max(100, at - now);
  }
  if (poller) {
    pollIn(POLL_MS);
    poller.addEventListener('htmx:beforeRequest', (e) => {
      if (document.hidden || paused) e.preventDefault();
      else sentAt = Date.now();
    });
    poller.addEventListener('htmx:afterRequest', (e) => {
      pollIn(nextPoll(e.detail.xhr));
      if (e.detail.successful) {
        banner.hidden = true;
      } else if (!e.detail.xhr?.status) {
        return; // a network error or timeout: reported by its own event below
      } else {
        showBanner(e.detail.xhr.status);
      }
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !paused && typeof htmx !== 'undefined') {
        htmx.trigger(poller, 'poll-now');
      }
    });
  }
  // An action refused (429) or failed (503) says so where its answer goes (htmx swaps only 2xx).
  document.body.addEventListener('htmx:beforeSwap', (e) => {
    const status = e.detail.xhr?.status;
    if (e.detail.target?.id === 'action-result' && (status === 429 || status === 503)) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // The change being followed lights up the DAG: each node that picked it up gets a badge with
  // the time it took. A visitor's own action wins over the shared latest change.
  const SVG = 'http://www.w3.org/2000/svg';
  function lightTrace() {
    const trace =
      document.querySelector('[data-trace-mine]') ||
      document.querySelector('#body-trace [data-trace]');
    for (const old of document.querySelectorAll('.traced')) old.classList.remove('traced');
    for (const old of document.querySelectorAll('.trace-badge')) old.remove();
    if (!trace) return;
    for (const step of trace.querySelectorAll('[data-trace-state="reached"]')) {
      const name = step.dataset.traceNode;
      for (const node of document.querySelectorAll(`#body-dag [data-node="${name}"]`)) {
        node.classList.add('traced');
        if (node.namespaceURI === SVG) {
          const rect = node.querySelector('rect');
          const badge = document.createElementNS(SVG, 'text');
          badge.setAttribute('class', 'trace-badge');
          badge.setAttribute('x', String(Number(rect?.getAttribute('width') ?? 0) - 8));
          // Above the node's top edge: inside, a long name would run under it.
          badge.setAttribute('y', '-4');
          badge.setAttribute('text-anchor', 'end');
          badge.textContent = step.dataset.traceLabel;
          node.appendChild(badge);
        } else {
          const badge = document.createElement('span');
          badge.className = 'trace-badge';
          badge.textContent = ` ${step.dataset.traceLabel}`;
          node.querySelector('a')?.appendChild(badge);
        }
      }
    }
  }

  document.body.addEventListener('htmx:afterSettle', updateAll);
  document.body.addEventListener('htmx:afterSettle', lightTrace);
  document.body.addEventListener('htmx:sendError', () => showBanner(0));
  document.body.addEventListener('htmx:timeout', () => showBanner('timeout'));

  const ready = () => {
    updateAll();
    lightTrace();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
  else ready();
  // Scroll to a deep-linked panel (e.g. #sql) once the charts have their height.
  if (location.hash) document.querySelector(location.hash)?.scrollIntoView();
})();
