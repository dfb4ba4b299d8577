/** Geometry for the dashboard's small line charts: pure, so scales and paths can be tested. */

export const PALETTE = ['#2563eb', '#12b76a', '#f79009', '#7a5af8', '#ee46bc', '#06aed4', '#f04438', '#667085'] as const;

/** A round upper bound for the y axis (1, 2, 5 × 10^n), at least `floor`. */
export function niceMax(values: readonly (number | null)[], floor = 1): number {
  const max = Math.max(floor, ...values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * An SVG path through the points; a null value breaks the line (no data in
 * that bucket), and a lone point becomes a short dash so it still shows.
 */
export function linePath(values: readonly (number | null)[], box: { width: number; height: number }, yMax: number): string {
  if (values.length === 0 || yMax <= 0) return '';
  const dx = values.length > 1 ? box.width / (values.length - 1) : 0;
  const y = (v: number) => box.height - (Math.min(v, yMax) / yMax) * box.height;
  const parts: string[] = [];
  let run: [number, number][] = [];
  const flush = () => {
    if (run.length === 1) run.push([run[0]![0] + 2, run[0]![1]]);
    run.forEach(([x, yy], i) => parts.push(`${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${yy.toFixed(1)}`));
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) flush();
    else run.push([i * dx, y(v)]);
  });
  flush();
  return parts.join(' ');
}
