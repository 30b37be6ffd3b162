// One Apache ECharts canvas bound to a container for the component's lifetime: created on mount, resized with its
// container, disposed on unmount. Each chart registers its own pieces (`echarts.use`) and sets its own options.
import * as echarts from 'echarts/core';
import { useEffect, useRef } from 'react';

/** Both refs are stable objects, so listing `chart` in an effect's dependencies never re-runs it. */
export function useEchart() {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);

  // Runs before the caller's own effects (hooks run in call order), so `chart.current` is set when they read it.
  useEffect(() => {
    const node = container.current;
    if (!node) return;
    const instance = echarts.init(node, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  return { container, chart };
}
