import { DARK, EChartsOption } from '../../charts/echarts-setup';
import { IvRvRow, SmileAxis, SmileLine, TermPoint, smileX } from './smile';

const PALETTE = ['#38bdf8', '#fbbf24', '#a78bfa', '#34d399', '#fb7185', '#f472b6', '#2dd4bf', '#facc15'];

const AXIS = {
  axisLine: DARK.axisLine,
  splitLine: DARK.splitLine,
  axisLabel: { color: DARK.muted },
  nameTextStyle: { color: DARK.muted },
};

const TOOLTIP = {
  backgroundColor: '#0f172a',
  borderColor: '#334155',
  textStyle: { color: '#e2e8f0' },
};

const pctLabel = (v: number) => `${(v * 100).toFixed(1)}%`;

/** IV vs strike (or moneyness %), one line per expiry, spot marked. */
export function smileOption(lines: readonly SmileLine[], axis: SmileAxis): EChartsOption {
  const spot = lines[0]?.spot ?? null;
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    color: PALETTE,
    legend: { top: 0, textStyle: { color: DARK.textStyle.color }, type: 'scroll' },
    grid: { left: 56, right: 24, top: 36, bottom: 48 },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? pctLabel(v) : '—'),
    },
    xAxis: {
      type: 'value',
      scale: true,
      name: axis === 'strike' ? 'strike' : 'moneyness %',
      nameLocation: 'middle',
      nameGap: 28,
      ...AXIS,
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: true,
      name: 'IV',
      ...AXIS,
      axisLabel: { color: DARK.muted, formatter: (v: number) => pctLabel(v) },
    },
    series: lines.map((line, i) => ({
      name: line.label,
      type: 'line',
      showSymbol: true,
      symbolSize: 5,
      lineStyle: { width: 2 },
      data: line.points.map((p) => [smileX(p, axis), p.iv]),
      markLine:
        i === 0 && spot !== null
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: DARK.muted, type: 'dashed' },
              label: {
                color: DARK.muted,
                position: 'insideEndTop',
                formatter: axis === 'strike' ? `spot ${spot.toFixed(2)}` : 'spot',
              },
              data: [{ xAxis: axis === 'strike' ? spot : 0 }],
            }
          : undefined,
    })),
  };
}

/** ATM IV per expiry date. */
export function termOption(points: readonly TermPoint[]): EChartsOption {
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    grid: { left: 56, right: 24, top: 28, bottom: 52 },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? pctLabel(v) : '—'),
    },
    xAxis: {
      type: 'category',
      data: points.map((p) => `${p.expiry}\n${p.product}`),
      ...AXIS,
      axisLabel: { color: DARK.muted, lineHeight: 16 },
    },
    yAxis: {
      type: 'value',
      scale: true,
      ...AXIS,
      axisLabel: { color: DARK.muted, formatter: (v: number) => pctLabel(v) },
    },
    series: [
      {
        name: 'ATM IV',
        type: 'line',
        color: DARK.accent,
        symbolSize: 8,
        label: { show: true, color: '#e2e8f0', formatter: (p: { value: number }) => pctLabel(p.value) },
        data: points.map((p) => p.atmIv),
      },
    ],
  };
}

/** Realized volatility per window as bars, the ATM IV as a line across them. */
export function ivRvOption(rows: readonly IvRvRow[]): EChartsOption {
  const iv = rows.find((r) => r.iv !== null)?.iv ?? null;
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    grid: { left: 56, right: 24, top: 24, bottom: 32 },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? pctLabel(v) : '—'),
    },
    xAxis: { type: 'category', data: rows.map((r) => r.name), ...AXIS },
    yAxis: {
      type: 'value',
      min: 0,
      max: (extent: { max: number }) => Math.max(extent.max, iv ?? 0) * 1.15 || 1,
      ...AXIS,
      axisLabel: { color: DARK.muted, formatter: (v: number) => pctLabel(v) },
    },
    series: [
      {
        name: 'RV',
        type: 'bar',
        color: DARK.warn,
        barMaxWidth: 48,
        data: rows.map((r) => r.rv ?? '-'),
        markLine:
          iv !== null
            ? {
                silent: true,
                symbol: 'none',
                lineStyle: { color: DARK.accent, width: 2 },
                label: { color: DARK.accent, position: 'insideEndTop', formatter: `ATM IV ${pctLabel(iv)}` },
                data: [{ yAxis: iv }],
              }
            : undefined,
      },
    ],
  };
}
