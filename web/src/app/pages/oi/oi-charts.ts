import { DARK, EChartsOption } from '../../charts/echarts-setup';
import { compact } from '../../core/format';
import { OiMatrix, OiSide, VolumeOiRow } from './oi-matrix';

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

const SIDE_COLOURS: Record<OiSide, string[]> = {
  call: ['#052e2b', '#047857', '#34d399', '#d1fae5'],
  put: ['#2a0a12', '#9f1239', '#fb7185', '#ffe4e6'],
  total: ['#0b1a33', '#1d4ed8', '#38bdf8', '#fef08a'],
};

/** Strike × expiry heatmap; strikes bottom (low) to top (high), missing cells blank. */
export function heatmapOption(m: OiMatrix, side: OiSide): EChartsOption {
  const data: [number, number, number | '-'][] = [];
  m.cells.forEach((row, y) => row.forEach((v, x) => data.push([x, y, v ?? '-'])));
  const strikeLabels = m.strikes.map((s) => (Number.isInteger(s) ? String(s) : s.toFixed(1)));
  const atmRow = nearestIndex(m.strikes, m.center);
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    grid: { left: 64, right: 96, top: 16, bottom: 56 },
    tooltip: {
      ...TOOLTIP,
      position: 'top',
      formatter: (p: { value: [number, number, number | '-'] }) => {
        const [x, y, v] = p.value;
        const col = m.columns[x];
        return `${col?.label ?? ''}<br/>strike <b>${strikeLabels[y]}</b><br/>${side} OI <b>${
          typeof v === 'number' ? v.toLocaleString('en-US') : '—'
        }</b>`;
      },
    },
    xAxis: {
      type: 'category',
      data: m.columns.map((c) => `${c.expiry}\n${c.product}`),
      ...AXIS,
      axisLabel: { color: DARK.muted, lineHeight: 16 },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      data: strikeLabels,
      ...AXIS,
      axisLabel: {
        color: DARK.muted,
        fontFamily: 'JetBrains Mono, monospace',
        fontSize: 11,
        formatter: (v: string, i: number) => (i === atmRow ? `{atm|▶ ${v}}` : v),
        rich: { atm: { color: DARK.accent, fontWeight: 'bold', fontFamily: 'JetBrains Mono, monospace', fontSize: 11 } },
      },
    },
    visualMap: {
      min: 0,
      max: Math.max(1, m.max),
      calculable: true,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemHeight: 200,
      textStyle: { color: DARK.muted },
      formatter: (v: number) => compact(v),
      inRange: { color: SIDE_COLOURS[side] },
    },
    series: [
      {
        name: `${side} OI`,
        type: 'heatmap',
        data,
        label: {
          show: m.strikes.length <= 45 && m.columns.length <= 8,
          color: '#f8fafc',
          textBorderColor: '#020617',
          textBorderWidth: 2,
          fontSize: 10,
          formatter: (p: { value: [number, number, number | '-'] }) =>
            typeof p.value[2] === 'number' ? compact(p.value[2]) : '',
        },
        itemStyle: { borderColor: '#020617', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#f8fafc', borderWidth: 1 } },
      },
    ],
  };
}

/** Volume and OI bars per strike for calls and puts, with volume/OI on a second axis. */
export function volumeOiOption(rows: readonly VolumeOiRow[], spot: number | null): EChartsOption {
  const strikes = rows.map((r) => (Number.isInteger(r.strike) ? String(r.strike) : r.strike.toFixed(1)));
  const spotIndex = nearestIndex(
    rows.map((r) => r.strike),
    spot,
  );
  const spotLabel = spotIndex >= 0 ? strikes[spotIndex] : null;
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    legend: { top: 0, textStyle: { color: DARK.textStyle.color } },
    grid: { left: 64, right: 56, top: 36, bottom: 56 },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 14, bottom: 4, textStyle: { color: DARK.muted } }],
    xAxis: { type: 'category', data: strikes, ...AXIS },
    yAxis: [
      { type: 'value', name: 'contracts', ...AXIS, axisLabel: { color: DARK.muted, formatter: (v: number) => compact(v) } },
      { type: 'value', name: 'vol / OI', ...AXIS, splitLine: { show: false } },
    ],
    series: [
      { name: 'Call OI', type: 'bar', color: '#065f46', data: rows.map((r) => r.callOi ?? '-') },
      { name: 'Call volume', type: 'bar', color: DARK.call, data: rows.map((r) => r.callVolume) },
      { name: 'Put OI', type: 'bar', color: '#9f1239', data: rows.map((r) => r.putOi ?? '-') },
      { name: 'Put volume', type: 'bar', color: DARK.put, data: rows.map((r) => r.putVolume) },
      {
        name: 'Volume / OI',
        type: 'line',
        yAxisIndex: 1,
        color: DARK.warn,
        symbolSize: 4,
        connectNulls: false,
        data: rows.map((r) => (r.ratio === null ? '-' : Math.round(r.ratio * 1000) / 1000)),
        markLine:
          spotLabel !== null
            ? {
                silent: true,
                symbol: 'none',
                lineStyle: { color: DARK.muted, type: 'dashed' },
                label: { color: DARK.muted, formatter: 'spot' },
                data: [{ xAxis: spotLabel }],
              }
            : undefined,
      },
    ],
  };
}

/** Index of the value nearest `x` (`-1` when none or no `x`). */
export function nearestIndex(values: readonly number[], x: number | null): number {
  if (x === null) {
    return -1;
  }
  let best = -1;
  values.forEach((v, i) => {
    if (best < 0 || Math.abs(v - x) < Math.abs(values[best] - x)) {
      best = i;
    }
  });
  return best;
}
