// One metric of the usage series as stacked bars per group (recharts), with a table of the same numbers for screen
// readers (the drawing itself is hidden from them).
import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact } from '../../format';
import { bucketLabel, type ChartData, METRICS, type Metric, type UsageSeries } from './series';

/** Series colours, distinguishable on white and from each other (the last is "Other"). */
const COLORS = ['#1d4ed8', '#0f766e', '#b45309', '#7c3aed', '#be123c', '#4d7c0f', '#64748b'];

interface UsageChartProps {
  metric: Metric;
  series: UsageSeries;
  data: ChartData;
  /** The range is a day or less: the axis shows times without dates. */
  withinADay: boolean;
  /** Shown instead of the bars when there is nothing to draw. */
  empty: string;
}

export function UsageChart({ metric, series, data, withinADay, empty }: UsageChartProps) {
  const id = useId();
  const { title, of, format, whole } = METRICS[metric];
  const busy = data.rows.filter((row) => data.keys.some((key) => row[key] !== 0));
  return (
    <section className="card usage-chart" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="chart-total">{format(of(series.totals))}</span>
      </h2>
      {data.keys.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <div className="chart" aria-hidden="true">
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data.rows} accessibilityLayer={false} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis
                dataKey="t"
                tickFormatter={(t: number) => bucketLabel(t, series.bucket, withinADay)}
                minTickGap={24}
                fontSize={12}
              />
              <YAxis
                tickFormatter={(n: number) => (whole ? formatCompact(n) : format(n))}
                allowDecimals={!whole}
                width={whole ? 48 : 64}
                fontSize={12}
              />
              <Tooltip
                labelFormatter={(t) => bucketLabel(Number(t), series.bucket)}
                formatter={(value) => format(Number(value))}
              />
              <Legend />
              {data.keys.map((key, i) => (
                <Bar
                  key={key}
                  dataKey={key}
                  stackId="usage"
                  fill={COLORS[Math.min(i, COLORS.length - 1)]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      {data.keys.length === 0 ? null : (
        // Hidden in a box of its own: a table grows to its content, whatever width the class gives it.
        <div className="visually-hidden">
          <table>
            <caption>
              {title} per {series.bucket} by {series.group_by} (periods without any left out)
            </caption>
            <thead>
              <tr>
                <th scope="col">{series.bucket === 'day' ? 'Day' : 'Time'}</th>
                {data.keys.map((key) => (
                  <th key={key} scope="col">
                    {key}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {busy.map((row) => (
                <tr key={row.t}>
                  <th scope="row">{bucketLabel(row.t, series.bucket)}</th>
                  {data.keys.map((key) => (
                    <td key={key}>{format(row[key] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
