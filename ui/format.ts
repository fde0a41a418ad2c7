const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const money0 = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const pctFormats = [0, 1, 2, 3].map(
  (digits) =>
    new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      signDisplay: 'exceptZero',
    }),
);

export const fmt = {
  int: (n: number) => int.format(n),
  money: (n: number) => money.format(n),
  money0: (n: number) => money0.format(n),
  /** A percentage already in percent units (12.3 -> "+12.3 %"), with 1 (or `digits`) decimals. */
  /** Seconds ago, as a visitor reads it: "0.8 s ago", "3 min ago", or "not yet". */
  ago: (s: number | null) =>
    s === null ? 'not yet' : s < 60 ? `${s.toFixed(1)} s ago` : `${Math.round(s / 60)} min ago`,
  pct: (n: number, digits = 1) => `${(pctFormats[digits] ?? pctFormats[1])?.format(n)} %`,
};
