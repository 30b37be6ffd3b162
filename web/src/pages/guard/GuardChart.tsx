// Guard decisions per day, stacked by action, drawn with Apache ECharts (only the pieces used are registered).
import { BarChart, type BarSeriesOption } from 'echarts/charts';
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
import { useTranslation } from 'react-i18next';
import type { GuardAction, GuardCounts } from '../../api.ts';
import { useEchart } from '../../useEchart.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

type ChartOption = echarts.ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/** Strictest first: the order of the stack and of the legend. */
export const CHART_ACTIONS: readonly GuardAction[] = ['block', 'redact', 'pseudonymise', 'warn'];
const COLORS: Record<GuardAction, string> = {
  block: '#b42318',
  redact: '#b54708',
  pseudonymise: '#6941c6',
  warn: '#1570ef',
  allow: '#667085',
};

export function GuardTrendChart({ trend, describedBy }: { trend: readonly GuardCounts[]; describedBy: string }) {
  const { t } = useTranslation();
  const { container, chart } = useEchart();

  useEffect(() => {
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: trend.map((d) => d.key.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: CHART_ACTIONS.map((action) => ({
        type: 'bar',
        stack: 'decisions',
        name: t(`guard.actions.${action}`),
        itemStyle: { color: COLORS[action] },
        data: trend.map((d) => d[action]),
      })),
    };
    chart.current?.setOption(option, true);
  }, [trend, t, chart]);

  return (
    <div
      ref={container}
      className="guard-chart"
      role="img"
      aria-label={t('guard.trend')}
      aria-describedby={describedBy}
      style={{ width: '100%', height: 240 }}
    />
  );
}
