import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  OnDestroy,
  afterNextRender,
  effect,
  input,
  viewChild,
} from '@angular/core';
import {
  AreaSeries,
  ColorType,
  HistogramSeries,
  IChartApi,
  ISeriesApi,
  ISeriesMarkersPluginApi,
  LineSeries,
  SeriesMarker,
  SeriesType,
  Time,
  UTCTimestamp,
  createChart,
  createSeriesMarkers,
} from 'lightweight-charts';

/** One point: time in Unix seconds (UTC), value. */
export interface TimePoint {
  time: number;
  value: number;
}

/** One series of a [`TimeChartComponent`]. */
export interface TimeSeriesSpec {
  /** Stable key (series are matched by it across updates). */
  id: string;
  title: string;
  kind: 'line' | 'area' | 'histogram';
  color: string;
  /** `right` (default) or `left` price scale: the second axis. */
  scale?: 'left' | 'right';
  /** Points in strictly increasing time (duplicates keep the last). */
  data: TimePoint[];
  lineWidth?: 1 | 2 | 3 | 4;
  /** Draw the dotted last-value line across the chart (default true; off for flat levels). */
  priceLine?: boolean;
  /** Dashed line (line series only). */
  dashed?: boolean;
}

/** A vertical marker (macro event) drawn on the first series. */
export interface TimeMarker {
  time: number;
  text: string;
  color?: string;
}

/**
 * Time series with TradingView's lightweight-charts (its attribution logo stays on, as its
 * licence asks). Times are shown in New York time: lightweight-charts draws UTC, so each time is
 * shifted by the New York offset of that instant before plotting (a display-only shift).
 *
 * ```html
 * <gf-time-chart [series]="series()" [markers]="events()" class="block h-72" />
 * ```
 */
@Component({
  selector: 'gf-time-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div #host class="h-full w-full" data-testid="time-chart"></div>`,
  host: { class: 'block' },
})
export class TimeChartComponent implements OnDestroy {
  readonly series = input.required<TimeSeriesSpec[]>();
  readonly markers = input<TimeMarker[]>([]);

  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private chart: IChartApi | null = null;
  private readonly live = new Map<string, ISeriesApi<SeriesType>>();
  private markerApi: ISeriesMarkersPluginApi<Time> | null = null;
  private observer: ResizeObserver | null = null;
  private fitted = false;

  constructor() {
    afterNextRender(() => {
      const element = this.host().nativeElement;
      this.chart = createChart(element, {
        autoSize: true,
        layout: {
          background: { type: ColorType.Solid, color: 'transparent' },
          textColor: '#cbd5e1',
          attributionLogo: true,
        },
        grid: { vertLines: { color: '#1e293b' }, horzLines: { color: '#1e293b' } },
        rightPriceScale: { borderColor: '#475569' },
        // Visible from the start when a series uses it: turning it on later, while the first
        // auto-size is delivered, trips Chromium's "ResizeObserver loop" error.
        leftPriceScale: { borderColor: '#475569', visible: this.series().some((s) => s.scale === 'left') },
        timeScale: { borderColor: '#475569', timeVisible: true, secondsVisible: false },
      });
      this.apply(this.series(), this.markers());
    });
    effect(() => {
      const series = this.series();
      const markers = this.markers();
      if (this.chart) {
        this.apply(series, markers);
      }
    });
  }

  private apply(specs: TimeSeriesSpec[], markers: TimeMarker[]): void {
    const chart = this.chart;
    if (!chart) {
      return;
    }
    const wanted = new Set(specs.map((s) => s.id));
    for (const [id, api] of this.live) {
      if (!wanted.has(id)) {
        chart.removeSeries(api);
        this.live.delete(id);
      }
    }
    let usesLeft = false;
    for (const spec of specs) {
      let api = this.live.get(spec.id);
      const scale = spec.scale ?? 'right';
      usesLeft ||= scale === 'left';
      if (!api) {
        const common = { title: spec.title, priceScaleId: scale, priceLineVisible: spec.priceLine ?? true };
        api =
          spec.kind === 'area'
            ? chart.addSeries(AreaSeries, {
                ...common,
                lineColor: spec.color,
                topColor: `${spec.color}55`,
                bottomColor: `${spec.color}05`,
                lineWidth: spec.lineWidth ?? 2,
              })
            : spec.kind === 'histogram'
              ? chart.addSeries(HistogramSeries, { ...common, color: spec.color })
              : chart.addSeries(LineSeries, {
                  ...common,
                  color: spec.color,
                  lineWidth: spec.lineWidth ?? 2,
                  lineStyle: spec.dashed ? 2 : 0,
                });
        this.live.set(spec.id, api);
      }
      api.setData(toChartData(spec.data));
    }
    chart.applyOptions({ leftPriceScale: { visible: usesLeft } });
    const first = specs.length > 0 ? this.live.get(specs[0].id) : undefined;
    if (first) {
      const list: SeriesMarker<Time>[] = markers
        .map((m) => ({
          time: shiftToNewYork(m.time) as UTCTimestamp,
          position: 'aboveBar' as const,
          shape: 'arrowDown' as const,
          color: m.color ?? '#fbbf24',
          text: m.text,
        }))
        .sort((a, b) => (a.time as number) - (b.time as number));
      if (this.markerApi) {
        this.markerApi.setMarkers(list);
      } else {
        this.markerApi = createSeriesMarkers(first, list);
      }
    }
    if (!this.fitted && specs.some((s) => s.data.length > 1)) {
      chart.timeScale().fitContent();
      this.fitted = true;
    }
  }

  ngOnDestroy(): void {
    this.observer?.disconnect();
    this.chart?.remove();
    this.chart = null;
    this.live.clear();
  }
}

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Seconds since the epoch, shifted so that lightweight-charts' UTC axis reads New York time. */
export function shiftToNewYork(seconds: number): number {
  const parts = NEW_YORK.formatToParts(new Date(seconds * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round(wall / 1000);
}

/** Sorted, de-duplicated (last wins), New-York-shifted points; non-finite values dropped. */
export function toChartData(points: TimePoint[]): { time: UTCTimestamp; value: number }[] {
  const out: { time: UTCTimestamp; value: number }[] = [];
  let offset: number | null = null;
  let offsetAt = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (!Number.isFinite(p.value) || !Number.isFinite(p.time)) {
      continue;
    }
    // The New York offset changes at most twice a year: recompute it once per hour of data.
    if (offset === null || Math.abs(p.time - offsetAt) > 3600) {
      offset = shiftToNewYork(p.time) - p.time;
      offsetAt = p.time;
    }
    const time = (p.time + offset) as UTCTimestamp;
    const last = out[out.length - 1];
    if (last && time < last.time) {
      continue;
    }
    if (last && time === last.time) {
      last.value = p.value;
    } else {
      out.push({ time, value: p.value });
    }
  }
  return out;
}
