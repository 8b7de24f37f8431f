import { DARK, EChartsOption } from '../../charts/echarts-setup';
import { money } from '../../core/format';
import { ChainView, ProductView } from '../../core/wire';
import { level } from './header-model';

/** One bar pair of the GEX chart. */
export interface GexBar {
  strike: number;
  /** Open-interest GEX, US$ per 1 % move (call + put). */
  oi: number | null;
  /** Flow GEX (window strikes only). */
  flow: number | null;
}

/** At most this many strikes each side of the ATM strike. */
export const MAX_STEPS_EACH_SIDE = 40;

/**
 * The strikes of the GEX chart, ascending on a uniform grid (so a category axis and a value
 * axis line up, see [`gexOption`]).
 *
 * Data choice: the window (`product.strikes`, 2N+1 strikes, OI and flow GEX) is always used;
 * when `GET /api/chain/{product}` answered (the page refreshes it every 15 s), the range is
 * widened to the chain's strikes within two expected moves of spot and to both walls, with the
 * OI GEX of those strikes summed over call and put. Window values win where both exist (they
 * are fresher). Flow GEX exists only for window strikes. The range is capped at
 * [`MAX_STEPS_EACH_SIDE`] strikes each side of ATM.
 */
export function gexBars(product: ProductView | undefined, chain: ChainView | null): GexBar[] {
  if (!product || product.strikes.length === 0) {
    return [];
  }
  const step = product.strike_step > 0 ? product.strike_step : 1;
  const window = product.strikes;
  const anchor = product.atm_strike ?? window[Math.floor(window.length / 2)].strike;
  let lo = Math.min(...window.map((s) => s.strike));
  let hi = Math.max(...window.map((s) => s.strike));
  const chainOi = new Map<number, number>();
  if (chain && chain.product === product.product) {
    for (const c of chain.contracts) {
      if (c.gex_oi !== null && Number.isFinite(c.gex_oi)) {
        chainOi.set(c.strike, (chainOi.get(c.strike) ?? 0) + c.gex_oi);
      }
    }
    const spot = product.spot ?? anchor;
    const em = product.expected_move ?? 0;
    const wanted = [spot - 2 * em, spot + 2 * em, product.call_wall, product.put_wall];
    const known = [...chainOi.keys()];
    const chainLo = Math.min(...known);
    const chainHi = Math.max(...known);
    for (const w of wanted) {
      if (w !== null && Number.isFinite(w)) {
        lo = Math.min(lo, Math.max(w, chainLo));
        hi = Math.max(hi, Math.min(w, chainHi));
      }
    }
  }
  lo = Math.max(lo, anchor - MAX_STEPS_EACH_SIDE * step);
  hi = Math.min(hi, anchor + MAX_STEPS_EACH_SIDE * step);
  const first = anchor - Math.floor((anchor - lo) / step + 1e-9) * step;
  const byStrike = new Map(window.map((s) => [s.strike, s]));
  const bars: GexBar[] = [];
  for (let i = 0; first + i * step <= hi + 1e-9; i++) {
    const strike = round(first + i * step);
    const w = byStrike.get(strike);
    bars.push({
      strike,
      oi: w ? w.gex_oi : (chainOi.get(strike) ?? null),
      flow: w ? w.gex_flow : null,
    });
  }
  return bars;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A horizontal level line of the GEX chart. */
export interface Mark {
  name: string;
  value: number | null;
  color: string;
}

/**
 * The GEX-by-strike option: horizontal bars (x = GEX, y = strike), OI and flow series, and
 * spot / zero gamma / call wall / put wall as horizontal mark lines.
 *
 * ECharts draws bars only along a category (or time) axis, but a level such as spot sits
 * between strikes. So the bars use a category y-axis of the uniform strikes, and a second,
 * hidden value y-axis spans exactly the same range (first strike − step/2 to last + step/2: the
 * centre of category i is then strike i); the lines belong to an empty series on that value
 * axis and land at their true price. Levels outside the range are listed in the subtitle.
 */
export function gexOption(bars: GexBar[], product: ProductView | undefined): EChartsOption {
  const step = product && product.strike_step > 0 ? product.strike_step : 1;
  const lo = bars.length > 0 ? bars[0].strike - step / 2 : 0;
  const hi = bars.length > 0 ? bars[bars.length - 1].strike + step / 2 : 1;
  const marks: Mark[] = [
    { name: 'spot', value: product?.spot ?? null, color: '#e2e8f0' },
    { name: 'zero γ', value: product?.zero_gamma ?? null, color: DARK.warn },
    { name: 'call wall', value: product?.call_wall ?? null, color: DARK.call },
    { name: 'put wall', value: product?.put_wall ?? null, color: DARK.put },
  ];
  const merged = mergeMarks(marks);
  const inside = merged.filter((m) => m.value !== null && m.value >= lo && m.value <= hi);
  const outside = merged.filter((m) => m.value !== null && (m.value < lo || m.value > hi));
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    title: {
      text: '',
      subtext: outside.map((m) => `${m.name} ${level(m.value)} (off chart)`).join(' · '),
      right: 4,
      top: 0,
      subtextStyle: { color: DARK.muted, fontSize: 11 },
    },
    legend: {
      data: ['GEX (OI)', 'GEX (flow)'],
      left: 0,
      top: 0,
      textStyle: { color: DARK.muted },
    },
    grid: { left: 56, right: 16, top: outside.length > 0 ? 44 : 28, bottom: 24 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: unknown) => (typeof v === 'number' ? `${money(v, true)}/1%` : '—'),
    },
    xAxis: {
      type: 'value',
      axisLabel: { color: DARK.muted, formatter: (v: number) => money(v) },
      axisLine: DARK.axisLine,
      splitLine: DARK.splitLine,
    },
    yAxis: [
      {
        type: 'category',
        data: bars.map((b) => level(b.strike)),
        axisLabel: { color: DARK.muted },
        axisLine: DARK.axisLine,
        axisTick: { alignWithLabel: true },
      },
      { type: 'value', min: lo, max: hi, show: false },
    ],
    series: [
      {
        name: 'GEX (OI)',
        type: 'bar',
        yAxisIndex: 0,
        data: bars.map((b) => b.oi),
        itemStyle: { color: DARK.accent },
        barGap: '10%',
        barCategoryGap: '25%',
      },
      {
        name: 'GEX (flow)',
        type: 'bar',
        yAxisIndex: 0,
        data: bars.map((b) => b.flow),
        itemStyle: { color: '#a78bfa' },
      },
      {
        name: 'levels',
        type: 'line',
        yAxisIndex: 1,
        data: [],
        silent: true,
        markLine: {
          symbol: 'none',
          silent: true,
          animation: false,
          data: inside.map((m) => ({
            name: m.name,
            yAxis: m.value,
            lineStyle: { color: m.color, type: m.name === 'spot' ? 'solid' : 'dashed', width: 1.5 },
            label: {
              color: m.color,
              // Spot on the left end, the other levels on the right: near levels stay legible.
              position: m.name === 'spot' ? 'insideStartTop' : 'insideEndTop',
              formatter: `${m.name} ${level(m.value)}`,
              backgroundColor: 'rgba(2, 6, 23, 0.8)',
              padding: [1, 4],
              borderRadius: 2,
            },
          })),
        },
      },
    ],
  };
}

/** Levels at the same price become one line (`call wall / put wall 6000`). */
export function mergeMarks(marks: Mark[]): Mark[] {
  const out: Mark[] = [];
  for (const m of marks) {
    const same = out.find((o) => o.value !== null && o.value === m.value);
    if (same) {
      same.name = `${same.name} / ${m.name}`;
    } else if (m.value !== null) {
      out.push({ ...m });
    }
  }
  return out;
}
