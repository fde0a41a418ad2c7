/**
 * A horizontal stacked bar drawn as SVG: widths are attributes, not inline styles, so the page's
 * strict CSP (no 'unsafe-inline' styles) holds.
 */
export function StackedBar(props: {
  parts: { label: string; value: number; className: string }[];
}) {
  const total = props.parts.reduce((s, p) => s + p.value, 0);
  let x = 0;
  return (
    <svg
      class="stacked-bar"
      viewBox="0 0 1000 24"
      preserveAspectRatio="none"
      role="img"
      aria-label={props.parts.map((p) => `${p.label} ${p.value}`).join(', ')}
    >
      {props.parts.map((p) => {
        const w = total > 0 ? (p.value / total) * 1000 : 0;
        const rect = (
          <rect x={x.toFixed(1)} y="0" width={w.toFixed(1)} height="24" class={p.className} />
        );
        x += w;
        return rect;
      })}
    </svg>
  );
}
