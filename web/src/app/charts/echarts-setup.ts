/**
 * ECharts, tree-shaken: only the chart types and components the dashboard uses are registered,
 * with the canvas renderer. Imported only from lazily loaded pages, so ECharts is not in the
 * initial bundle.
 */
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;

/** Shared dark-theme defaults (merge into each option). */
export const DARK = {
  backgroundColor: 'transparent',
  textStyle: { color: '#cbd5e1', fontFamily: 'Inter, sans-serif' },
  axisLine: { lineStyle: { color: '#475569' } },
  splitLine: { lineStyle: { color: '#1e293b' } },
  call: '#34d399',
  put: '#fb7185',
  accent: '#38bdf8',
  warn: '#fbbf24',
  muted: '#94a3b8',
} as const;
