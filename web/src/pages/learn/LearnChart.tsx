// Programme rates drawn with Apache ECharts (only the pieces used are registered): lines over campaigns in time,
// bars per department. Every chart has a table beside it with the same figures, for screen readers and print.
import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect } from 'react';
import { useEchart } from '../../useEchart.ts';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

export interface RateSeries {
  name: string;
  color: string;
  /** Shares in [0, 1]; drawn as percentages. */
  values: number[];
}

export const RATE_COLORS = { click: '#b42318', submission: '#6941c6', report: '#17663a' } as const;

export function RatesChart({
  kind,
  categories,
  series,
  label,
  describedBy,
}: {
  kind: 'line' | 'bar';
  categories: string[];
  series: RateSeries[];
  label: string;
  describedBy: string;
}) {
  const { container, chart } = useEchart();

  useEffect(() => {
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (value) => `${value} %` },
      xAxis: { type: 'category', data: categories },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: series.map((s) =>
        kind === 'line'
          ? {
              type: 'line' as const,
              name: s.name,
              itemStyle: { color: s.color },
              data: s.values.map((v) => Math.round(v * 1000) / 10),
            }
          : {
              type: 'bar' as const,
              name: s.name,
              itemStyle: { color: s.color },
              data: s.values.map((v) => Math.round(v * 1000) / 10),
            },
      ),
    };
    chart.current?.setOption(option, true);
  }, [kind, categories, series, chart]);

  return (
    <div
      ref={container}
      className="learn-chart"
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      style={{ width: '100%', height: 260 }}
    />
  );
}
