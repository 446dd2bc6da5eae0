/**
 * A small SVG line of values over time, oldest on the left. A null is a gap (nothing was
 * measured then): the line breaks there instead of dropping to 0, and a value alone between
 * gaps is a dot. `max` fixes the top (1 for a rate); by default the largest value, at least 1.
 */
export function Sparkline({
  values,
  label,
  max: top,
}: {
  values: readonly (number | null)[];
  label: string;
  max?: number;
}) {
  const width = 120;
  const height = 24;
  const max = top ?? Math.max(1, ...values.filter((v): v is number => v !== null));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) runs.push(run);
      run = [];
      return;
    }
    run.push([i * step, height - 2 - (v / max) * (height - 4)]);
  });
  if (run.length > 0) runs.push(run);
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      preserveAspectRatio="none"
    >
      {runs.map((points, i) =>
        points.length === 1 ? (
          <circle key={i} cx={points[0]![0]} cy={points[0]![1]} r="1.5" fill="currentColor" />
        ) : (
          <polyline
            key={i}
            points={points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          />
        ),
      )}
    </svg>
  );
}
