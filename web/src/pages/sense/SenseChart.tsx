// One series drawn with Apache ECharts: the value line, the expected band shaded, anomalies as red points.
// Only the pieces used here are registered, to keep the bundle small.
import { LineChart, type LineSeriesOption, ScatterChart, type ScatterSeriesOption } from 'echarts/charts';
import {
  type DataZoomComponentOption,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { TFunction } from 'i18next';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../src/core/index.ts';
import type { SenseAlert, SensePoint } from '../../api.ts';
import { useLocale } from '../../i18n.ts';
import { useEchart } from '../../useEchart.ts';
import { formatInstant, formatRange, formatScore, formatValue } from './senseFormat.ts';

echarts.use([
  LineChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  CanvasRenderer,
]);

type ChartOption = echarts.ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
>;

/** [time in ms, value, index of the point] — the index leads back to the reading behind a hovered point. */
type Datum = [number, number | null, number];

interface Props {
  points: readonly SensePoint[];
  threshold: number;
  /** The alert raised on a point, if any (alerts are emitted for anomalous points). */
  alertFor: (point: SensePoint) => SenseAlert | undefined;
  onSelect: (index: number) => void;
  label: string;
  describedBy: string;
}

/** The app's palette, read from its CSS so the chart follows the stylesheet. */
function palette(): { accent: string; bad: string; muted: string; border: string; text: string } {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    accent: read('--accent', '#1f4e99'),
    bad: read('--bad', '#b3261e'),
    muted: read('--muted', '#536071'),
    border: read('--border', '#d5dce6'),
    text: read('--text', '#1a2331'),
  };
}

/** Axis labels in the interface language, as detailed as the time span needs. */
function axisLabelFormat(spanMs: number, locale: Locale): (value: number) => string {
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB';
  const day = 24 * 3600 * 1000;
  const options: Intl.DateTimeFormatOptions =
    spanMs <= day
      ? { hour: '2-digit', minute: '2-digit' }
      : spanMs <= 4 * day
        ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
        : spanMs <= 400 * day
          ? { day: 'numeric', month: 'short' }
          : { month: 'short', year: 'numeric' };
  const format = new Intl.DateTimeFormat(tag, options);
  return (value: number) => format.format(new Date(value));
}

/** The datum closest in time to `time`, by binary search over data sorted by time. */
function nearest(data: readonly Datum[], time: number): Datum | undefined {
  let low = 0;
  let high = data.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((data[middle]?.[0] ?? 0) < time) low = middle + 1;
    else high = middle;
  }
  const after = data[low];
  const before = data[low - 1];
  if (!before) return after;
  if (!after) return before;
  return time - before[0] <= after[0] - time ? before : after;
}

function element(tag: string, text?: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * The tooltip of one reading, built as DOM nodes with textContent: alert texts come from the server and may
 * quote device or series names chosen by whoever sends readings, so nothing is parsed as HTML.
 */
export function tooltipContent(
  point: SensePoint,
  anomalous: boolean,
  alert: SenseAlert | undefined,
  t: TFunction,
  locale: Locale,
): HTMLElement {
  const root = element('div', undefined, 'chart-tooltip');
  root.append(element('div', formatInstant(point.t, locale), 'chart-tooltip-time'));
  root.append(
    element(
      'div',
      t('sense.explanationScore', {
        value: formatValue(point.value, locale),
        score: formatScore(point.score, locale),
        range: formatRange(point, locale, t),
      }),
    ),
  );
  if (!anomalous) return root;
  root.classList.add('chart-tooltip-anomaly');
  if (!alert) {
    root.append(element('div', t('sense.explanationNoAlert'), 'chart-tooltip-note'));
    return root;
  }
  const title = element('div', undefined, 'chart-tooltip-title');
  title.append(element('span', t(`severities.${alert.severity}`), `severity severity-${alert.severity}`));
  title.append(document.createTextNode(` ${alert.title[locale]}`));
  root.append(title);
  const list = element('ul', undefined, 'chart-tooltip-evidence');
  for (const item of [...alert.evidence].sort((a, b) => b.weight - a.weight)) {
    list.append(element('li', item.message[locale]));
  }
  root.append(list);
  return root;
}

export function SenseChart({ points, threshold, alertFor, onSelect, label, describedBy }: Props) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { container, chart } = useEchart();

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const colors = palette();
    const times = points.map((point) => new Date(point.t).getTime());
    const values: Datum[] = points.map((point, index) => [times[index] ?? 0, point.value, index]);
    // The band is drawn as two stacked lines: an invisible one at `low`, and a filled one `high - low` above it.
    const bandBase: Datum[] = points.map((point, index) => [
      times[index] ?? 0,
      point.low !== null && point.high !== null ? point.low : null,
      index,
    ]);
    const bandWidth: Datum[] = points.map((point, index) => [
      times[index] ?? 0,
      point.low !== null && point.high !== null ? point.high - point.low : null,
      index,
    ]);
    const anomalies: Datum[] = values.filter((_, index) => (points[index]?.score ?? 0) >= threshold);
    const first = times[0] ?? 0;
    const last = times.at(-1) ?? first;
    const names = { value: t('sense.legendValue'), band: t('sense.legendBand'), anomaly: t('sense.legendAnomaly') };

    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 56, containLabel: true },
      legend: {
        top: 0,
        left: 0,
        data: [names.value, names.band, names.anomaly],
        textStyle: { color: colors.text },
        selectedMode: false,
      },
      tooltip: {
        trigger: 'axis',
        confine: true,
        backgroundColor: '#fff',
        borderColor: colors.border,
        textStyle: { color: colors.text, fontSize: 13 },
        extraCssText: 'max-width: 24rem; white-space: normal; box-shadow: 0 2px 8px rgb(15 35 66 / 18%);',
        axisPointer: { type: 'line', lineStyle: { color: colors.muted } },
        formatter: (params) => {
          const list = Array.isArray(params) ? params : [params];
          const reading = list.find((item) => item.seriesId === 'value')?.value as Datum | undefined;
          if (!reading) return '';
          // With thousands of readings the pointer snaps to a neighbour of the red point: an anomaly within a few
          // pixels of the pointer is what the person is looking at, so it wins.
          const pixelMs = (last - first) / Math.max(1, instance.getWidth());
          const anomaly = nearest(anomalies, reading[0]);
          const datum = anomaly && Math.abs(anomaly[0] - reading[0]) <= 8 * pixelMs ? anomaly : reading;
          const point = points[datum[2]];
          if (!point) return '';
          const anomalous = point.score >= threshold;
          return tooltipContent(point, anomalous, anomalous ? alertFor(point) : undefined, t, locale);
        },
      },
      xAxis: {
        type: 'time',
        axisLabel: { color: colors.muted, formatter: axisLabelFormat(last - first, locale), hideOverlap: true },
        axisLine: { lineStyle: { color: colors.border } },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { color: colors.muted, formatter: (value: number) => formatValue(value, locale) },
        splitLine: { lineStyle: { color: '#edf0f5' } },
      },
      dataZoom: [
        { type: 'inside', zoomOnMouseWheel: 'ctrl', moveOnMouseWheel: false },
        {
          type: 'slider',
          height: 22,
          bottom: 8,
          borderColor: colors.border,
          labelFormatter: (value: number) => formatInstant(value, locale),
          showDetail: false,
        },
      ],
      series: [
        {
          id: 'band-base',
          type: 'line',
          data: bandBase,
          stack: 'band',
          stackStrategy: 'all',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          silent: true,
          tooltip: { show: false },
          encode: { x: 0, y: 1 },
        },
        {
          id: 'band',
          name: names.band,
          type: 'line',
          data: bandWidth,
          stack: 'band',
          stackStrategy: 'all',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: colors.accent, opacity: 0.14 },
          itemStyle: { color: colors.accent, opacity: 0.3 },
          silent: true,
          encode: { x: 0, y: 1 },
        },
        {
          id: 'value',
          name: names.value,
          type: 'line',
          data: values,
          symbol: 'none',
          showSymbol: false,
          lineStyle: { color: colors.accent, width: 1.5 },
          itemStyle: { color: colors.accent },
          encode: { x: 0, y: 1 },
          z: 3,
        },
        {
          id: 'anomalies',
          name: names.anomaly,
          type: 'scatter',
          data: anomalies,
          symbolSize: 9,
          itemStyle: { color: colors.bad, borderColor: '#fff', borderWidth: 1.5 },
          emphasis: { scale: 1.5 },
          cursor: 'pointer',
          encode: { x: 0, y: 1 },
          z: 4,
        },
      ],
    };
    instance.setOption(option, { notMerge: true });
    const onClick = (params: { seriesId?: string; value?: unknown }): void => {
      if (params.seriesId !== 'anomalies' || !Array.isArray(params.value)) return;
      const index = params.value[2];
      if (typeof index === 'number') onSelect(index);
    };
    instance.on('click', onClick);
    return () => {
      instance.off('click', onClick);
    };
  }, [points, threshold, alertFor, onSelect, t, locale, chart]);

  return <div className="sense-chart" ref={container} role="img" aria-label={label} aria-describedby={describedBy} />;
}
