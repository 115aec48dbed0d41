// A horizontal bar chart in SVG: a row per label, a bar per series, a value at its end.

export interface Series {
  name: string
  className: string
}

export interface BarRow {
  label: string
  values: number[]
}

export function BarChart({ title, series, rows, empty, format = String }: { title: string; series: Series[]; rows: BarRow[]; empty: string; format?: (n: number) => string }) {
  const max = Math.max(1, ...rows.flatMap((r) => r.values))
  const barH = 12
  const gap = 3
  const rowH = series.length * (barH + gap) + 10
  const labelW = 90
  const width = 340
  const plotW = width - labelW - 40
  const height = Math.max(rowH * rows.length, 24) + 24
  return (
    <figure className="chart">
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s) => (
            <span key={s.name} className={s.className}>
              {s.name}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title}>
        {rows.length === 0 && (
          <text x={8} y={18} className="empty">
            {empty}
          </text>
        )}
        {rows.map((r, i) => (
          <g key={r.label} transform={`translate(0, ${i * rowH + 4})`}>
            <text x={labelW - 8} y={(series.length * (barH + gap)) / 2 + 4} textAnchor="end" className="label">
              {r.label}
            </text>
            {r.values.map((v, j) => {
              const w = (v / max) * plotW
              return (
                <g key={j} transform={`translate(${labelW}, ${j * (barH + gap)})`}>
                  <rect width={Math.max(v > 0 ? 2 : 0, w)} height={barH} rx={2} className={series[j].className} />
                  <text x={w + 4} y={barH - 2} className="value">
                    {format(v)}
                  </text>
                </g>
              )
            })}
          </g>
        ))}
      </svg>
    </figure>
  )
}
