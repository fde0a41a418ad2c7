// Creates the dashboard's charts once and updates them in place after every htmx swap: the
// canvases sit outside the swapped regions; each panel body carries its chart data as JSON in a
// data attribute. No inline scripts, so the page's Content-Security-Policy holds.
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

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
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
    const existing = charts.get(canvas.id);
    if (existing) {
      existing.data.labels = data.labels;
      data.datasets.forEach((ds, i) => {
        if (existing.data.datasets[i]) existing.data.datasets[i].data = ds.data;
        else existing.data.datasets.push({ ...ds, backgroundColor: palette });
      });
      existing.update();
      return;
    }
    const grid = css('--grid') || 'rgba(148,163,184,.2)';
    const text = css('--muted') || '#94a3b8';
    const type = canvas.dataset.chartType;
    const round = type === 'doughnut' || type === 'pie';
    charts.set(
      canvas.id,
      new Chart(canvas, {
        type,
        data: {
          labels: data.labels,
          datasets: data.datasets.map((ds) => ({
            ...ds,
            backgroundColor: palette,
            borderWidth: round ? 0 : undefined,
            borderRadius: round ? 0 : 4,
          })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: { duration: 400 },
          plugins: {
            legend: round
              ? { display: true, position: 'right', labels: { color: text, boxWidth: 12 } }
              : { display: false },
          },
          scales: round
            ? {}
            : {
                x: { ticks: { color: text }, grid: { color: grid } },
                y: { ticks: { color: text }, grid: { color: grid }, beginAtZero: true },
              },
        },
      }),
    );
  }

  function updateAll() {
    for (const panel of document.querySelectorAll('.panel')) updateChart(panel);
  }

  document.addEventListener('DOMContentLoaded', updateAll);
  document.body.addEventListener('htmx:afterSettle', () => {
    updateAll();
    document.getElementById('banner').hidden = true;
  });
  for (const failure of ['htmx:responseError', 'htmx:sendError', 'htmx:timeout']) {
    document.body.addEventListener(failure, () => {
      document.getElementById('banner').hidden = false;
    });
  }
  if (document.readyState !== 'loading') updateAll();
})();
